import { SEED_IDS, startEmulator, type RunningEmulator } from "../../emulator";
import {
  awsAsset,
  basicAuth,
  call,
  createAsset,
  createReadyAsset,
  resultAsset,
  waitForState,
} from "./helpers";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ readyAfterMs: 50, tokens: ["cop_emulator_token", "cop_second"] });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => emu.admin.reset());

describe("auth", () => {
  it("rejects requests without credentials", async () => {
    const res = await call(emu, "GET", "/custom_metadata", undefined, { token: null });
    expect(res.status).toBe(401);
    expect(typeof res.json.message).toBe("string");
  });

  it("rejects an unknown token and bearer auth", async () => {
    expect(
      (await call(emu, "GET", "/custom_metadata", undefined, { token: "cop_nope" })).status,
    ).toBe(401);
    const bearer = await call(emu, "GET", "/custom_metadata", undefined, {
      token: null,
      headers: { Authorization: "Bearer cop_emulator_token" },
    });
    expect(bearer.status).toBe(401);
  });

  it("accepts Basic base64('token:') for every configured token", async () => {
    for (const token of ["cop_emulator_token", "cop_second"]) {
      const res = await call(emu, "GET", "/custom_metadata", undefined, {
        token: null,
        headers: { Authorization: basicAuth(token) },
      });
      expect(res.status).toBe(200);
    }
  });

  it("answers unknown routes with 404 JSON", async () => {
    const res = await call(emu, "GET", "/nope");
    expect(res.status).toBe(404);
    expect(res.json.message).toEqual(expect.any(String));
  });
});

describe("create validation", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["missing name", awsAsset({ name: undefined }), "name"],
    ["empty name", awsAsset({ name: "  " }), "name"],
    ["missing mount", awsAsset({ mount: undefined }), "mount"],
    ["absolute mount", awsAsset({ mount: "/data/x" }), "mount"],
    ["mount with ..", awsAsset({ mount: "a/../b" }), "mount"],
    ["tags not an array", awsAsset({ tags: "a,b" }), "tags"],
    ["tags with a number", awsAsset({ tags: ["a", 1] }), "tags"],
    ["no source", awsAsset({ source: undefined }), "source"],
    ["empty source", awsAsset({ source: {} }), "source"],
    ["two sources", awsAsset({ source: { aws: { bucket: "b" }, gcp: { bucket: "g" } } }), "source"],
    ["aws without bucket", awsAsset({ source: { aws: { prefix: "p" } } }), "source.aws.bucket"],
    ["gcp without bucket", awsAsset({ source: { gcp: { prefix: "p" } } }), "source.gcp.bucket"],
    [
      "target with aws source",
      awsAsset({ target: { aws: { bucket: "out", prefix: "" } } }),
      "target",
    ],
    ["malformed target", resultAsset({ target: { gcp: { bucket: "out" } } }), "target"],
    [
      "unknown computation",
      resultAsset({ source: { computation: { id: "00000000-0000-4000-8000-000000000000" } } }),
      "source.computation.id",
    ],
    [
      "unknown custom metadata field",
      awsAsset({ custom_metadata: { colour: "red" } }),
      'custom_metadata["colour"]',
    ],
    [
      "string field given a number",
      awsAsset({ custom_metadata: { "subject id": 7 } }),
      'custom_metadata["subject id"]',
    ],
    [
      "number field given a string",
      awsAsset({ custom_metadata: { replicates: "3" } }),
      'custom_metadata["replicates"]',
    ],
    [
      "number out of range",
      awsAsset({ custom_metadata: { replicates: 101 } }),
      'custom_metadata["replicates"]',
    ],
    [
      "date as a string",
      awsAsset({ custom_metadata: { "collection date": "2024-01-01" } }),
      'custom_metadata["collection date"]',
    ],
    [
      "date in milliseconds",
      awsAsset({ custom_metadata: { "collection date": 1_700_000_000_000 } }),
      'custom_metadata["collection date"]',
    ],
    [
      "value outside allowed_values",
      awsAsset({ custom_metadata: { modality: "CT" } }),
      'custom_metadata["modality"]',
    ],
  ];

  const table = cases.map(([label, body, field]) => ({ label, body, field }));
  it.each(table)("$label -> 400 naming $field", async ({ body, field }) => {
    const res = await call(emu, "POST", "/data_assets", body);
    expect(res.status).toBe(400);
    expect(res.json.field).toBe(field);
    expect(res.json.message).toContain(field);
    expect(emu.admin.assets()).toHaveLength(0);
  });

  it("rejects a body that is not JSON", async () => {
    const res = await call(emu, "POST", "/data_assets", undefined, { raw: "{not json" });
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/JSON/);
  });

  it("treats explicit nulls exactly like absent keys (as the Python SDK sends them)", async () => {
    const res = await call(emu, "POST", "/data_assets", {
      name: "x",
      mount: "x",
      tags: [],
      description: null,
      source: {
        aws: { bucket: "b", prefix: null, keep_on_external_storage: null, public: null },
        gcp: null,
        computation: null,
      },
      target: null,
      custom_metadata: null,
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      name: "x",
      description: "",
      state: "draft",
      type: "dataset",
      source_bucket: { origin: "aws", bucket: "b", prefix: "", external: false },
    });
  });

  it("accepts valid custom metadata of every type", async () => {
    const custom = {
      "subject id": "S-1",
      "collection date": 1_700_000_000,
      replicates: 3,
      modality: "RNA-seq",
    };
    const asset = await createAsset(emu, awsAsset({ custom_metadata: custom }));
    expect(asset.custom_metadata).toEqual(custom);
  });
});

