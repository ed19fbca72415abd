import {
  createDataAssetToWire,
  searchToWire,
  updateDataAssetToWire,
} from "../../../provider/core/api/requests";
import {
  AttachResultsWire,
  CustomMetadataSchemaWire,
  DataAssetWire,
  SearchPageWire,
  attachResultFromWire,
  customMetadataSchemaFromWire,
  dataAssetFromWire,
} from "../../../provider/core/api/schemas";
import { NO_PROVENANCE, undefinedPaths } from "../helpers";

const ID = "4367940e-e863-4819-afbd-1b6b9f9b1256";

const full = {
  id: ID,
  created: 1_700_000_000,
  name: "RNA reads",
  mount: "reads",
  last_used: 1_700_000_500,
  owner: "user-1",
  owner_email: "a@example.com",
  state: "ready",
  type: "dataset",
  description: "raw reads",
  tags: ["genomics", "rna"],
  files: 12,
  size: 4096,
  custom_metadata: { "subject id": "S-001", age: 42, collected: 1_676_246_400 },
  provenance: { capsule: "c-1", data_assets: ["d-1"], nested: { a: 1 } },
  source_bucket: { origin: "aws", bucket: "acme-reads", prefix: "runs/", external: true },
  failure_reason: "",
};

const parse = (raw: unknown) => dataAssetFromWire(DataAssetWire.parse(raw));

describe("dataAssetFromWire", () => {
  it("maps a full object to camelCase", () => {
    expect(parse(full)).toEqual({
      id: ID,
      created: 1_700_000_000,
      name: "RNA reads",
      mount: "reads",
      lastUsed: 1_700_000_500,
      owner: "user-1",
      ownerEmail: "a@example.com",
      state: "ready",
      type: "dataset",
      description: "raw reads",
      tags: ["genomics", "rna"],
      files: 12,
      size: 4096,
      customMetadata: { "subject id": "S-001", age: 42, collected: 1_676_246_400 },
      provenance: { ...NO_PROVENANCE, capsule: "c-1", dataAssets: ["d-1"] },
      sourceBucket: { origin: "aws", bucket: "acme-reads", prefix: "runs/", external: true },
      failureReason: "",
      containedDataAssetIds: [],
      containedDataAssets: [],
      appParameters: [],
      nextflowProfile: "",
      lastTransferred: 0,
      transferError: "",
    });
    expect(undefinedPaths(parse(full))).toEqual([]);
  });

  it("treats explicit nulls like absent keys, with documented defaults", () => {
    const nulls = {
      id: ID,
      created: 1,
      name: "n",
      mount: "m",
      state: "draft",
      type: "dataset",
      last_used: null,
      owner: null,
      owner_email: null,
      description: null,
      tags: null,
      files: null,
      size: null,
      custom_metadata: null,
      provenance: null,
      source_bucket: null,
      failure_reason: null,
    };
    const asset = parse(nulls);
    expect(asset).toEqual({
      id: ID,
      created: 1,
      name: "n",
      mount: "m",
      lastUsed: 0,
      owner: "",
      ownerEmail: "",
      state: "draft",
      type: "dataset",
      description: "",
      tags: [],
      files: -1,
      size: -1,
      customMetadata: {},
      provenance: NO_PROVENANCE,
      sourceBucket: null,
      failureReason: "",
      containedDataAssetIds: [],
      containedDataAssets: [],
      appParameters: [],
      nextflowProfile: "",
      lastTransferred: 0,
      transferError: "",
    });
    expect(undefinedPaths(asset)).toEqual([]);
    // Absent keys give exactly the same thing.
    const absent = Object.fromEntries(Object.entries(nulls).filter(([, v]) => v !== null));
    expect(parse(absent)).toEqual(asset);
  });

  it("drops nulls nested in custom metadata, provenance and the source bucket", () => {
    const asset = parse({
      ...full,
      custom_metadata: { a: null, b: "x" },
      provenance: { capsule: null, data_assets: [{ id: "d", name: null }], commit: "abc" },
      source_bucket: { origin: null, bucket: null, prefix: null, external: null },
    });
    expect(asset.customMetadata).toEqual({ b: "x" });
    expect(Object.keys(asset.customMetadata)).toEqual(["b"]);
    expect(asset.provenance).toEqual({ ...NO_PROVENANCE, dataAssets: ["d"], commit: "abc" });
    expect(asset.sourceBucket).toEqual({ origin: "", bucket: "", prefix: "", external: false });
    expect(undefinedPaths(asset)).toEqual([]);
    expect(JSON.stringify(asset)).not.toContain("null,");
  });

  it("ignores unknown extra keys, and tolerates unknown enumeration values", () => {
    const asset = parse({
      ...full,
      state: "archiving",
      type: "model",
      archived: true,
      Id: "obsolete",
      app_parameters: [{ name: "x" }],
      source_bucket: { ...full.source_bucket, region: "eu-west-1" },
    });
    expect(asset.state).toBe("archiving");
    expect(asset.type).toBe("model");
    expect(Object.keys(asset)).not.toContain("archived");
    expect(Object.keys(asset)).not.toContain("Id");
    expect(Object.keys(asset)).not.toContain("app_parameters");
    expect(asset.sourceBucket).toEqual(full.source_bucket);
    expect(undefinedPaths(asset)).toEqual([]);
  });

  it("rejects objects missing required fields", () => {
    expect(DataAssetWire.safeParse({ ...full, id: "" }).success).toBe(false);
    const { state: _state, ...noState } = full;
    expect(DataAssetWire.safeParse(noState).success).toBe(false);
    expect(DataAssetWire.safeParse({ ...full, created: "yesterday" }).success).toBe(false);
  });

  it("parses search pages with nulls", () => {
    const page = SearchPageWire.parse({ has_more: null, next_token: null, results: [full] });
    expect(page.results).toHaveLength(1);
  });
});

