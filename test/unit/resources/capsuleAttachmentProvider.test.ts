import { CodeOceanError } from "../../../provider/core/api/errors";
import {
  CapsuleAttachmentInputsSchema,
  CapsuleAttachmentOutputs,
  attachmentId,
  diffCapsuleAttachment,
  parseAttachmentId,
  toOutputs,
} from "../../../provider/resources/capsuleAttachment/table";
import { capsuleAttachmentProvider, freshRuntime } from "../../helpers/runtime";
import { CheckFailure, UNKNOWN, validate } from "../../../provider/declare/validate";
import { undefinedPaths } from "../helpers";

const CAPSULE = "4367940e-e863-4819-afbd-1b6b9f9b1256";
const PIPELINE = "5367940e-e863-4819-afbd-1b6b9f9b1256";
const ASSET = "6367940e-e863-4819-afbd-1b6b9f9b1256";
const OTHER = "7367940e-e863-4819-afbd-1b6b9f9b1256";
const PROVIDER = "exports.handler = __f0; /* fake */";

const base = { capsuleId: CAPSULE, dataAssetId: ASSET };

function failuresOf(raw: Record<string, unknown>): CheckFailure[] {
  const result = validate(CapsuleAttachmentInputsSchema, raw);
  if (result.ok) throw new Error(`expected failures for ${JSON.stringify(raw)}`);
  return result.failures;
}

describe("CapsuleAttachmentInputsSchema", () => {
  it("applies the defaults", () => {
    expect(validate(CapsuleAttachmentInputsSchema, base)).toEqual({
      ok: true,
      value: {
        capsuleId: CAPSULE,
        dataAssetId: ASSET,
        waitForReady: true,
        readyTimeoutSeconds: 600,
      },
    });
    const p = validate(CapsuleAttachmentInputsSchema, {
      pipelineId: PIPELINE,
      dataAssetId: ASSET,
      mount: "ref",
    });
    expect(p.ok && p.value).toEqual({
      pipelineId: PIPELINE,
      dataAssetId: ASSET,
      mount: "ref",
      waitForReady: true,
      readyTimeoutSeconds: 600,
    });
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      "both target ids",
      { ...base, pipelineId: PIPELINE },
      "pipelineId",
      /cannot be given together with capsuleId/,
    ],
    [
      "neither target id",
      { dataAssetId: ASSET },
      "capsuleId",
      /is required: give capsuleId or pipelineId \(exactly one\)/,
    ],
    [
      "bad capsule id",
      { ...base, capsuleId: "my-capsule" },
      "capsuleId",
      /must be a Code Ocean capsule id, a UUID/,
    ],
    [
      "bad pipeline id",
      { pipelineId: "p-1", dataAssetId: ASSET },
      "pipelineId",
      /must be a Code Ocean pipeline id, a UUID/,
    ],
    [
      "bad data asset id",
      { ...base, dataAssetId: "reads" },
      "dataAssetId",
      /must be a Code Ocean data asset id, a UUID/,
    ],
    [
      "missing data asset id",
      { capsuleId: CAPSULE },
      "dataAssetId",
      /is required: the data asset's id, a UUID/,
    ],
    ["absolute mount", { ...base, mount: "/data/x" }, "mount", /must not start with "\/"/],
    ["mount escaping /data", { ...base, mount: "../x" }, "mount", /must not contain "\.\."/],
    ["empty mount", { ...base, mount: "" }, "mount", /must not be empty/],
    [
      "mount with a space",
      { ...base, mount: "my ref" },
      "mount",
      /only ASCII letters \(A-Z, a-z\), digits.*found " " at position 3/,
    ],
    [
      "waitForReady not boolean",
      { ...base, waitForReady: "no" },
      "waitForReady",
      /must be true or false/,
    ],
    [
      "readyTimeoutSeconds zero",
      { ...base, readyTimeoutSeconds: 0 },
      "readyTimeoutSeconds",
      /at least 1 second/,
    ],
    ["typo", { ...base, mountPath: "x" }, "mountPath", /not a known property/],
  ])("%s → %s", (_label, raw, property, reason) => {
    const failures = failuresOf(raw);
    expect(failures.map((f) => f.property)).toEqual([property]);
    expect(failures[0].reason).toMatch(reason);
  });

  it.each<[string, Record<string, unknown>]>([
    ["capsule id", { ...base, capsuleId: UNKNOWN }],
    [
      "capsule id next to a pipeline id",
      { capsuleId: UNKNOWN, pipelineId: PIPELINE, dataAssetId: ASSET },
    ],
    ["pipeline id", { pipelineId: UNKNOWN, dataAssetId: ASSET }],
    ["data asset id", { ...base, dataAssetId: UNKNOWN }],
    ["mount", { ...base, mount: UNKNOWN }],
    ["settings", { ...base, waitForReady: UNKNOWN, readyTimeoutSeconds: UNKNOWN }],
  ])("tolerates an unknown %s", (_label, raw) => {
    const result = validate(CapsuleAttachmentInputsSchema, raw);
    expect(result.ok ? [] : result.failures).toEqual([]);
  });
});

