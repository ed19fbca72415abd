import type { CustomMetadataField, DataAsset } from "../../../provider/core/api/schemas";
import { ProviderRuntime } from "../../../provider/core/runtime";
import { validateCustomMetadata } from "../../../provider/resources/dataAsset/customMetadata";
import {
  DataAssetInputsSchema,
  storedSource,
  toOutputs,
} from "../../../provider/resources/dataAsset/table";
import { dataAssetProvider, freshRuntime } from "../../helpers/runtime";
import { UNKNOWN, propertyPath } from "../../../provider/declare/validate";
import { NO_PROVENANCE, allKeys, undefinedPaths } from "../helpers";

const ID = "4367940e-e863-4819-afbd-1b6b9f9b1256";
const PROVIDER = "exports.handler = __f0; /* a fake serialized provider */";
const SECRET = "gcp-very-secret-value-123";

describe("validateCustomMetadata", () => {
  const fields: CustomMetadataField[] = [
    { name: "subject id", type: "string", required: true },
    { name: "age", type: "number", min: 0, max: 120, required: false, units: "years" },
    { name: "collected", type: "date", required: false },
    { name: "tissue", type: "string", allowedValues: ["brain", "liver"], required: false },
    { name: "dose", type: "number", allowedValues: [1, 5, 10], required: false },
  ];
  const ok = { "subject id": "S-1" };
  const prop = (k: string) => propertyPath(["customMetadata", k]);

  it("accepts valid values", () => {
    expect(
      validateCustomMetadata(
        { "subject id": "S-1", age: 0, collected: 1_676_246_400, tissue: "liver", dose: 5 },
        fields,
      ),
    ).toEqual([]);
    expect(validateCustomMetadata({ ...ok, age: 120 }, fields)).toEqual([]);
  });

  it("rejects an unknown field and lists the known ones", () => {
    const failures = validateCustomMetadata({ ...ok, colour: "red" }, fields);
    expect(failures).toEqual([
      {
        property: prop("colour"),
        reason: expect.stringMatching(/not a custom metadata field.*"subject id", "age"/),
      },
    ]);
  });

  it("says (none) when the deployment defines no fields", () => {
    expect(validateCustomMetadata({ x: 1 }, [])[0].reason).toMatch(/known fields: \(none\)/);
  });

  it.each<[string, unknown, RegExp]>([
    ["age", "12", /is a number field: give a number/],
    ["collected", "2024-01-01", /is a date field: give epoch seconds as a number, e\.g\./],
    ["subject id", 5, /is a text field: give a string/],
    ["tissue", 3, /is a text field/],
  ])("rejects the wrong type for %s (%j)", (key, value, reason) => {
    const failures = validateCustomMetadata({ ...ok, [key]: value }, fields);
    expect(failures).toEqual([{ property: prop(key), reason: expect.stringMatching(reason) }]);
  });

  it.each<[number, RegExp]>([
    [-1, /must be at least 0/],
    [121, /must be at most 120/],
  ])("rejects age %d out of range", (age, reason) => {
    expect(validateCustomMetadata({ ...ok, age }, fields)).toEqual([
      { property: prop("age"), reason: expect.stringMatching(reason) },
    ]);
  });

  it("rejects values outside the allowed ones", () => {
    expect(validateCustomMetadata({ ...ok, tissue: "heart" }, fields)).toEqual([
      { property: prop("tissue"), reason: 'must be one of "brain", "liver"' },
    ]);
    expect(validateCustomMetadata({ ...ok, dose: 2 }, fields)).toEqual([
      { property: prop("dose"), reason: "must be one of 1, 5, 10" },
    ]);
  });

  it("rejects a missing required field", () => {
    expect(validateCustomMetadata({ age: 3 }, fields)).toEqual([
      {
        property: prop("subject id"),
        reason: expect.stringMatching(/is required by this deployment/),
      },
    ]);
  });

  it("skips unknown values", () => {
    expect(validateCustomMetadata({ ...ok, age: UNKNOWN, collected: UNKNOWN }, fields)).toEqual([]);
  });

  it("reports every problem at once", () => {
    const failures = validateCustomMetadata({ age: "x", tissue: "heart", extra: 1 }, fields);
    expect(failures.map((f) => f.property).sort()).toEqual(
      [prop("age"), prop("extra"), prop("subject id"), prop("tissue")].sort(),
    );
  });
});

