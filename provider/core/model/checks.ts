/**
 * How Code Ocean's values are checked: ids, mounts, names without hidden characters, lists
 * without duplicates, maps without keys JavaScript reserves, timeouts — the checks the model
 * (model.ts) and the resource tables build their declarations from.
 */
import { z } from "zod";
import { typeError, UNKNOWN } from "../../declare/validate";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