describe("capsuleAttachmentProvider.check", () => {
  // A pure check: an offline preview, without the one credentials check.
  beforeEach(() => {
    process.env.CODEOCEAN_SKIP_CREDENTIALS_VALIDATION = "true";
    freshRuntime();
  });
  afterEach(() => {
    delete process.env.CODEOCEAN_SKIP_CREDENTIALS_VALIDATION;
    freshRuntime();
  });

  it("returns defaults and keeps __provider", async () => {
    const result = await capsuleAttachmentProvider.check({}, { ...base, __provider: PROVIDER });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({
      capsuleId: CAPSULE,
      dataAssetId: ASSET,
      waitForReady: true,
      readyTimeoutSeconds: 600,
      __provider: PROVIDER,
    });
  });

  it("reports both a bad id and a missing target", async () => {
    const result = await capsuleAttachmentProvider.check({}, { dataAssetId: "x" });
    expect(result.failures.map((f) => f.property).sort()).toEqual(["capsuleId", "dataAssetId"]);
  });

  it("reports failures and returns the inputs as given", async () => {
    const news = { capsuleId: CAPSULE, dataAssetId: "x", __provider: PROVIDER };
    const result = await capsuleAttachmentProvider.check({}, news);
    expect(result.failures.map((f) => f.property)).toEqual(["dataAssetId"]);
    expect(result.inputs).toEqual(news);
  });
});

