/**
 * A small printer for the literals codeocean-adopt writes (strings, numbers, booleans,
 * arrays and objects), laid out the way Prettier's defaults lay them out (print width 80,
 * two-space indent, double quotes, trailing commas), so that a generated file is already
 * Prettier-formatted and reads the same in every project.
 */

export const PRINT_WIDTH = 80;
const INDENT = "  ";

export type Literal =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "boolean"; value: boolean }
  | { kind: "array"; items: Literal[] }
  | {
      kind: "object";
      entries: Entry[];
      /** One property a line, whatever the width (Prettier keeps an object so written expanded). */
      expanded?: boolean;
    };

export interface Entry {
  key: string;
  value: Literal;
  /** `//` comment lines printed above the property. */
  comments?: string[];
  /** An empty line before the property. */
  blankBefore?: boolean;
}

export const str = (value: string): Literal => ({ kind: "string", value });
export const num = (value: number): Literal => ({ kind: "number", value });
export const bool = (value: boolean): Literal => ({ kind: "boolean", value });
export const arr = (items: Literal[]): Literal => ({ kind: "array", items });
export const obj = (entries: Entry[], expanded = false): Literal => ({
  kind: "object",
  entries,
  expanded,
});

/**
 * Characters escaped even though a string literal could hold them: controls, invisible
 * format characters (bidirectional overrides, zero-width joiners), line and paragraph
 * separators, lone surrogates. What the file says is then what a reader sees.
 */
const INVISIBLE =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;

/** A character as a `\\uXXXX` escape. */
export const hex4 = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** A string literal as Prettier writes it: double quotes unless the text holds more of them than single ones. */
export function quote(value: string): string {
  const body = JSON.stringify(value)
    .slice(1, -1)
    .replace(INVISIBLE, (c) => [...c].map(hex4).join(""));
  const doubles = value.split('"').length - 1;
  const singles = value.split("'").length - 1;
  if (doubles <= singles) return `"${body}"`;
  // JSON escapes `"` and `\`: in single quotes, `\"` becomes `"` and `'` is escaped.
  const single = body.replace(/\\(.)|'/g, (m, escaped: string | undefined) =>
    escaped === undefined ? "\\'" : escaped === '"' ? '"' : m,
  );
  return `'${single}'`;
}

/** A number literal as Prettier writes it (`1e21`, not `1e+21`). */
export function numberLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot write ${n} as a literal`);
  return String(n).replace("e+", "e");
}

/** Property names that need no quotes (ES5 identifier names, as Prettier decides). */
const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;
const needsQuotes = (key: string) => !IDENTIFIER.test(key) || /[\u{10000}-\u{10ffff}]/u.test(key);

/** The printed keys of one object: Prettier ("as-needed") quotes only those that need it. */
export function printKeys(keys: string[]): string[] {
  return keys.map((k) => (needsQuotes(k) ? quote(k) : k));
}

/** Display width as Prettier measures it: wide East Asian characters and emoji count 2. */
export function width(text: string): number {
  if (/^[\u0020-\u007e]*$/.test(text)) return text.length;
  let w = 0;
  for (const ch of text.replace(
    /\p{Extended_Pictographic}(\ufe0f|\u200d\p{Extended_Pictographic})*/gu,
    "  ",
  )) {
    const c = ch.codePointAt(0)!;
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f) || (c >= 0x300 && c <= 0x36f)) continue;
    w += isWide(c) ? 2 : 1;
  }
  return w;
}

function isWide(c: number): boolean {
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0x303e) ||
    (c >= 0x3041 && c <= 0x33ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xa000 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x20000 && c <= 0x3fffd)
  );
}

/** A literal on one line, or undefined when it must span lines. */
function flat(v: Literal): string | undefined {
  switch (v.kind) {
    case "string":
      return quote(v.value);
    case "number":
      return numberLiteral(v.value);
    case "boolean":
      return String(v.value);
    case "array": {
      if (mustBreakArray(v.items)) return undefined;
      const items = v.items.map(flat);
      return items.every((i) => i !== undefined) ? `[${items.join(", ")}]` : undefined;
    }
    case "object": {
      if (v.expanded || v.entries.some((e) => e.comments?.length || e.blankBefore))
        return undefined;
      if (!v.entries.length) return "{}";
      const keys = printKeys(v.entries.map((e) => e.key));
      const parts = v.entries.map((e, i) => {
        const value = flat(e.value);
        return value === undefined ? undefined : `${keys[i]}: ${value}`;
      });
      return parts.every((p) => p !== undefined) ? `{ ${parts.join(", ")} }` : undefined;
    }
  }
}

/** Prettier breaks an array of two or more objects (or arrays) that each hold more than one element. */
function mustBreakArray(items: Literal[]): boolean {
  return (
    items.length > 1 &&
    items.every((i) => i.kind === items[0].kind) &&
    items.every(
      (i) =>
        (i.kind === "object" && i.entries.length > 1) || (i.kind === "array" && i.items.length > 1),
    )
  );
}

/**
 * The lines of `v` printed after `prefix` (already on the current line, at `depth`), with
 * `suffix` (e.g. `,`) after it.
 */
export function print(v: Literal, depth: number, prefix: string, suffix: string): string[] {
  const pad = INDENT.repeat(depth);
  const one = flat(v);
  if (one !== undefined && width(pad + prefix + one + suffix) <= PRINT_WIDTH)
    return [pad + prefix + one + suffix];
  if (v.kind === "array" && v.items.length) {
    return [
      `${pad}${prefix}[`,
      ...v.items.flatMap((item) => print(item, depth + 1, "", ",")),
      `${pad}]${suffix}`,
    ];
  }
  if (v.kind === "object" && v.entries.length) {
    const keys = printKeys(v.entries.map((e) => e.key));
    const inner = INDENT.repeat(depth + 1);
    const lines = v.entries.flatMap((e, i) => [
      ...(e.blankBefore && i > 0 ? [""] : []),
      ...(e.comments ?? []).map((c) => `${inner}// ${c}`.trimEnd()),
      ...property(keys[i], e.value, depth + 1),
    ]);
    return [`${pad}${prefix}{`, ...lines, `${pad}}${suffix}`];
  }
  // A scalar too long for the line: Prettier leaves it there.
  return [pad + prefix + (one ?? "") + suffix];
}

/**
 * One `key: value,` property. A string too long for the line moves under its key, unless
 * the key is shorter than five characters (Prettier's "short key").
 */
function property(key: string, value: Literal, depth: number): string[] {
  const pad = INDENT.repeat(depth);
  if (value.kind === "string") {
    const line = `${pad}${key}: ${quote(value.value)},`;
    if (width(line) <= PRINT_WIDTH || width(key) < 5) return [line];
    return [`${pad}${key}:`, `${pad}${INDENT}${quote(value.value)},`];
  }
  return print(value, depth, `${key}: `, ",");
}