describe("lifecycle", () => {
  it("creates a draft that becomes ready with files and size", async () => {
    const created = await createAsset(emu, awsAsset());
    expect(created).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      created: expect.any(Number),
      state: "draft",
      last_used: 0,
      owner: expect.any(String),
      owner_email: expect.any(String),
      tags: ["genomics"],
    });
    expect(created.files).toBeUndefined();
    const ready = await waitForState(emu, created.id, "ready");
    expect(ready.files).toBeGreaterThan(0);
    expect(ready.size).toBeGreaterThan(0);
    // Same bucket and prefix -> same pseudo size: runs stay reproducible.
    const again = await createReadyAsset(emu, awsAsset({ name: "again" }));
    expect([again.files, again.size]).toEqual([ready.files, ready.size]);
  });

  it("fails with failure_reason under a fail outcome", async () => {
    emu.admin.addOutcome({
      match: { namePrefix: "doomed" },
      outcome: { kind: "fail", reason: "access denied to s3://acme-raw", afterMs: 10 },
    });
    const created = await createAsset(emu, awsAsset({ name: "doomed asset" }));
    expect(created.state).toBe("draft");
    const failed = await waitForState(emu, created.id, "failed");
    expect(failed.failure_reason).toBe("access denied to s3://acme-raw");
    expect(failed.files).toBeUndefined();
  });

  it("keeps a draft-outcome asset in draft until the admin changes it", async () => {
    emu.admin.addOutcome({ match: { name: "stuck" }, outcome: { kind: "draft" }, times: 1 });
    const stuck = await createAsset(emu, awsAsset({ name: "stuck" }));
    // A second asset with the same name is past `times` and follows the default.
    const second = await createAsset(emu, awsAsset({ name: "stuck" }));
    await waitForState(emu, second.id, "ready");
    expect((await call(emu, "GET", `/data_assets/${stuck.id}`)).json.state).toBe("draft");
    emu.admin.updateAsset(stuck.id, { state: "ready" });
    const ready = (await call(emu, "GET", `/data_assets/${stuck.id}`)).json;
    expect(ready.state).toBe("ready");
    expect(ready.files).toBeGreaterThan(0);
  });

  it("creates a result asset with provenance from the computation", async () => {
    const created = await createAsset(emu, resultAsset());
    expect(created.type).toBe("result");
    expect(created.provenance).toMatchObject({
      computation: SEED_IDS.computation,
      capsule: SEED_IDS.capsule,
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      run_script: expect.any(String),
      docker_image: expect.any(String),
      data_assets: [],
    });
    expect(created.source_bucket).toEqual({
      origin: "local",
      bucket: "",
      prefix: "",
      external: false,
    });
    const ready = await waitForState(emu, created.id, "ready");
    expect([ready.files, ready.size]).toEqual([12, 3_456_789]);
  });

  it("distinguishes external and internal source buckets", async () => {
    const external = await createAsset(
      emu,
      awsAsset({ source: { aws: { bucket: "b", prefix: "p", keep_on_external_storage: true } } }),
    );
    expect(external.source_bucket).toEqual({
      origin: "aws",
      bucket: "b",
      prefix: "p",
      external: true,
    });
    const externalResult = await createAsset(
      emu,
      resultAsset({ target: { aws: { bucket: "out", prefix: "results/" } } }),
    );
    expect(externalResult.source_bucket).toEqual({
      origin: "aws",
      bucket: "out",
      prefix: "results/",
      external: true,
    });
    const gcp = await createAsset(
      emu,
      awsAsset({
        source: { gcp: { bucket: "g", prefix: "x", client_id: "id", client_secret: "s3cr3t" } },
      }),
    );
    expect(gcp.source_bucket).toEqual({ origin: "gcp", bucket: "g", prefix: "x", external: false });
    // The GCP secret must never be echoed or stored.
    expect(JSON.stringify(gcp)).not.toContain("s3cr3t");
    expect(JSON.stringify(emu.admin.assets())).not.toContain("s3cr3t");
  });
});

