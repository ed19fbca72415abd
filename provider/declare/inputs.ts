/**
 * The pieces every resource's input schema is built from, and the one function that turns
 * a zod result into Pulumi check failures. Validation happens here and only here.
 */
import { z } from "zod";
import { CodeOceanError } from "../core/api/errors";
import { PROVIDER_KEY } from "../resources/partialFailure";

/** The value the engine sends for an input that is not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

/** A Code Ocean id: a UUID. */
export const codeOceanId = (what: string) =>
  z
    .string({ error: typeError(`the ${what}'s id, a UUID`) })
    .regex(
      UUID,
      `must be a Code Ocean ${what} id, a UUID such as 4367940e-e863-4819-afbd-1b6b9f9b1256 (copy it from the ${what}'s page or API)`,
    );

const MOUNT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A mount: the folder name under /data where capsules see the asset. One path segment,
 * so that no mount can escape /data or collide with another asset's folder.
 */
export const mountName = z
  .string({ error: typeError('a folder name under /data, e.g. "reads"') })
  .min(1, 'must not be empty: give a folder name under /data, e.g. "reads"')
  .max(255, "must be at most 255 characters")
  .refine(
    (m) => !m.startsWith("/"),
    'must not start with "/": it is a folder name under /data, e.g. "reads"',
  )
  .refine((m) => !m.split("/").includes(".."), 'must not contain "..": a mount cannot leave /data')
  .superRefine(
    matching(
      MOUNT,
      /[A-Za-z0-9._-]/,
      /[A-Za-z0-9]/,
      'may contain only ASCII letters (A-Z, a-z), digits, ".", "_" and "-", starting with a letter or digit (e.g. "rna_reads-2026")',
    ),
  );

/**
 * A refinement: the value must match `whole`; when it does not, the message names the first
 * character that `char` (for the first character, `first`) refuses, so that a stray "/" or a
 * non-ASCII letter is pointed at, not left for the user to find.
 */
export function matching(whole: RegExp, char: RegExp, first: RegExp, message: string) {
  return (value: string, ctx: z.RefinementCtx) => {
    if (value === "" || whole.test(value)) return;
    const chars = [...value];
    const at = chars.findIndex((c, i) => !(i === 0 ? first : char).test(c));
    const c = chars[at];
    const found =
      at < 0
        ? ""
        : `; found ${hiddenCharacter(c) ? codePoint(c) : JSON.stringify(c)} at position ${at + 1}`;
    ctx.addIssue({ code: "custom", message: message + found });
  };
}

/**
 * Keys a JavaScript object cannot hold as data: `__proto__` would be dropped (or set the
 * prototype) on the way through any plain object, `constructor` and `prototype` shadow
 * object machinery. Refused with a message rather than dropped silently.
 */
export const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** A map schema whose raw keys are checked before parsing (parsing would drop `__proto__`). */
export function safeKeys<S extends z.ZodType>(schema: S) {
  return z.preprocess((raw, ctx) => {
    if (raw && typeof raw === "object" && !Array.isArray(raw)) {
      for (const key of Object.keys(raw)) {
        if (RESERVED_KEYS.has(key)) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `must not be used as a key: JavaScript reserves "${key}", so it would be dropped on the way; rename the field`,
          });
        }
      }
    }
    return raw;
  }, schema);
}

/**
 * Characters that would hide in a name: control characters (C0, DEL, C1) and the Unicode
 * bidirectional overrides and isolates, which make a name display differently from what it
 * is (a "Trojan Source" name in a review).
 */
// eslint-disable-next-line no-control-regex -- the point is to find them
const HIDDEN_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const codePoint = (c: string) =>
  `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/** The first hidden character of `s`, as a `U+XXXX` code and its position, if any. */
export function hiddenCharacter(s: string): string | undefined {
  const m = HIDDEN_CHARACTERS.exec(s);
  return m ? `${codePoint(m[0])} at position ${m.index + 1}` : undefined;
}

/** A string without control or bidirectional-override characters. */
export function visibleText<S extends z.ZodType<string>>(schema: S) {
  return schema.superRefine((v, ctx) => {
    const hidden = hiddenCharacter(v);
    if (hidden)
      ctx.addIssue({
        code: "custom",
        message: `must not contain control or bidirectional-override characters (found ${hidden}); they make it display as something else`,
      });
  });
}

/**
 * A list refinement: the second element equal (by `key`) to an earlier one is refused, at
 * its own index, naming the first. Code Ocean stores each once, so a duplicate would show as
 * a change on every preview.
 */
export function noDuplicates<T>(what: string, key: (item: T) => unknown) {
  return (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Map<unknown, number>();
    items.forEach((item, i) => {
      const k = key(item);
      if (k === UNKNOWN || (typeof k === "string" && k.includes(UNKNOWN))) return;
      const first = seen.get(k);
      if (first === undefined) seen.set(k, i);
      else
        ctx.addIssue({
          code: "custom",
          path: [i],
          message: `must not repeat the ${what} at [${first}] (compared without regard to case): remove one of them`,
        });
    });
  };
}

export const nonEmptyString = (example: string) =>
  z
    .string({ error: typeError(`a string, e.g. ${example}`) })
    .trim()
    .min(1, `must not be empty, e.g. ${example}`);

export const readyTimeoutSeconds = z
  .number({ error: typeError("a number of seconds, e.g. 1800") })
  .int("must be a whole number of seconds")
  .min(1, "must be at least 1 second (use waitForReady: false not to wait at all)")
  .max(7 * 24 * 3600, "must be at most 604800 seconds (7 days)");

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

/**
 * Checked inputs for create/update. The engine only calls those with inputs that passed
 * check, so a failure here means state written by something else: report it plainly.
 */
export function parseChecked<S extends z.ZodType>(
  schema: S,
  news: Record<string, unknown>,
  resource: string,
): z.output<S> {
  const { [PROVIDER_KEY]: _provider, ...raw } = news;
  const result = validate(schema, raw);
  if (!result.ok) {
    throw new CodeOceanError(
      `invalid ${resource} inputs: ${result.failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`,
    );
  }
  return result.value;
}

/** Like typeError, but only for type errors: other issues keep their own messages. */
export function typeErrorOnly(expected: string) {
  const message = typeError(expected);
  return (issue: { code?: string; input?: unknown }) =>
    issue.code === "invalid_type" ? message(issue) : undefined;
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
function closest(word: string, known: string[]): string | undefined {
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
