// Declared JSON shapes for what the admin API (and the programmatic admin) accepts. One
// declaration gives both the strict check and the type text that the admin index and the
// README show, so the documentation cannot drift from what is enforced.
import { isObject } from "./validate";

/** A refused admin input; `field` is the path of the offending value, when there is one. */
export class AdminInputError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "AdminInputError";
  }
}

export interface Shape {
  /** TypeScript-like text, e.g. `{name: string, tags?: string[]}`. */
  readonly type: string;
  readonly optional?: boolean;
  /** Throws an AdminInputError naming `path` (inside `what`) when `value` does not fit. */
  check(value: unknown, what: string, path: string): void;
}

function fail(what: string, path: string, problem: string): never {
  const subject = path === "" ? what : `${what}: ${path}`;
  throw new AdminInputError(`${subject} ${problem}`, path === "" ? undefined : path);
}

function leaf(type: string, ok: (v: unknown) => boolean): Shape {
  return {
    type,
    check(value, what, path) {
      if (!ok(value)) fail(what, path, `must be ${type}, got ${JSON.stringify(value)}`);
    },
  };
}

export const string = leaf("string", (v) => typeof v === "string");
export const boolean = leaf("boolean", (v) => typeof v === "boolean");
export const stringOrNumber = leaf(
  "string | number",
  (v) => typeof v === "string" || (typeof v === "number" && Number.isFinite(v)),
);
/** Anything JSON can carry: for out-of-band values that are deliberately not checked. */
export const anyValue = leaf("any", () => true);

export function number(
  opts: { min?: number; max?: number; int?: boolean; positive?: boolean } = {},
): Shape {
  const { min, max, int = false, positive = false } = opts;
  const bounds = [
    positive ? "> 0" : undefined,
    min !== undefined && max !== undefined ? `${min}..${max}` : undefined,
    min !== undefined && max === undefined ? `>= ${min}` : undefined,
    max !== undefined && min === undefined ? `<= ${max}` : undefined,
  ].filter(Boolean);
  return leaf(
    [int ? "integer" : "number", ...bounds].join(" "),
    (v) =>
      typeof v === "number" &&
      Number.isFinite(v) &&
      (!int || Number.isInteger(v)) &&
      (!positive || v > 0) &&
      (min === undefined || v >= min) &&
      (max === undefined || v <= max),
  );
}

export function oneOf(values: readonly string[]): Shape {
  return leaf(values.map((v) => JSON.stringify(v)).join(" | "), (v) =>
    values.includes(v as string),
  );
}

export function optional(shape: Shape): Shape {
  return { ...shape, optional: true };
}

export function nullable(shape: Shape): Shape {
  return {
    type: `${shape.type} | null`,
    check(value, what, path) {
      if (value !== null) shape.check(value, what, path);
    },
  };
}

export function arrayOf(item: Shape): Shape {
  const inner =
    item.type.includes("|") && !item.type.startsWith("{") ? `(${item.type})` : item.type;
  return {
    type: `${inner}[]`,
    check(value, what, path) {
      if (!Array.isArray(value)) fail(what, path, `must be an array ${inner}[]`);
      value.forEach((v, i) => item.check(v, what, `${path}[${i}]`));
    },
  };
}

/** An object with any keys, every value of `value`'s shape. */
export function recordOf(value: Shape): Shape {
  return {
    type: `{[key: string]: ${value.type}}`,
    check(v, what, path) {
      if (!isObject(v)) fail(what, path, "must be an object");
      for (const [k, x] of Object.entries(v)) value.check(x, what, `${path}[${JSON.stringify(k)}]`);
    },
  };
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function checkFields(
  fields: Record<string, Shape>,
  value: Record<string, unknown>,
  what: string,
  path: string,
): void {
  const known = Object.keys(fields);
  for (const key of Object.keys(value)) {
    if (!(key in fields)) {
      const where = path === "" ? what : `${what} ${path}`;
      throw new AdminInputError(
        `unknown field "${key}" in ${where} (known fields: ${known.join(", ")})`,
        join(path, key),
      );
    }
  }
  for (const [key, shape] of Object.entries(fields)) {
    const v = value[key];
    if (v === undefined) {
      if (!shape.optional) fail(what, join(path, key), "is required");
      continue;
    }
    shape.check(v, what, join(path, key));
  }
}

function describeFields(fields: Record<string, Shape>): string {
  const parts = Object.entries(fields).map(([k, s]) => `${k}${s.optional ? "?" : ""}: ${s.type}`);
  return `{${parts.join(", ")}}`;
}

/** An object with exactly these fields; any other key is refused with the known ones listed. */
export function object(fields: Record<string, Shape>): Shape {
  return {
    type: describeFields(fields),
    check(value, what, path) {
      if (!isObject(value)) fail(what, path, "must be an object");
      checkFields(fields, value, what, path);
    },
  };
}

/** Objects told apart by the string in `tag`; each variant lists its other fields. */
export function tagged(tag: string, variants: Record<string, Record<string, Shape>>): Shape {
  const tags = Object.keys(variants);
  return {
    type: tags
      .map((t) => describeFields({ [tag]: leaf(JSON.stringify(t), () => true), ...variants[t] }))
      .join(" | "),
    check(value, what, path) {
      if (!isObject(value)) fail(what, path, "must be an object");
      const t = value[tag];
      if (typeof t !== "string" || !tags.includes(t)) {
        fail(
          what,
          join(path, tag),
          `must be one of ${tags.map((x) => JSON.stringify(x)).join(", ")}`,
        );
      }
      checkFields({ [tag]: string, ...variants[t] }, value, what, path);
    },
  };
}

/** A shape with the name its errors use ("fault rule: status must be …"). */
export interface Body<T> {
  readonly what: string;
  readonly shape: Shape;
  /** Returns `value` typed as T when it fits, throws an AdminInputError otherwise. */
  parse(value: unknown): T;
}

export function body<T>(what: string, shape: Shape): Body<T> {
  return {
    what,
    shape,
    parse(value) {
      shape.check(value, what, "");
      return value as T;
    },
  };
}
