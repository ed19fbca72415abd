/**
 * The framework's validation: how a value is described in messages, the unknown-value
 * sentinel of previews, and the one function that turns a zod result into Pulumi check
 * failures (property paths as Pulumi shows them, one failure per property, a likely name for
 * a misspelt one). Validation happens through here and only here.
 */
import { z } from "zod";

/** The value the engine sends for an input that is not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The message for a missing or mistyped value: "is required" reads better than "expected string". */
export function typeError(expected: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined || issue.input === null
      ? `is required: ${expected}`
      : `must be ${expected} (got ${describe(issue.input)})`;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/** Like typeError, but only for type errors: other issues keep their own messages. */
export function typeErrorOnly(expected: string) {
  const message = typeError(expected);
  return (issue: { code?: string; input?: unknown }) =>
    issue.code === "invalid_type" ? message(issue) : undefined;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

/** Whether `value` is, or contains, the engine's unknown-value sentinel. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

function valueAt(root: unknown, path: PropertyKey[]): { found: boolean; value: unknown } {
  let cur = root;
  for (const key of path) {
    if (cur === UNKNOWN) return { found: true, value: UNKNOWN };
    if (cur === null || typeof cur !== "object" || !(key in (cur as object)))
      return { found: false, value: undefined };
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: cur };
}

/** Property path as Pulumi shows it: `source.aws.bucket`, `tags[1]`, `customMetadata["subject id"]`. */
export function propertyPath(path: PropertyKey[]): string {
  return path
    .map((k, i) =>
      typeof k === "number"
        ? `[${k}]`
        : !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(String(k))
          ? `[${JSON.stringify(String(k))}]`
          : i === 0
            ? String(k)
            : `.${String(k)}`,
    )
    .join("");
}

/** The keys an object schema accepts at `path` (through optional, default, pipe and array wrappers). */
export function knownKeysAt(schema: z.ZodType, path: PropertyKey[]): string[] {
  type Def = {
    type: string;
    shape?: Record<string, z.ZodType>;
    innerType?: z.ZodType;
    out?: z.ZodType;
    element?: z.ZodType;
    valueType?: z.ZodType;
  };
  const def = (t: z.ZodType) => (t as unknown as { _zod: { def: Def } })._zod.def;
  const unwrap = (t: z.ZodType): z.ZodType => {
    const d = def(t);
    if (d.innerType) return unwrap(d.innerType);
    if (d.type === "pipe" && d.out) return unwrap(d.out);
    return t;
  };
  let t = unwrap(schema);
  for (const key of path) {
    const d = def(t);
    const next =
      d.type === "object"
        ? d.shape?.[String(key)]
        : d.type === "array"
          ? d.element
          : d.type === "record"
            ? d.valueType
            : undefined;
    if (!next) return [];
    t = unwrap(next);
  }
  return Object.keys(def(t).shape ?? {});
}

/** The known name closest to a misspelt one (edit distance ≤ 3, case ignored), if any. */
export function closest(word: string, known: string[]): string | undefined {
  const distance = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length];
  };
  const scored = known
    .map((k) => ({ k, d: distance(word.toLowerCase(), k.toLowerCase()) }))
    .sort((x, y) => x.d - y.d);
  return scored.length && scored[0].d <= Math.min(3, Math.ceil(word.length / 2))
    ? scored[0].k
    : undefined;
}

/**
 * Validates raw inputs. Issues that concern a value not yet known at preview (or any value
 * containing one) are dropped: the engine checks again once the value is known.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  raw: Record<string, unknown>,
): { ok: true; value: z.output<S> } | { ok: false; failures: CheckFailure[] } {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const failures: CheckFailure[] = [];
  for (const issue of parsed.error.issues) {
    // A misspelt key is wrong whatever the values are, so it is reported even at preview.
    if (issue.code !== "unrecognized_keys") {
      const at = valueAt(raw, issue.path);
      if (at.found && containsUnknown(at.value)) continue;
    }
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const guess = closest(key, known);
        failures.push({
          property: propertyPath([...issue.path, key]),
          reason: guess
            ? `is not a known property: did you mean ${guess}? (check its spelling against the documented inputs)`
            : "is not a known property; check its spelling against the documented inputs",
        });
      }
      continue;
    }
    // A bad record key carries the key schema's own message inside.
    const reason =
      issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    failures.push({ property: propertyPath(issue.path) || "(inputs)", reason });
  }
  // One failure per property: several broken rules read better as one sentence.
  const merged = new Map<string, string[]>();
  for (const f of failures) merged.set(f.property, [...(merged.get(f.property) ?? []), f.reason]);
  return {
    ok: false,
    failures: [...merged].map(([property, reasons]) => ({
      property,
      reason: [...new Set(reasons)].join("; "),
    })),
  };
}