describe("update, archive, delete", () => {
  it("applies PUT as a partial update and validates it", async () => {
    const created = await createAsset(
      emu,
      awsAsset({ description: "d", custom_metadata: { replicates: 2, modality: "imaging" } }),
    );
    const res = await call(emu, "PUT", `/data_assets/${created.id}`, {
      name: "renamed",
      description: null,
      tags: null,
      custom_metadata: { replicates: 5 },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      name: "renamed",
      description: "d",
      tags: ["genomics"],
      mount: "raw-reads",
      custom_metadata: { replicates: 5 },
    });
    const bad = await call(emu, "PUT", `/data_assets/${created.id}`, { mount: "/abs" });
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe("mount");
    const missing = await call(emu, "PUT", "/data_assets/does-not-exist", { name: "n" });
    expect(missing.status).toBe(404);
  });

  it("archives and unarchives idempotently with capitalised booleans", async () => {
    const { id } = await createAsset(emu, awsAsset());
    for (let i = 0; i < 2; i++) {
      const res = await call(emu, "PATCH", `/data_assets/${id}/archive?archive=True`);
      expect(res.status).toBe(204);
      expect(emu.admin.asset(id)?.archived).toBe(true);
    }
    // Archived assets are still readable by id.
    expect((await call(emu, "GET", `/data_assets/${id}`)).status).toBe(200);
    expect((await call(emu, "PATCH", `/data_assets/${id}/archive?archive=False`)).status).toBe(204);
    expect(emu.admin.asset(id)?.archived).toBe(false);
    expect((await call(emu, "PATCH", `/data_assets/${id}/archive?archive=maybe`)).status).toBe(400);
    expect((await call(emu, "PATCH", "/data_assets/nope/archive?archive=true")).status).toBe(404);
  });

  it("requires archiving before delete", async () => {
    const { id } = await createAsset(emu, awsAsset());
    const refused = await call(emu, "DELETE", `/data_assets/${id}`);
    expect(refused.status).toBe(403);
    expect(refused.json.message).toMatch(/must be archived before it can be deleted/);
    await call(emu, "PATCH", `/data_assets/${id}/archive?archive=true`);
    expect((await call(emu, "DELETE", `/data_assets/${id}`)).status).toBe(204);
    expect((await call(emu, "GET", `/data_assets/${id}`)).status).toBe(404);
    expect((await call(emu, "DELETE", `/data_assets/${id}`)).status).toBe(404);
  });
});

describe("custom metadata, capsules, pipelines", () => {
  it("serves the seeded custom metadata schema", async () => {
    const res = await call(emu, "GET", "/custom_metadata");
    expect(res.status).toBe(200);
    expect(res.json.categories).toEqual([]);
    expect(res.json.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "subject id", type: "string" }),
        expect.objectContaining({ name: "collection date", type: "date" }),
        expect.objectContaining({
          name: "replicates",
          type: "number",
          range: { min: 1, max: 100 },
        }),
        expect.objectContaining({
          name: "modality",
          allowed_values: ["RNA-seq", "ATAC-seq", "imaging"],
        }),
      ]),
    );
  });

  it("returns capsules and pipelines, and 404 for unknown ones", async () => {
    const capsule = await call(emu, "GET", `/capsules/${SEED_IDS.capsule}`);
    expect(capsule.status).toBe(200);
    expect(capsule.json).toEqual({
      id: SEED_IDS.capsule,
      created: expect.any(Number),
      name: expect.any(String),
      status: "non_release",
      owner: expect.any(String),
      slug: expect.any(String),
    });
    expect((await call(emu, "GET", `/pipelines/${SEED_IDS.pipeline}`)).status).toBe(200);
    expect((await call(emu, "GET", `/capsules/${SEED_IDS.pipeline}`)).status).toBe(404);
    expect((await call(emu, "GET", "/pipelines/nope")).status).toBe(404);
    emu.admin.removeCapsule(SEED_IDS.capsule2);
    expect((await call(emu, "GET", `/capsules/${SEED_IDS.capsule2}`)).status).toBe(404);
  });
});