describe("toOutputs", () => {
  const asset: DataAsset = {
    id: ID,
    created: 1_700_000_000,
    name: "scans",
    mount: "scans",
    lastUsed: 0,
    owner: "u",
    ownerEmail: "",
    state: "ready",
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
  };

  const gcpInputs = DataAssetInputsSchema.parse({
    name: "scans",
    mount: "scans",
    source: { gcp: { bucket: "acme-imaging", clientId: "cid", clientSecret: SECRET } },
    gcpClientSecret: SECRET,
  });

  it("never contains undefined, nor the GCP client secret", () => {
    const outs = toOutputs(gcpInputs, asset, false);
    expect(undefinedPaths(outs)).toEqual([]);
    expect(allKeys(outs)).not.toContain("clientSecret");
    expect(allKeys(outs)).not.toContain("gcpClientSecret");
    expect(JSON.stringify(outs)).not.toContain(SECRET);
    expect(outs.source).toEqual({ gcp: { bucket: "acme-imaging", prefix: "", clientId: "cid" } });
  });

  it("fills absent values with null, empty strings or defaults", () => {
    const outs = toOutputs(gcpInputs, asset, true);
    expect(outs.target).toBeNull();
    expect(outs.adoptExistingId).toBe("");
    expect(outs.sourceBucket).toEqual({ origin: "", bucket: "", prefix: "", external: false });
    expect(outs.external).toBe(false);
    expect(outs.archived).toBe(true);
  });

  it("reports the remote metadata and the declared settings", () => {
    const inputs = DataAssetInputsSchema.parse({
      name: "declared",
      mount: "scans",
      source: { computation: { id: ID } },
      target: { aws: { bucket: "acme-out", prefix: "r/" } },
      onDelete: "retain",
      readyTimeoutSeconds: 60,
      adoptExistingId: ID,
    });
    const outs = toOutputs(
      inputs,
      {
        ...asset,
        name: "remote name",
        state: "draft",
        sourceBucket: { origin: "aws", bucket: "acme-out", prefix: "r/", external: true },
      },
      false,
    );
    expect(outs).toMatchObject({
      name: "remote name",
      state: "draft",
      external: true,
      onDelete: "retain",
      readyTimeoutSeconds: 60,
      waitForReady: true,
      adoptExistingId: ID,
      target: { aws: { bucket: "acme-out", prefix: "r/" } },
      source: { computation: { id: ID, path: "" } },
    });
    expect(undefinedPaths(outs)).toEqual([]);
  });

  it("storedSource keeps aws and computation sources whole and drops gcp secrets", () => {
    expect(storedSource(undefined)).toBeNull();
    expect(
      storedSource({
        aws: { bucket: "b", prefix: "", keepOnExternalStorage: true, public: false },
      }),
    ).toEqual({
      aws: { bucket: "b", prefix: "", keepOnExternalStorage: true, public: false },
    });
    expect(
      storedSource({ gcp: { bucket: "b", prefix: "p", clientId: "c", clientSecret: SECRET } }),
    ).toEqual({ gcp: { bucket: "b", prefix: "p", clientId: "c" } });
  });
});

