/**
 * `google.protobuf.Struct` / `Value` ↔ plain JavaScript, read and written as protobuf wire
 * bytes.
 *
 * Why not google-protobuf's `Struct.toJavaScript` / `fromJavaScript`: its map type (jspb.Map,
 * google-protobuf 3.21.4 as @pulumi/pulumi 3.270 ships it) keeps entries in a plain object, so
 * an entry keyed `__proto__` is silently lost both when a message is parsed and when one is
 * built (checked here: set, serialize, parse → the key is gone). A program can send such a key
 * (YAML and Python pass user maps through untouched); validation must see it to refuse it, so
 * the server decodes every Struct field itself from the request bytes (readStructFields) and
 * appends every Struct field of a response itself (appendStructFields), and lets the generated
 * classes handle only the scalar fields.
 *
 * From the engine: `null` means absent — object keys whose value is null are dropped at every
 * depth (YAML and Python send explicit nulls for unset values, and the engine forwards them),
 * but a null inside a list stays, so indices keep their meaning and validation names it. Keys
 * are own properties made with `Object.defineProperty`, never `obj[key] = v`, which for
 * `__proto__` would change the prototype instead. The unknown sentinel string (a preview's
 * "not known yet") is an ordinary string and passes through unchanged.
 *
 * To the engine: JSON's rules. `undefined`, functions and symbols are dropped from objects and
 * become null in lists; `toJSON` is honoured (a Date becomes its ISO text); a non-finite number
 * becomes null; a bigint or a circular reference is an error naming its path.
 */
import type { Props } from "./types";

export type { Props };

/** The engine's "value not known yet" (preview), sent as a plain string. */
export { UNKNOWN } from "../../declare/validate";

/** The key and value that mark a `{ [SIG]: SECRET_SIG, value }` secret envelope. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

// Wire types (protobuf encoding spec).
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

// Field numbers of struct.proto.
const STRUCT_FIELDS = 1; // map<string, Value>, i.e. repeated { key = 1; value = 2 }
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;
const VALUE_NULL = 1;
const VALUE_NUMBER = 2;
const VALUE_STRING = 3;
const VALUE_BOOL = 4;
const VALUE_STRUCT = 5;
const VALUE_LIST = 6;
const LIST_VALUES = 1;

class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): number {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      if (this.pos >= this.buf.length) throw new Error("malformed protobuf: truncated varint");
      if (shift > 63) throw new Error("malformed protobuf: varint longer than 10 bytes");
      const b = this.buf[this.pos++];
      // Field numbers, lengths and enum/bool values are small; bits past 2^53 only ever belong
      // to negative enum values, which nothing here reads.
      if (shift < 53) result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
  }

  tag(): { field: number; wire: number } {
    const t = this.varint();
    return { field: Math.floor(t / 8), wire: t % 8 };
  }

  bytes(): Uint8Array {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw new Error("malformed protobuf: truncated field");
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  double(): number {
    if (this.pos + 8 > this.buf.length) throw new Error("malformed protobuf: truncated double");
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    return view.getFloat64(0, true);
  }

  skip(wire: number): void {
    if (wire === VARINT) this.varint();
    else if (wire === FIXED64) this.pos += 8;
    else if (wire === LENGTH_DELIMITED) this.bytes();
    else if (wire === FIXED32) this.pos += 4;
    else throw new Error(`malformed protobuf: unsupported wire type ${wire}`);
    if (this.pos > this.buf.length) throw new Error("malformed protobuf: truncated field");
  }
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

/** Sets or (for null) removes an own property, whatever its name. */
function put(obj: Props, key: string, value: unknown): void {
  if (value === null) {
    delete obj[key];
    return;
  }
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A `google.protobuf.Value`; `null` for null_value and for a Value with no kind set. */
function decodeValue(bytes: Uint8Array): unknown {
  const r = new Reader(bytes);
  let value: unknown = null;
  // A oneof: when a field repeats or several are set, the last one wins (protobuf merge rules).
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === VALUE_NULL && wire === VARINT) {
      r.varint();
      value = null;
    } else if (field === VALUE_NUMBER && wire === FIXED64) value = r.double();
    else if (field === VALUE_STRING && wire === LENGTH_DELIMITED) value = utf8(r.bytes());
    else if (field === VALUE_BOOL && wire === VARINT) value = r.varint() !== 0;
    else if (field === VALUE_STRUCT && wire === LENGTH_DELIMITED) value = decodeStruct(r.bytes());
    else if (field === VALUE_LIST && wire === LENGTH_DELIMITED) value = decodeList(r.bytes());
    else r.skip(wire);
  }
  return value;
}

function decodeList(bytes: Uint8Array): unknown[] {
  const r = new Reader(bytes);
  const out: unknown[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === LIST_VALUES && wire === LENGTH_DELIMITED) out.push(decodeValue(r.bytes()));
    else r.skip(wire);
  }
  return out;
}

function decodeEntryInto(obj: Props, bytes: Uint8Array): void {
  const r = new Reader(bytes);
  let key = "";
  let value: unknown = null;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === ENTRY_KEY && wire === LENGTH_DELIMITED) key = utf8(r.bytes());
    else if (field === ENTRY_VALUE && wire === LENGTH_DELIMITED) value = decodeValue(r.bytes());
    else r.skip(wire);
  }
  put(obj, key, value);
}

