import { DataAssetInputsSchema } from "../../../provider/resources/dataAsset/table";
import { CheckFailure, UNKNOWN, validate } from "../../../provider/declare/validate";

const RUN = "4367940e-e863-4819-afbd-1b6b9f9b1256";
const base = { name: "RNA reads", mount: "reads", source: { aws: { bucket: "acme-reads" } } };

function failuresOf(raw: Record<string, unknown>): CheckFailure[] {
  const result = validate(DataAssetInputsSchema, raw);
  if (result.ok) throw new Error(`expected failures for ${JSON.stringify(raw)}`);
  return result.failures;
}

describe("DataAssetInputsSchema: valid inputs", () => {
  it("applies the defaults", () => {
    const result = validate(DataAssetInputsSchema, base);
    expect(result).toEqual({
      ok: true,
      value: {
        name: "RNA reads",
        mount: "reads",
        description: "",
        tags: [],
        customMetadata: {},
        source: {
          aws: { bucket: "acme-reads", prefix: "", keepOnExternalStorage: false, public: false },
        },
        onDelete: "archive",
        waitForReady: true,
        readyTimeoutSeconds: 1800,
        archived: false,
      },
    });
  });

  it("applies the gcp and computation defaults", () => {
    const gcp = validate(DataAssetInputsSchema, {
      ...base,
      source: { gcp: { bucket: "acme_imaging" } },
    });
    expect(gcp.ok && gcp.value.source).toEqual({
      gcp: { bucket: "acme_imaging", prefix: "", clientId: "", clientSecret: "" },
    });
    const run = validate(DataAssetInputsSchema, { ...base, source: { computation: { id: RUN } } });
    expect(run.ok && run.value.source).toEqual({ computation: { id: RUN, path: "" } });
  });

  it("accepts a full set of inputs unchanged", () => {
    const raw = {
      name: "RNA reads",
      mount: "rna_reads-2026",
      description: "raw",
      tags: ["genomics", "rna"],
      customMetadata: { "subject id": "S-001", age: 42 },
      source: { computation: { id: RUN, path: "results/figures" } },
      target: { aws: { bucket: "acme-results", prefix: "results/" } },
      onDelete: "delete",
      waitForReady: false,
      readyTimeoutSeconds: 60,
      archived: false,
    };
    expect(validate(DataAssetInputsSchema, raw)).toEqual({ ok: true, value: raw });
  });

  it("accepts adoptExistingId without a source", () => {
    const result = validate(DataAssetInputsSchema, { name: "n", mount: "m", adoptExistingId: RUN });
    expect(result.ok).toBe(true);
  });

  it("accepts a GCP client secret split out of the source together with its client id", () => {
    const result = validate(DataAssetInputsSchema, {
      ...base,
      source: { gcp: { bucket: "acme-imaging", clientId: "cid" } },
      gcpClientSecret: "s3cr3t",
    });
    expect(result.ok).toBe(true);
  });

  it("trims surrounding whitespace from the name", () => {
    const result = validate(DataAssetInputsSchema, { ...base, name: "  RNA reads " });
    expect(result.ok && result.value.name).toBe("RNA reads");
  });
});