describe("dataAssetProvider.check", () => {
  const saved = {
    domain: process.env.CODEOCEAN_DOMAIN,
    token: process.env.CODEOCEAN_API_TOKEN,
  };
  let getClient: jest.SpyInstance;

  beforeEach(() => {
    delete process.env.CODEOCEAN_DOMAIN;
    delete process.env.CODEOCEAN_API_TOKEN;
    // Pure checks: an offline preview (no credentials check); the tests below that are about
    // the remote checks turn it back off.
    process.env.CODEOCEAN_SKIP_CREDENTIALS_VALIDATION = "true";
    freshRuntime();
    getClient = jest.spyOn(ProviderRuntime.prototype, "client", "get").mockImplementation(() => {
      throw new Error("check must not call Code Ocean without configuration");
    });
  });
  afterEach(() => {
    delete process.env.CODEOCEAN_SKIP_CREDENTIALS_VALIDATION;
    getClient.mockRestore();
  });
  afterAll(() => {
    if (saved.domain !== undefined) process.env.CODEOCEAN_DOMAIN = saved.domain;
    if (saved.token !== undefined) process.env.CODEOCEAN_API_TOKEN = saved.token;
  });

  const news = {
    __provider: PROVIDER,
    name: "RNA reads",
    mount: "reads",
    source: { aws: { bucket: "acme-reads" } },
  };

  it("returns the checked inputs with defaults and keeps __provider", async () => {
    const result = await dataAssetProvider.check({}, news);
    expect(result.failures).toEqual([]);
    expect(result.inputs.__provider).toBe(PROVIDER);
    expect(result.inputs).toMatchObject({
      name: "RNA reads",
      mount: "reads",
      description: "",
      tags: [],
      onDelete: "archive",
      waitForReady: true,
      readyTimeoutSeconds: 1800,
      source: {
        aws: { bucket: "acme-reads", prefix: "", keepOnExternalStorage: false, public: false },
      },
    });
    expect(undefinedPaths(result.inputs)).toEqual([]);
  });

  it("does not add __provider when there was none", async () => {
    const { __provider: _p, ...noProvider } = news;
    const result = await dataAssetProvider.check({}, noProvider);
    expect(Object.keys(result.inputs)).not.toContain("__provider");
  });

  it("reports failures for bad inputs, by property", async () => {
    const result = await dataAssetProvider.check(
      {},
      {
        ...news,
        mount: "/data/reads",
        tags: ["ok", ""],
        source: { aws: { bucket: "s3://acme" } },
        keepOnExternalStore: true,
      },
    );
    expect(result.failures.map((f) => f.property).sort()).toEqual(
      ["keepOnExternalStore", "mount", "source.aws.bucket", "tags[1]"].sort(),
    );
    expect(result.inputs.__provider).toBe(PROVIDER);
  });

  it("does not fail on unknown values", async () => {
    const result = await dataAssetProvider.check(
      {},
      {
        ...news,
        source: UNKNOWN,
        tags: UNKNOWN,
        readyTimeoutSeconds: UNKNOWN,
      },
    );
    expect(result.failures).toEqual([]);
    expect(result.inputs.__provider).toBe(PROVIDER);
  });

  it("makes no remote call for custom metadata when not configured", async () => {
    const result = await dataAssetProvider.check(
      {},
      { ...news, customMetadata: { "subject id": "S-1" } },
    );
    expect(result.failures).toEqual([]);
    expect(result.inputs.customMetadata).toEqual({ "subject id": "S-1" });
    expect(getClient).not.toHaveBeenCalled();
  });

  it("makes no remote call for unchanged custom metadata beyond the one credentials check", async () => {
    process.env.CODEOCEAN_DOMAIN = "acme.codeocean.com";
    process.env.CODEOCEAN_API_TOKEN = "cop_test_token_abcdef";
    delete process.env.CODEOCEAN_SKIP_CREDENTIALS_VALIDATION;
    const getCustomMetadataSchema = jest.fn(async () => []);
    getClient.mockImplementation(() => ({ getCustomMetadataSchema }) as never);
    freshRuntime();
    try {
      const customMetadata = { age: 3, "subject id": "S-1" };
      for (let i = 0; i < 3; i++) {
        const result = await dataAssetProvider.check(
          { customMetadata: { "subject id": "S-1", age: 3 } },
          { ...news, customMetadata },
        );
        expect(result.failures).toEqual([]);
      }
      expect(getCustomMetadataSchema).toHaveBeenCalledTimes(1);
    } finally {
      delete process.env.CODEOCEAN_DOMAIN;
      delete process.env.CODEOCEAN_API_TOKEN;
    }
  });

  it("checks new custom metadata against the deployment's schema when configured", async () => {
    // Also proves that the getClient spy above intercepts the provider's calls.
    const fields: CustomMetadataField[] = [
      { name: "age", type: "number", max: 120, required: false },
    ];
    const getCustomMetadataSchema = jest.fn(async () => fields);
    getClient.mockImplementation(() => ({ getCustomMetadataSchema }) as never);
    process.env.CODEOCEAN_DOMAIN = "acme.codeocean.com";
    process.env.CODEOCEAN_API_TOKEN = "cop_test_token_abcdef";
    delete process.env.CODEOCEAN_SKIP_CREDENTIALS_VALIDATION;
    freshRuntime();
    try {
      const result = await dataAssetProvider.check({}, { ...news, customMetadata: { age: 200 } });
      expect(result.failures).toEqual([
        { property: "customMetadata.age", reason: "must be at most 120" },
      ]);
      expect(result.inputs.__provider).toBe(PROVIDER);
      expect(getCustomMetadataSchema).toHaveBeenCalledTimes(1);
    } finally {
      delete process.env.CODEOCEAN_DOMAIN;
      delete process.env.CODEOCEAN_API_TOKEN;
    }
  });

  it("fails a preview without a domain or token, naming both ways to set them and the offline switch", async () => {
    delete process.env.CODEOCEAN_SKIP_CREDENTIALS_VALIDATION;
    freshRuntime();
    await expect(dataAssetProvider.check({}, news)).rejects.toThrow(
      /not configured\. Set the Code Ocean domain: `pulumi config set codeocean:domain .*CODEOCEAN_API_TOKEN.*set codeocean:skipCredentialsValidation to true/,
    );
  });

  it("fails a preview whose token Code Ocean refuses, with one call for every resource", async () => {
    process.env.CODEOCEAN_DOMAIN = "acme.codeocean.com";
    process.env.CODEOCEAN_API_TOKEN = "cop_test_token_abcdef";
    delete process.env.CODEOCEAN_SKIP_CREDENTIALS_VALIDATION;
    const getCustomMetadataSchema = jest.fn(async () => {
      throw new Error("HTTP 401: invalid API token");
    });
    getClient.mockImplementation(() => ({ getCustomMetadataSchema }) as never);
    freshRuntime();
    try {
      for (let i = 0; i < 3; i++) {
        await expect(dataAssetProvider.check({}, news)).rejects.toThrow(
          /could not reach Code Ocean with this configuration \(codeocean:domain acme\.codeocean\.com\).*HTTP 401: invalid API token.*skipCredentialsValidation/,
        );
      }
      expect(getCustomMetadataSchema).toHaveBeenCalledTimes(1);
    } finally {
      delete process.env.CODEOCEAN_DOMAIN;
      delete process.env.CODEOCEAN_API_TOKEN;
    }
  });
});