function decodeStructInto(obj: Props, bytes: Uint8Array): void {
  const r = new Reader(bytes);
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === STRUCT_FIELDS && wire === LENGTH_DELIMITED) decodeEntryInto(obj, r.bytes());
    else r.skip(wire);
  }
}

/** A serialized `google.protobuf.Struct` as a plain object (see the rules at the top). */
export function decodeStruct(bytes: Uint8Array): Props {
  const obj: Props = {};
  decodeStructInto(obj, bytes);
  return obj;
}

/**
 * The Struct-typed fields `fields` (field numbers) of a serialized message, decoded. A field
 * that is absent is absent from the map (an empty Struct is present and `{}`): the engine
 * leaves `ReadRequest.inputs` unset for an import, for instance. A field that occurs more than
 * once is merged, as protobuf merges repeated occurrences of a message field.
 */
export function readStructFields(
  message: Uint8Array,
  fields: readonly number[],
): Map<number, Props> {
  const out = new Map<number, Props>();
  const r = new Reader(message);
  while (!r.done) {
    const { field, wire } = r.tag();
    if (wire === LENGTH_DELIMITED && fields.includes(field)) {
      let obj = out.get(field);
      if (!obj) out.set(field, (obj = {}));
      decodeStructInto(obj, r.bytes());
    } else r.skip(wire);
  }
  return out;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function lengthDelimited(field: number, payload: Uint8Array): Buffer {
  return Buffer.concat([
    Buffer.from(varint(field * 8 + LENGTH_DELIMITED)),
    Buffer.from(varint(payload.length)),
    payload,
  ]);
}

/** What JSON.stringify would see for `value`: the result of its toJSON, if any. */
function jsonView(value: unknown, key: string): unknown {
  if (value !== null && typeof value === "object") {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return toJSON.call(value, key);
  }
  return value;
}

/** Whether JSON drops `value` from an object (and writes null for it in a list). */
function omitted(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

function encodeValue(value: unknown, path: string, ancestors: object[]): Buffer {
  if (omitted(value) || value === null) {
    return Buffer.from([...varint(VALUE_NULL * 8 + VARINT), 0]);
  }
  switch (typeof value) {
    case "string":
      return lengthDelimited(VALUE_STRING, Buffer.from(value, "utf8"));
    case "boolean":
      return Buffer.from([...varint(VALUE_BOOL * 8 + VARINT), value ? 1 : 0]);
    case "number": {
      if (!Number.isFinite(value)) return encodeValue(null, path, ancestors);
      const b = Buffer.alloc(9);
      b[0] = VALUE_NUMBER * 8 + FIXED64;
      b.writeDoubleLE(value, 1);
      return b;
    }
    case "bigint":
      throw new TypeError(`cannot send a bigint to the Pulumi engine (at ${path})`);
  }
  const obj = value as object;
  if (ancestors.includes(obj)) {
    throw new TypeError(`cannot send a circular structure to the Pulumi engine (at ${path})`);
  }
  ancestors.push(obj);
  try {
    if (Array.isArray(obj)) {
      const items = obj.map((item, i) =>
        lengthDelimited(
          LIST_VALUES,
          encodeValue(jsonView(item, String(i)), `${path}[${i}]`, ancestors),
        ),
      );
      return lengthDelimited(VALUE_LIST, Buffer.concat(items));
    }
    return lengthDelimited(VALUE_STRUCT, encodeStructAt(obj as Props, path, ancestors));
  } finally {
    ancestors.pop();
  }
}

function encodeStructAt(props: Props, path: string, ancestors: object[]): Buffer {
  const entries: Buffer[] = [];
  // Object.keys lists own enumerable keys, an own `__proto__` among them; reading it back with
  // props[key] returns the own property, not the prototype.
  for (const key of Object.keys(props)) {
    const value = jsonView(props[key], key);
    if (omitted(value)) continue;
    const entry = Buffer.concat([
      lengthDelimited(ENTRY_KEY, Buffer.from(key, "utf8")),
      lengthDelimited(ENTRY_VALUE, encodeValue(value, `${path}.${key}`, ancestors)),
    ]);
    entries.push(lengthDelimited(STRUCT_FIELDS, entry));
  }
  return Buffer.concat(entries);
}

/** A plain object as a serialized `google.protobuf.Struct` (see the rules at the top). */
export function encodeStruct(props: Props): Buffer {
  return encodeStructAt(props, "(root)", [props]);
}

/**
 * `message` (a serialized message) with the Struct-typed fields `fields` (field number →
 * value) appended. Protobuf parsers accept fields in any order, so a message serialized by the
 * generated class without its Struct fields plus these bytes is the whole message.
 */
export function appendStructFields(
  message: Uint8Array,
  fields: Record<number, Props | undefined>,
): Buffer {
  const parts: Uint8Array[] = [message];
  for (const [field, props] of Object.entries(fields)) {
    if (props !== undefined) parts.push(lengthDelimited(Number(field), encodeStruct(props)));
  }
  return Buffer.concat(parts);
}

/**
 * `value` with every secret envelope replaced by its plaintext. The engine sends Configure's
 * arguments with secrets wrapped even to a provider that declined secrets
 * (provider_plugin.go, Configure: FilterProperties with KeepSecrets: true).
 */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Props;
  if (Object.prototype.hasOwnProperty.call(obj, SIG_KEY) && obj[SIG_KEY] === SECRET_SIG) {
    return unwrapSecrets(obj.value);
  }
  const out: Props = {};
  for (const key of Object.keys(obj)) put(out, key, unwrapSecrets(obj[key]) ?? null);
  return out;
}