describe("DataAssetInputsSchema: each invalid input fails at its exact property with a fix", () => {
  const long = "x".repeat(256);
  // [label, raw inputs, property, reason pattern]
  const table: [string, Record<string, unknown>, string, RegExp][] = [
    [
      "missing name",
      { mount: "reads", source: base.source },
      "name",
      /is required: a string, e\.g\./,
    ],
    ["empty name", { ...base, name: "   " }, "name", /must not be empty, e\.g\./],
    ["name too long", { ...base, name: long }, "name", /at most 255 characters/],
    ["name not a string", { ...base, name: 42 }, "name", /must be a string.*\(got number 42\)/],
    [
      "missing mount",
      { name: "n", source: base.source },
      "mount",
      /is required: a folder name under \/data/,
    ],
    ["empty mount", { ...base, mount: "" }, "mount", /must not be empty: give a folder name/],
    ["absolute mount", { ...base, mount: "/data/reads" }, "mount", /must not start with "\/"/],
    ["mount escaping /data", { ...base, mount: "a/../b" }, "mount", /must not contain "\.\."/],
    [
      "mount with a space",
      { ...base, mount: "my reads" },
      "mount",
      /only ASCII letters \(A-Z, a-z\), digits.*e\.g\..*found " " at position 3/,
    ],
    ["mount too long", { ...base, mount: long }, "mount", /at most 255 characters/],
    ["description not a string", { ...base, description: 5 }, "description", /must be a string/],
    ["tags not a list", { ...base, tags: "genomics" }, "tags", /must be a list of strings, e\.g\./],
    ["empty tag", { ...base, tags: ["ok", ""] }, "tags[1]", /must not be empty, e\.g\. "genomics"/],
    ["tag not a string", { ...base, tags: ["ok", "fine", 5] }, "tags[2]", /must be a string/],
    [
      "customMetadata not a map",
      { ...base, customMetadata: "x" },
      "customMetadata",
      /a map of field name to value/,
    ],
    [
      "customMetadata boolean value",
      { ...base, customMetadata: { x: true } },
      "customMetadata.x",
      /a string, a number \(dates as epoch seconds.*or a list of them/,
    ],
    [
      "customMetadata non-finite number",
      { ...base, customMetadata: { x: Infinity } },
      "customMetadata.x",
      /a string, a number/,
    ],
    [
      "source missing",
      { name: "n", mount: "m" },
      "source",
      /is required: give exactly one of source\.aws, source\.gcp, source\.computation or source\.cloudWorkstation \(or adoptExistingId/,
    ],
    [
      "source empty",
      { ...base, source: {} },
      "source",
      /needs exactly one of aws, gcp, computation or cloudWorkstation \(e\.g\./,
    ],
    [
      "two sources",
      { ...base, source: { aws: { bucket: "acme-reads" }, computation: { id: RUN } } },
      "source",
      /not aws and computation: declare one DataAsset per source/,
    ],
    [
      "aws bucket missing",
      { ...base, source: { aws: {} } },
      "source.aws.bucket",
      /is required: an S3 bucket name/,
    ],
    [
      "aws bucket with scheme",
      { ...base, source: { aws: { bucket: "s3://acme-reads" } } },
      "source.aws.bucket",
      /no s3:\/\/ prefix/,
    ],
    [
      "aws bucket uppercase",
      { ...base, source: { aws: { bucket: "Acme_Reads" } } },
      "source.aws.bucket",
      /lowercase ASCII letters.*found "A" at position 1/,
    ],
    [
      "aws prefix escaping",
      { ...base, source: { aws: { bucket: "acme-reads", prefix: "a/../b" } } },
      "source.aws.prefix",
      /must not contain "\.\." segments/,
    ],
    [
      "aws public not boolean",
      { ...base, source: { aws: { bucket: "acme-reads", public: "yes" } } },
      "source.aws.public",
      /must be true or false/,
    ],
    [
      "aws keepOnExternalStorage not boolean",
      { ...base, source: { aws: { bucket: "acme-reads", keepOnExternalStorage: 1 } } },
      "source.aws.keepOnExternalStorage",
      /must be true or false/,
    ],
    [
      "gcs bucket with scheme",
      { ...base, source: { gcp: { bucket: "gs://acme" } } },
      "source.gcp.bucket",
      /no gs:\/\/ prefix/,
    ],
    [
      "gcp client id without secret",
      { ...base, source: { gcp: { bucket: "acme-imaging", clientId: "cid" } } },
      "source.gcp.clientSecret",
      /give both, or neither for a public bucket/,
    ],
    [
      "gcp secret without client id",
      { ...base, source: { gcp: { bucket: "acme-imaging", clientSecret: "s" } } },
      "source.gcp.clientId",
      /give both, or neither/,
    ],
    [
      "gcp split-out secret without client id",
      { ...base, source: { gcp: { bucket: "acme-imaging" } }, gcpClientSecret: "s" },
      "source.gcp.clientId",
      /give both, or neither/,
    ],
    [
      "computation id not a UUID",
      { ...base, source: { computation: { id: "run-1" } } },
      "source.computation.id",
      /must be a Code Ocean computation id, a UUID such as/,
    ],
    [
      "computation id missing",
      { ...base, source: { computation: {} } },
      "source.computation.id",
      /is required: the computation's id, a UUID/,
    ],
    [
      "target with an aws source",
      { ...base, target: { aws: { bucket: "acme-out", prefix: "r/" } } },
      "target",
      /only allowed with a computation source.*remove it or use source\.computation/,
    ],
    [
      "target bucket invalid",
      {
        ...base,
        source: { computation: { id: RUN } },
        target: { aws: { bucket: "BAD", prefix: "r/" } },
      },
      "target.aws.bucket",
      /S3 bucket name/,
    ],
    [
      "target prefix missing",
      { ...base, source: { computation: { id: RUN } }, target: { aws: { bucket: "acme-out" } } },
      "target.aws.prefix",
      /is required: a key prefix, e\.g\./,
    ],
    [
      "onDelete unknown",
      { ...base, onDelete: "destroy" },
      "onDelete",
      /must be "archive" \(default\), "delete".*or "retain"/,
    ],
    [
      "waitForReady not boolean",
      { ...base, waitForReady: "true" },
      "waitForReady",
      /must be true or false \(got the string "true"\)/,
    ],
    [
      "readyTimeoutSeconds zero",
      { ...base, readyTimeoutSeconds: 0 },
      "readyTimeoutSeconds",
      /at least 1 second \(use waitForReady: false/,
    ],
    [
      "readyTimeoutSeconds fractional",
      { ...base, readyTimeoutSeconds: 1.5 },
      "readyTimeoutSeconds",
      /whole number of seconds/,
    ],
    [
      "readyTimeoutSeconds too large",
      { ...base, readyTimeoutSeconds: 604_801 },
      "readyTimeoutSeconds",
      /at most 604800 seconds \(7 days\)/,
    ],
    [
      "readyTimeoutSeconds as a string",
      { ...base, readyTimeoutSeconds: "1800" },
      "readyTimeoutSeconds",
      /must be a number of seconds, e\.g\. 1800/,
    ],
    [
      "adoptExistingId not a UUID",
      { ...base, adoptExistingId: "abc" },
      "adoptExistingId",
      /must be a Code Ocean data asset id, a UUID/,
    ],
    [
      "gcpClientSecret not a string",
      { ...base, gcpClientSecret: 5 },
      "gcpClientSecret",
      /must be a string/,
    ],
  ];

  it("has at least 25 distinct cases", () => {
    expect(new Set(table.map(([label]) => label)).size).toBe(table.length);
    expect(table.length).toBeGreaterThanOrEqual(25);
  });

  it.each(table.map(([label, raw, property, reason]) => [label, property, raw, reason] as const))(
    "%s → %s",
    (_label, property, raw, reason) => {
      const failures = failuresOf(raw);
      const at = failures.filter((f) => f.property === property);
      expect(at).toHaveLength(1);
      expect(at[0].reason).toMatch(reason);
      // Nothing else is blamed: each case breaks exactly one property.
      expect(failures.map((f) => f.property)).toEqual([property]);
    },
  );

  it.each<[string, Record<string, unknown>, string]>([
    ["source not an object", { ...base, source: "s3://acme" }, "source"],
    ["source.aws not an object", { ...base, source: { aws: "acme-reads" } }, "source.aws"],
    [
      "target not an object",
      { ...base, source: { computation: { id: RUN } }, target: "x" },
      "target",
    ],
  ])("%s fails at %s", (_label, raw, property) => {
    expect(failuresOf(raw).map((f) => f.property)).toEqual([property]);
  });

  // These fall through to zod's default text ("Invalid input: expected object, received
  // string"), unlike every other input, which says what to write instead.
  it.each<[string, Record<string, unknown>]>([
    ["source not an object", { ...base, source: "s3://acme" }],
    ["target.aws missing", { ...base, source: { computation: { id: RUN } }, target: {} }],
  ])("%s: the reason says what to write", (_label, raw) => {
    for (const f of failuresOf(raw)) expect(f.reason).not.toMatch(/^Invalid input/);
  });

  it("reports several broken properties at once", () => {
    const failures = failuresOf({ ...base, name: "", mount: "/x", tags: [""] });
    expect(failures.map((f) => f.property).sort()).toEqual(["mount", "name", "tags[0]"]);
  });
});

describe("DataAssetInputsSchema: unknown keys", () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      "a typo inside source.aws",
      { ...base, source: { aws: { bucket: "acme-reads", keepOnExternalStore: true } } },
      "source.aws.keepOnExternalStore",
    ],
    ["a typo at the top level", { ...base, keepOnExternalStorage: true }, "keepOnExternalStorage"],
    ["a misspelled input", { ...base, readyTimeoutSecs: 60 }, "readyTimeoutSecs"],
    ["an unknown source kind", { ...base, source: { azure: { container: "x" } } }, "source.azure"],
    [
      "a typo inside source.gcp",
      { ...base, source: { gcp: { bucket: "acme-imaging", clientID: "x" } } },
      "source.gcp.clientID",
    ],
    [
      "a typo inside target.aws",
      {
        ...base,
        source: { computation: { id: RUN } },
        target: { aws: { bucket: "acme-out", prefix: "", region: "x" } },
      },
      "target.aws.region",
    ],
  ])("rejects %s, naming the key", (_label, raw, property) => {
    const failures = failuresOf(raw);
    const f = failures.find((x) => x.property === property);
    expect(f).toBeDefined();
    expect(f!.reason).toMatch(
      /^is not a known property(: did you mean \w+\? \(check|; check) its spelling/,
    );
  });

  it("suggests the closest known name, at the level of the typo", () => {
    const at = (raw: Record<string, unknown>, property: string) =>
      failuresOf(raw).find((x) => x.property === property)?.reason;
    expect(at({ ...base, nmae: "x" }, "nmae")).toMatch(/did you mean name\?/);
    expect(
      at({ ...base, source: { aws: { bucket: "acme-reads", prefx: "a/" } } }, "source.aws.prefx"),
    ).toMatch(/did you mean prefix\?/);
    expect(at({ ...base, zzzzzzzz: 1 }, "zzzzzzzz")).toMatch(/^is not a known property; check/);
  });

  // validate() drops issues whose path holds an unknown value; an unrecognized-keys issue
  // has the object's path, here the root, and the root contains the unknown bucket.
  it("rejects a typo even while another input is unknown (preview)", () => {
    const failures = failuresOf({
      ...base,
      source: { aws: { bucket: UNKNOWN } },
      keepOnExternalStore: true,
    });
    expect(failures.map((f) => f.property)).toContain("keepOnExternalStore");
  });

  it("rejects a typo inside source.aws while the bucket is unknown", () => {
    const failures = failuresOf({
      ...base,
      source: { aws: { bucket: UNKNOWN, keepOnExternalStore: true } },
    });
    expect(failures.map((f) => f.property)).toContain("source.aws.keepOnExternalStore");
  });
});

describe("DataAssetInputsSchema: the unknown sentinel never fails", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["the whole source", { ...base, source: UNKNOWN }],
    ["source.aws", { ...base, source: { aws: UNKNOWN } }],
    ["a bucket", { ...base, source: { aws: { bucket: UNKNOWN } } }],
    ["a GCS bucket", { ...base, source: { gcp: { bucket: UNKNOWN } } }],
    ["a prefix", { ...base, source: { aws: { bucket: "acme-reads", prefix: UNKNOWN } } }],
    ["a flag", { ...base, source: { aws: { bucket: "acme-reads", public: UNKNOWN } } }],
    ["a computation id", { ...base, source: { computation: { id: UNKNOWN } } }],
    ["the name", { ...base, name: UNKNOWN }],
    ["the mount", { ...base, mount: UNKNOWN }],
    ["the tags", { ...base, tags: UNKNOWN }],
    ["one tag", { ...base, tags: ["a", UNKNOWN] }],
    ["the custom metadata", { ...base, customMetadata: UNKNOWN }],
    ["one custom metadata value", { ...base, customMetadata: { x: UNKNOWN } }],
    ["the target", { ...base, source: { computation: { id: RUN } }, target: UNKNOWN }],
    [
      "the target with an unknown source",
      { ...base, source: UNKNOWN, target: { aws: { bucket: "acme-out", prefix: "" } } },
    ],
    [
      "the target bucket",
      {
        ...base,
        source: { computation: { id: RUN } },
        target: { aws: { bucket: UNKNOWN, prefix: UNKNOWN } },
      },
    ],
    ["onDelete", { ...base, onDelete: UNKNOWN }],
    ["waitForReady", { ...base, waitForReady: UNKNOWN }],
    ["readyTimeoutSeconds", { ...base, readyTimeoutSeconds: UNKNOWN }],
    ["adoptExistingId", { ...base, adoptExistingId: UNKNOWN }],
    [
      "the GCP client id",
      { ...base, source: { gcp: { bucket: "acme-imaging", clientId: UNKNOWN } } },
    ],
    [
      "the split-out GCP secret",
      {
        ...base,
        source: { gcp: { bucket: "acme-imaging", clientId: "c" } },
        gcpClientSecret: UNKNOWN,
      },
    ],
    [
      "everything at once",
      {
        name: UNKNOWN,
        mount: UNKNOWN,
        source: UNKNOWN,
        tags: UNKNOWN,
        customMetadata: UNKNOWN,
        target: UNKNOWN,
        onDelete: UNKNOWN,
        waitForReady: UNKNOWN,
        readyTimeoutSeconds: UNKNOWN,
      },
    ],
  ];

  it.each(cases)("%s", (_label, raw) => {
    const result = validate(DataAssetInputsSchema, raw);
    expect(result.ok ? [] : result.failures).toEqual([]);
  });

  it("still reports a known bad value next to an unknown one", () => {
    const failures = failuresOf({ ...base, tags: [UNKNOWN, ""], readyTimeoutSeconds: UNKNOWN });
    expect(failures).toEqual([
      { property: "tags[1]", reason: expect.stringMatching(/must not be empty/) },
    ]);
  });
});

describe("DataAssetInputsSchema: custom metadata keys", () => {
  // An empty key is reported as `customMetadata.` with the record's type message ("must be a
  // map … (got the string "")") instead of the key schema's "keys must not be empty".
  it("an empty key says keys must not be empty", () => {
    const failures = failuresOf({ ...base, customMetadata: { "": "v" } });
    expect(failures).toHaveLength(1);
    expect(failures[0].reason).toMatch(/keys must not be empty/);
    expect(failures[0].property).not.toBe("customMetadata.");
  });

  it("an empty key is rejected", () => {
    const failures = failuresOf({ ...base, customMetadata: { "": "v" } });
    expect(failures.map((f) => f.property)[0]).toMatch(/^customMetadata/);
  });
});