describe("diffCapsuleAttachment", () => {
  const olds: CapsuleAttachmentOutputs = {
    capsuleId: CAPSULE,
    pipelineId: "",
    dataAssetId: ASSET,
    mount: "reads",
    targetKind: "capsule",
    ready: true,
    external: false,
    foundAttached: false,
    waitForReady: true,
    readyTimeoutSeconds: 600,
  };
  const news = {
    capsuleId: CAPSULE,
    dataAssetId: ASSET,
    waitForReady: true,
    readyTimeoutSeconds: 600,
  };
  const replace = (...replaces: string[]) => ({
    changes: true,
    replaces,
    deleteBeforeReplace: true,
    diffs: expect.any(Array),
  });
  const inPlace = {
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
    diffs: expect.any(Array),
  };
  const noChange = { changes: false, replaces: [], deleteBeforeReplace: false, diffs: [] };

  it.each<[string, Record<string, unknown>, ReturnType<typeof replace>]>([
    ["another capsule", { ...news, capsuleId: OTHER }, replace("capsuleId")],
    [
      "a pipeline instead",
      { ...news, capsuleId: undefined, pipelineId: PIPELINE },
      replace("capsuleId", "pipelineId"),
    ],
    ["another data asset", { ...news, dataAssetId: OTHER }, replace("dataAssetId")],
    ["an explicit different mount", { ...news, mount: "other" }, replace("mount")],
    ["an unknown capsule id", { ...news, capsuleId: UNKNOWN }, replace("capsuleId")],
    ["an unknown data asset id", { ...news, dataAssetId: UNKNOWN }, replace("dataAssetId")],
    ["an unknown mount", { ...news, mount: UNKNOWN }, replace("mount")],
  ])("%s → replace, deleting first", (_label, n, expected) => {
    expect(diffCapsuleAttachment(olds, n)).toEqual(expected);
  });

  it("the same explicit mount → no change", () => {
    expect(diffCapsuleAttachment(olds, { ...news, mount: "reads" })).toEqual(noChange);
  });

  it("an omitted mount never replaces (it means the asset's own)", () => {
    expect(diffCapsuleAttachment({ ...olds, mount: "custom" }, news)).toEqual(noChange);
  });

  it.each<[string, Record<string, unknown>]>([
    ["waitForReady", { ...news, waitForReady: false }],
    ["readyTimeoutSeconds", { ...news, readyTimeoutSeconds: 60 }],
  ])("%s changed → changes only", (_label, n) => {
    expect(diffCapsuleAttachment(olds, n)).toEqual(inPlace);
  });

  it("defaults apply to omitted settings", () => {
    const { waitForReady: _w, readyTimeoutSeconds: _r, ...bare } = news;
    expect(diffCapsuleAttachment(olds, bare)).toEqual(noChange);
  });

  it("an attachment not yet ready → changes (resume waiting) when waiting", () => {
    expect(diffCapsuleAttachment({ ...olds, ready: false }, news)).toEqual(inPlace);
    const noWait = { ...news, waitForReady: false };
    expect(diffCapsuleAttachment({ ...olds, ready: false, waitForReady: false }, noWait)).toEqual(
      noChange,
    );
  });

  it("identical → no change, __provider ignored", () => {
    expect(diffCapsuleAttachment(olds, { ...news, __provider: PROVIDER })).toEqual(noChange);
  });

  it("a pipeline attachment compares pipelineId", () => {
    const p = { ...olds, capsuleId: "", pipelineId: PIPELINE, targetKind: "pipeline" as const };
    const n = { pipelineId: PIPELINE, dataAssetId: ASSET };
    expect(diffCapsuleAttachment(p, n)).toEqual(noChange);
    expect(diffCapsuleAttachment(p, { ...n, pipelineId: OTHER })).toEqual(replace("pipelineId"));
  });
});

describe("attachment ids", () => {
  it.each<["capsule" | "pipeline", string]>([
    ["capsule", CAPSULE],
    ["pipeline", PIPELINE],
  ])("round-trips a %s attachment id", (kind, targetId) => {
    const id = attachmentId(kind, targetId, ASSET);
    expect(id).toBe(`${kind}:${targetId}:${ASSET}`);
    expect(parseAttachmentId(id)).toEqual({ kind, targetId, assetId: ASSET });
  });

  it.each([
    "",
    CAPSULE,
    `capsule:${CAPSULE}`,
    `capsule:${CAPSULE}:`,
    `capsule::${ASSET}`,
    `volume:${CAPSULE}:${ASSET}`,
    `Capsule:${CAPSULE}:${ASSET}`,
    `capsule:${CAPSULE}:${ASSET}:extra`,
  ])("rejects the malformed id %j", (id) => {
    expect(() => parseAttachmentId(id)).toThrow(CodeOceanError);
    expect(() => parseAttachmentId(id)).toThrow(/is not a CapsuleAttachment id; expected capsule:/);
  });
});

describe("toOutputs", () => {
  it("uses the effective mount and never contains undefined", () => {
    const inputs = CapsuleAttachmentInputsSchema.parse(base);
    const outs = toOutputs(
      inputs,
      { id: ASSET, mount: "reads", ready: false, external: true },
      true,
    );
    expect(outs).toEqual({
      capsuleId: CAPSULE,
      pipelineId: "",
      dataAssetId: ASSET,
      mount: "reads",
      targetKind: "capsule",
      ready: false,
      external: true,
      foundAttached: true,
      waitForReady: true,
      readyTimeoutSeconds: 600,
    });
    expect(undefinedPaths(outs)).toEqual([]);
    const p = CapsuleAttachmentInputsSchema.parse({
      pipelineId: PIPELINE,
      dataAssetId: ASSET,
      mount: "x",
    });
    const pOuts = toOutputs(p, { id: ASSET, mount: "", ready: true, external: false }, false);
    expect(pOuts).toMatchObject({
      capsuleId: "",
      pipelineId: PIPELINE,
      mount: "x",
      targetKind: "pipeline",
    });
    expect(undefinedPaths(pOuts)).toEqual([]);
  });
});
