import * as path from "path";
import {
  appendStructFields,
  decodeStruct,
  encodeStruct,
  readStructFields,
  SECRET_SIG,
  SIG_KEY,
  UNKNOWN,
  unwrapSecrets,
} from "../../provider/faces/plugin/struct";

// google-protobuf as the engine's counterpart on this side: the SDK's own copy.
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const { Struct } = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb.js", { paths: [pulumiDir] }),
);

/** Bytes of a protobuf length-delimited field, written by hand (lengths < 128). */
const ld = (field: number, payload: number[]): number[] => [
  field * 8 + 2,
  payload.length,
  ...payload,
];
const text = (s: string) => [...Buffer.from(s, "utf8")];
const entry = (key: string, value: number[]) => ld(1, [...ld(1, text(key)), ...ld(2, value)]);
const stringValue = (s: string) => ld(3, text(s));
const nullValue = [1 * 8 + 0, 0];
const structValue = (entries: number[]) => ld(5, entries);
const listValue = (values: number[][]) =>
  ld(
    6,
    values.flatMap((v) => ld(1, v)),
  );

describe("decodeStruct", () => {
  it("reads what google-protobuf writes: strings, numbers, bools, lists, nested objects", () => {
    const value = {
      name: "a",
      size: 12.5,
      negative: -3,
      big: 2 ** 40,
      yes: true,
      no: false,
      empty: "",
      zero: 0,
      list: ["x", 1, false, { k: "v" }, []],
      nested: { deeper: { leaf: "ü ✓ 😀" } },
    };
    const bytes = Struct.fromJavaScript(value).serializeBinary();
    expect(decodeStruct(bytes)).toEqual(value);
  });

  it("drops object keys whose value is null, at every depth, and keeps nulls in lists", () => {
    const bytes = Struct.fromJavaScript({
      gone: null,
      kept: "k",
      nested: { gone: null, list: [null, "x", { gone: null, kept: 1 }] },
    }).serializeBinary();
    const out = decodeStruct(bytes);
    expect(out).toEqual({ kept: "k", nested: { list: [null, "x", { kept: 1 }] } });
    expect(Object.keys(out)).toEqual(["kept", "nested"]);
    expect(Object.keys(out.nested as object)).toEqual(["list"]);
  });

  it("keeps __proto__ and constructor keys as own properties, the prototype untouched", () => {
    // Written by hand: google-protobuf cannot write a `__proto__` entry at all.
    const bytes = Uint8Array.from([
      ...entry("__proto__", structValue(entry("polluted", stringValue("yes")))),
      ...entry("constructor", stringValue("c")),
      ...entry("inner", structValue(entry("__proto__", stringValue("p")))),
    ]);
    const out = decodeStruct(bytes);
    expect(Object.keys(out)).toEqual(["__proto__", "constructor", "inner"]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual({ polluted: "yes" });
    expect(out.constructor).toBe("c");
    const inner = out.inner as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(inner, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(inner)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("passes the unknown sentinel through unchanged, in objects and lists", () => {
    const bytes = Struct.fromJavaScript({ a: UNKNOWN, b: [UNKNOWN] }).serializeBinary();
    expect(decodeStruct(bytes)).toEqual({ a: UNKNOWN, b: [UNKNOWN] });
  });

  it("treats a Value with no kind as null, and an entry without a value as absent", () => {
    const bytes = Uint8Array.from([
      ...ld(1, ld(1, text("novalue"))),
      ...entry("nokind", []),
      ...entry("listed", listValue([[], nullValue, stringValue("s")])),
    ]);
    expect(decodeStruct(bytes)).toEqual({ listed: [null, null, "s"] });
  });

  it("a later entry for the same key wins, and a later null removes the key", () => {
    const bytes = Uint8Array.from([
      ...entry("a", stringValue("first")),
      ...entry("a", stringValue("second")),
      ...entry("b", stringValue("here")),
      ...entry("b", nullValue),
    ]);
    expect(decodeStruct(bytes)).toEqual({ a: "second" });
  });

  it("skips unknown fields and refuses truncated input", () => {
    const unknownField = [7 * 8 + 0, 5]; // field 7, varint
    const bytes = Uint8Array.from([...unknownField, ...entry("a", stringValue("x"))]);
    expect(decodeStruct(bytes)).toEqual({ a: "x" });
    expect(() => decodeStruct(Uint8Array.from([0x0a, 0x10, 0x0a]))).toThrow(/truncated/);
  });
});

describe("encodeStruct", () => {
  const roundTrip = (v: Record<string, unknown>) =>
    Struct.deserializeBinary(encodeStruct(v)).toJavaScript();

  it("writes what google-protobuf reads", () => {
    const value = {
      name: "a",
      size: 12.5,
      yes: true,
      no: false,
      zero: 0,
      empty: "",
      nothing: null,
      list: ["x", 1, null, { k: "v" }],
      nested: { leaf: "ü ✓ 😀" },
    };
    expect(roundTrip(value)).toEqual(value);
  });

  it("follows JSON: undefined dropped from objects and null in lists, toJSON honoured", () => {
    const when = new Date("2024-01-02T03:04:05.000Z");
    expect(
      roundTrip({ a: undefined, b: [undefined, () => 1], f: () => 1, when, nan: NaN }),
    ).toEqual({ b: [null, null], when: "2024-01-02T03:04:05.000Z", nan: null });
  });

  it("round-trips a __proto__ key through its own decoder", () => {
    const props: Record<string, unknown> = {};
    Object.defineProperty(props, "__proto__", { value: { x: 1 }, enumerable: true });
    const out = decodeStruct(encodeStruct(props));
    expect(Object.keys(out)).toEqual(["__proto__"]);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual({ x: 1 });
  });

  it("names the path of a bigint or a circular reference", () => {
    expect(() => encodeStruct({ a: { b: [1n] } })).toThrow(/bigint.*\(root\)\.a\.b\[0\]/);
    const loop: Record<string, unknown> = { name: "x" };
    loop.self = { again: loop };
    expect(() => encodeStruct({ loop })).toThrow(/circular.*\(root\)\.loop\.self\.again/);
  });

  it("allows the same object twice when it is not its own ancestor", () => {
    const shared = { k: "v" };
    expect(roundTrip({ a: shared, b: [shared] })).toEqual({ a: { k: "v" }, b: [{ k: "v" }] });
  });
});

describe("readStructFields / appendStructFields", () => {
  it("finds Struct fields in a message, leaving absent ones absent", () => {
    const message = appendStructFields(Uint8Array.from([0x0a, 1, 0x41]), {
      3: { a: "x" },
      4: {},
      5: undefined,
    });
    const fields = readStructFields(message, [2, 3, 4, 5]);
    expect(fields.get(3)).toEqual({ a: "x" });
    expect(fields.get(4)).toEqual({});
    expect(fields.has(2)).toBe(false);
    expect(fields.has(5)).toBe(false);
  });

  it("merges a field that occurs twice, as protobuf does", () => {
    const once = appendStructFields(new Uint8Array(), { 2: { a: "1", b: "1" } });
    const twice = appendStructFields(once, { 2: { b: "2" } });
    expect(readStructFields(twice, [2]).get(2)).toEqual({ a: "1", b: "2" });
  });
});

describe("unwrapSecrets", () => {
  it("replaces secret envelopes with their values, at any depth", () => {
    const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });
    expect(
      unwrapSecrets({ token: secret("t0k3n"), nested: { list: [secret({ k: secret("v") })] } }),
    ).toEqual({ token: "t0k3n", nested: { list: [{ k: "v" }] } });
  });

  it("leaves other objects, including other signatures, alone", () => {
    const asset = { [SIG_KEY]: "c44067f5952c0a294b673a41bacd8c17", text: "x" };
    expect(unwrapSecrets({ asset, n: 1 })).toEqual({ asset, n: 1 });
  });
});
