import { z } from "zod";
import {
  UNKNOWN,
  containsUnknown,
  propertyPath,
  typeError,
  validate,
} from "../../../provider/declare/validate";
import { codeOceanId, mountName } from "../../../provider/core/model/checks";

describe("UNKNOWN", () => {
  it("is the engine's unknown-value sentinel", () => {
    expect(UNKNOWN).toBe("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
  });
});

describe("containsUnknown", () => {
  it.each<[unknown, boolean]>([
    [UNKNOWN, true],
    [[1, UNKNOWN], true],
    [{ a: { b: [UNKNOWN] } }, true],
    ["x", false],
    [null, false],
    [undefined, false],
    [{ a: 1, b: [null, "y"] }, false],
    [`${UNKNOWN}x`, false],
  ])("%j → %s", (value, expected) => {
    expect(containsUnknown(value)).toBe(expected);
  });
});

describe("propertyPath", () => {
  it.each<[PropertyKey[], string]>([
    [["name"], "name"],
    [["source", "aws", "bucket"], "source.aws.bucket"],
    [["tags", 1], "tags[1]"],
    [["a", 0, "b", 2], "a[0].b[2]"],
    [[], ""],
  ])("%j → %j", (path, expected) => {
    expect(propertyPath(path)).toBe(expected);
  });
});

describe("typeError", () => {
  const message = typeError("a string");
  it.each<[unknown, string]>([
    [undefined, "is required: a string"],
    [null, "is required: a string"],
    [5, "must be a string (got number 5)"],
    [true, "must be a string (got boolean true)"],
    [[1], "must be a string (got a list)"],
    [{}, "must be a string (got an object)"],
    ["x".repeat(50), `must be a string (got the string "${"x".repeat(40)}…")`],
  ])("%j → %j", (input, expected) => {
    expect(message({ input })).toBe(expected);
  });
});

describe("codeOceanId and mountName", () => {
  it("accept UUIDs in either case and reject others", () => {
    const id = codeOceanId("capsule");
    expect(id.safeParse("4367940E-E863-4819-AFBD-1B6B9F9B1256").success).toBe(true);
    expect(id.safeParse("4367940e-e863-4819-afbd-1b6b9f9b125").success).toBe(false);
    expect(id.safeParse(" 4367940e-e863-4819-afbd-1b6b9f9b1256").success).toBe(false);
  });

  it.each(["reads", "rna_reads-2026", "a", "v1.2", "0data"])("mount %j is valid", (m) => {
    expect(mountName.safeParse(m).success).toBe(true);
  });

  it.each(["", "/reads", "a/b", "..", "a/../b", ".hidden", "-x", "r e", "x".repeat(256)])(
    "mount %j is invalid",
    (m) => {
      expect(mountName.safeParse(m).success).toBe(false);
    },
  );
});

describe("validate", () => {
  const schema = z.strictObject({
    a: z.string(),
    list: z.array(z.number()).optional(),
    nested: z.strictObject({ b: z.number() }).optional(),
  });

  it("returns the parsed value on success", () => {
    expect(validate(schema, { a: "x" })).toEqual({ ok: true, value: { a: "x" } });
  });

  it("maps issue paths to property paths", () => {
    const result = validate(schema, { a: 1, list: [1, "2"], nested: { b: "c" } });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.failures.map((f) => f.property).sort()).toEqual(
      ["a", "list[1]", "nested.b"].sort(),
    );
  });

  it("names each unrecognized key, nested ones by their full path", () => {
    const result = validate(schema, { a: "x", typo: 1, nested: { b: 1, c: 2 } });
    expect(!result.ok && result.failures.map((f) => f.property).sort()).toEqual(
      ["nested.c", "typo"].sort(),
    );
  });

  it("names a root-level problem (inputs)", () => {
    const result = validate(z.string() as never, {});
    expect(!result.ok && result.failures[0].property).toBe("(inputs)");
  });

  it("drops issues about unknown values but keeps the others", () => {
    const result = validate(schema, { a: UNKNOWN, list: [UNKNOWN, "x"], nested: UNKNOWN });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.failures.map((f) => f.property)).toEqual(["list[1]"]);
  });

  it("merges several reasons for one property into one failure", () => {
    const multi = validate(z.strictObject({ mount: mountName }), { mount: "/a b" });
    expect(!multi.ok && multi.failures).toHaveLength(1);
    expect(!multi.ok && multi.failures[0].reason).toMatch(
      /must not start with "\/".*; may contain only/,
    );
  });
});
