/** Paths (dotted, `[i]` for list items) of every `undefined` inside `value`, the root included. */
export function undefinedPaths(value: unknown, path = "(root)"): string[] {
  if (value === undefined) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => undefinedPaths(v, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => undefinedPaths(v, `${path}.${k}`));
  }
  return [];
}

/** Every key (at any depth) of `value`. */
export function allKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allKeys);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => [k, ...allKeys(v)]);
  }
  return [];
}

/** A model asset's provenance when Code Ocean says nothing: camelCase, `""` and `[]`. */
export const NO_PROVENANCE = {
  capsule: "",
  pipeline: "",
  computation: "",
  commit: "",
  runScript: "",
  dockerImage: "",
  dataAssets: [] as string[],
};