describe("createDataAssetToWire", () => {
  it("produces snake_case and drops undefined keys", () => {
    const wire = createDataAssetToWire({
      name: "reads",
      mount: "reads",
      tags: ["a"],
      description: undefined,
      customMetadata: { "subject id": "S-1" },
      source: {
        aws: { bucket: "acme", prefix: undefined, keepOnExternalStorage: true, public: false },
      },
    });
    expect(wire).toEqual({
      name: "reads",
      mount: "reads",
      tags: ["a"],
      custom_metadata: { "subject id": "S-1" },
      source: { aws: { bucket: "acme", keep_on_external_storage: true, public: false } },
    });
    expect(Object.keys(wire)).not.toContain("description");
    expect(Object.keys(wire)).not.toContain("target");
    expect(Object.keys(wire.source as object)).toEqual(["aws"]);
    expect(undefinedPaths(wire)).toEqual([]);
    expect(JSON.stringify(wire)).not.toMatch(/keepOn|customMeta|[a-z][A-Z]/);
  });

  it("maps gcp and computation sources and an aws target", () => {
    expect(
      createDataAssetToWire({
        name: "n",
        mount: "m",
        tags: [],
        source: { gcp: { bucket: "b", prefix: "p/", clientId: "cid", clientSecret: "sec" } },
      }).source,
    ).toEqual({ gcp: { bucket: "b", prefix: "p/", client_id: "cid", client_secret: "sec" } });
    const wire = createDataAssetToWire({
      name: "n",
      mount: "m",
      tags: [],
      description: "",
      source: { computation: { id: ID } },
      target: { aws: { bucket: "out", prefix: "results/" } },
    });
    // An empty description stands for none (its declared default): a create leaves it out.
    expect(wire).toEqual({
      name: "n",
      mount: "m",
      tags: [],
      source: { computation: { id: ID } },
      target: { aws: { bucket: "out", prefix: "results/" } },
    });
    expect(undefinedPaths(wire)).toEqual([]);
  });
});

describe("updateDataAssetToWire", () => {
  it("sends only the fields given, in snake_case", () => {
    expect(updateDataAssetToWire({ name: "x" })).toEqual({ name: "x" });
    expect(updateDataAssetToWire({})).toEqual({});
    expect(
      updateDataAssetToWire({
        name: "x",
        description: "",
        tags: [],
        mount: "m",
        customMetadata: { a: 1 },
      }),
    ).toEqual({ name: "x", description: "", tags: [], mount: "m", custom_metadata: { a: 1 } });
    const partial = updateDataAssetToWire({ tags: ["t"], customMetadata: undefined });
    expect(Object.keys(partial)).toEqual(["tags"]);
  });
});

describe("customMetadataSchemaFromWire", () => {
  it("maps fields, ranges, allowed values and required", () => {
    const wire = CustomMetadataSchemaWire.parse({
      fields: [
        {
          name: "age",
          type: "number",
          range: { min: 0, max: 120 },
          units: "years",
          required: true,
          category: "x",
          multiple: false,
        },
        { name: "tissue", type: "string", allowed_values: ["brain", "liver"] },
        { name: "collected", type: "date", range: null, allowed_values: null, required: null },
        { name: "lower", type: "number", range: { min: 5, max: null } },
      ],
      categories: [{ name: "x" }],
    });
    const fields = customMetadataSchemaFromWire(wire);
    expect(fields).toHaveLength(4);
    expect(fields[0]).toMatchObject({
      name: "age",
      type: "number",
      min: 0,
      max: 120,
      required: true,
      units: "years",
    });
    expect(fields[1]).toMatchObject({ name: "tissue", allowedValues: ["brain", "liver"] });
    expect(fields[1].required).toBe(false);
    expect(fields[2].min).toBeUndefined();
    expect(fields[2].max).toBeUndefined();
    expect(fields[2].allowedValues).toBeUndefined();
    expect(fields[2].required).toBe(false);
    expect(fields[3].min).toBe(5);
    expect(fields[3].max).toBeUndefined();
  });

  it("returns no fields for an empty or null schema", () => {
    expect(customMetadataSchemaFromWire(CustomMetadataSchemaWire.parse({}))).toEqual([]);
    expect(customMetadataSchemaFromWire(CustomMetadataSchemaWire.parse({ fields: null }))).toEqual(
      [],
    );
  });
});

describe("searchToWire", () => {
  it("defaults the page size to 100 and drops unset keys", () => {
    expect(searchToWire({})).toEqual({ limit: 100 });
    expect(searchToWire({ query: 'name:"x"' })).toEqual({ query: 'name:"x"', limit: 100 });
  });

  it("maps every parameter to snake_case and passes the next token", () => {
    expect(
      searchToWire(
        {
          query: "tag:rna",
          archived: false,
          type: "dataset",
          sortField: "created",
          sortOrder: "desc",
          limit: 1000,
        },
        "tok-2",
      ),
    ).toEqual({
      query: "tag:rna",
      archived: false,
      type: "dataset",
      sort_field: "created",
      sort_order: "desc",
      limit: 1000,
      next_token: "tok-2",
    });
  });
});

describe("attachResultFromWire", () => {
  it("defaults missing fields", () => {
    const [r] = AttachResultsWire.parse([{ id: ID, mount: null, job_id: null }]);
    expect(attachResultFromWire(r)).toEqual({ id: ID, mount: "", ready: false, external: false });
    const [s] = AttachResultsWire.parse([{ id: ID, mount: "m", ready: true, external: true }]);
    expect(attachResultFromWire(s)).toEqual({ id: ID, mount: "m", ready: true, external: true });
  });
});
