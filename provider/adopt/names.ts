/**
 * Pulumi resource names for adopted assets, derived from the assets' names: lowercase
 * letters, digits and `-`, stable from one generation to the next, and unique. Assets whose
 * names give the same slug are all told apart by their ids, so which one the search
 * returned first never matters.
 */

/** Longest slug taken from a name (before any id suffix). */
export const MAX_SLUG_LENGTH = 60;
const ID_PREFIX_LENGTH = 8;

/** `"RNA-Seq reads (2025)"` → `"rna-seq-reads-2025"`; accents dropped; `"asset"` when nothing is left. */
export function slugify(text: string, max = MAX_SLUG_LENGTH): string {
  const slug = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, max)
    .replace(/-+$/, "");
  return slug || "asset";
}

/** Plain code-unit order: the same on every machine and in every locale. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A resource name for each asset, by asset id. A slug shared by several assets gets the
 * first 8 characters of each one's id (`reads-1f2e3d4c`); should that still collide (the
 * same id prefix, or another asset's own name), the whole id.
 */
export function resourceNames(
  assets: readonly { id: string; name: string }[],
): Map<string, string> {
  const ids = [...new Set(assets.map((a) => a.id))].sort(compareText);
  const base = new Map(assets.map((a) => [a.id, slugify(a.name)]));
  const candidates = (id: string) => {
    const idSlug = slugify(id, Infinity);
    return [
      base.get(id)!,
      `${base.get(id)}-${idSlug.slice(0, ID_PREFIX_LENGTH).replace(/-+$/, "")}`,
      `${base.get(id)}-${idSlug}`,
    ];
  };
  // Each asset starts at its plain slug; every member of a colliding group moves one step
  // on, until no two names are equal (full ids are unique, so this ends).
  const level = new Map(ids.map((id) => [id, 0]));
  for (;;) {
    const byName = new Map<string, string[]>();
    for (const id of ids) {
      const name = candidates(id)[level.get(id)!];
      byName.set(name, [...(byName.get(name) ?? []), id]);
    }
    const clashing = [...byName.values()].filter((group) => group.length > 1).flat();
    const movable = clashing.filter((id) => level.get(id)! < 2);
    if (!movable.length) {
      // Only ids of different lengths can still meet ("a-b" + "c", "a" + "b-c"): count them.
      const seen = new Map<string, number>();
      return new Map(
        ids.map((id) => {
          const name = candidates(id)[level.get(id)!];
          const n = (seen.get(name) ?? 0) + 1;
          seen.set(name, n);
          return [id, n === 1 ? name : `${name}-${n}`];
        }),
      );
    }
    for (const id of movable) level.set(id, level.get(id)! + 1);
  }
}
