/** DataAsset provider methods called directly, against the emulator over real HTTP. */
import { NotFoundError } from "../../provider/core/api/errors";
import { PartialFailure } from "../../provider/resources/partialFailure";
import { dataAssetProvider as p, freshRuntime } from "../helpers/runtime";
import { SEED_IDS, configureProviderEnv, fastClient, useEmulator } from "../helpers/emulator";

const emu = useEmulator({ readyAfterMs: 150 });
let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = configureProviderEnv(emu.current, { CODEOCEAN_MIN_POLL_INTERVAL_SECONDS: "0.05" });
});
afterAll(() => restoreEnv());
beforeEach(() => {
  emu.current.admin.reset();
  freshRuntime();
});

const PROVIDER = "exports.handler = __f0; /* stand-in for the serialized shim */";
const counts = () => emu.current.admin.counts();
const writes = () =>
  Object.entries(counts())
    .filter(([route]) => !route.startsWith("GET") && route !== "POST /data_assets/search")
    .reduce((n, [, c]) => n + c, 0);

function declared(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    __provider: PROVIDER,
    name: "RNA-Sequencing reads",
    mount: "reads",
    tags: ["genomics", "rna"],
    customMetadata: { "subject id": "S-001", "collection date": 1676246400 },
    source: {
      aws: { bucket: "acme-rna-reads", prefix: "runs/2026-11/", keepOnExternalStorage: true },
    },
    ...overrides,
  };
}

async function checked(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  const r = await p.check(olds, news);
  expect(r.failures).toEqual([]);
  return r.inputs;
}

function hasUndefined(v: unknown): boolean {
  if (v === undefined) return true;
  if (Array.isArray(v)) return v.some(hasUndefined);
  if (v && typeof v === "object") return Object.values(v).some(hasUndefined);
  return false;
}

async function createReady(overrides: Record<string, unknown> = {}) {
  const inputs = await checked(declared(overrides));
  const created = await p.create(inputs);
  return { inputs, ...created };
}

describe("check", () => {
  it("fills defaults, keeps __provider, and makes no call for invalid input", async () => {
    const inputs = await checked(declared({ customMetadata: {} }));
    expect(inputs).toMatchObject({
      __provider: PROVIDER,
      description: "",
      onDelete: "archive",
      waitForReady: true,
      readyTimeoutSeconds: 1800,
    });
    emu.current.admin.clearJournal();
    const bad = await p.check(
      {},
      declared({
        mount: "../etc",
        source: { aws: { bucket: "Bad_Bucket" }, computation: { id: "nope" } },
      }),
    );
    expect(bad.failures.map((f) => f.property).sort()).toEqual([
      "mount",
      "source",
      "source.aws.bucket",
      "source.computation.id",
    ]);
    expect(bad.failures.find((f) => f.property === "source")?.reason).toMatch(
      /exactly one of aws, gcp, computation or cloudWorkstation, not aws and computation/,
    );
    expect(emu.current.admin.journal()).toHaveLength(0);
  });

  it("checks customMetadata against the deployment's schema once per process, and not when unchanged", async () => {
    emu.current.admin.clearJournal();
    const r = await p.check(
      {},
      declared({ customMetadata: { "subject id": 7, replicates: 1000, colour: "red" } }),
    );
    expect(r.failures.map((f) => f.property).sort()).toEqual([
      "customMetadata.colour",
      "customMetadata.replicates",
      'customMetadata["subject id"]',
    ]);
    await p.check({}, declared({ customMetadata: { modality: "imaging" } }));
    expect(counts()["GET /custom_metadata"]).toBe(1);
    const same = { "subject id": "S-1" };
    freshRuntime();
    emu.current.admin.clearJournal();
    await p.check(declared({ customMetadata: same }), declared({ customMetadata: same }));
    await p.check(declared({ customMetadata: same }), declared({ customMetadata: same }));
    // Only the one credentials check of the process: unchanged metadata costs nothing more.
    expect(counts()).toEqual({ "GET /custom_metadata": 1 });
  });
});

describe("create", () => {
  it("POSTs, waits until ready, and returns complete outputs", async () => {
    const { id, outs } = await createReady();
    expect(outs).toMatchObject({
      name: "RNA-Sequencing reads",
      state: "ready",
      type: "dataset",
      external: true,
      archived: false,
      sourceBucket: { origin: "aws", bucket: "acme-rna-reads", external: true },
      source: {
        aws: {
          bucket: "acme-rna-reads",
          prefix: "runs/2026-11/",
          keepOnExternalStorage: true,
          public: false,
        },
      },
      target: null,
      adoptExistingId: "",
    });
    expect(outs.files).toBeGreaterThan(0);
    expect(hasUndefined(outs)).toBe(false);
    expect(emu.current.admin.asset(id)?.state).toBe("ready");
    expect(counts()["POST /data_assets"]).toBe(1);
  });

  it("creates result assets from a computation, captured and written to an S3 target", async () => {
    const captured = await createReady({
      name: "res",
      mount: "res",
      source: { computation: { id: SEED_IDS.computation } },
      customMetadata: {},
    });
    expect(captured.outs).toMatchObject({
      type: "result",
      external: false,
      provenance: { computation: SEED_IDS.computation },
    });
    const external = await createReady({
      name: "res-s3",
      mount: "res_s3",
      customMetadata: {},
      source: { computation: { id: SEED_IDS.computation } },
      target: { aws: { bucket: "acme-results", prefix: "runs/" } },
    });
    expect(external.outs).toMatchObject({
      type: "result",
      external: true,
      target: { aws: { bucket: "acme-results", prefix: "runs/" } },
    });
  });

  it("a failed asset is a partial failure carrying the id, the reason and __provider", async () => {
    emu.current.admin.addOutcome({
      match: { name: "doomed" },
      outcome: { kind: "fail", reason: "AccessDenied: s3:ListBucket on acme-rna-reads" },
    });
    const inputs = await checked(declared({ name: "doomed" }));
    const e = await p.create(inputs).catch((x) => x);
    expect(e).toBeInstanceOf(PartialFailure);
    expect(e.message).toContain("AccessDenied: s3:ListBucket");
    expect(e.message).toMatch(/replaces the failed asset/);
    expect(e.id).toBe(emu.current.admin.assets()[0].id);
    expect(e.properties).toMatchObject({
      state: "failed",
      failureReason: expect.stringContaining("AccessDenied"),
      __provider: PROVIDER,
    });
    expect(hasUndefined(e.properties)).toBe(false);
    expect(p.diff(e.id, e.properties, inputs)).resolves.toMatchObject({ replaces: ["state"] });
  });

  it("a readiness timeout is a partial failure; the next up's update resumes waiting", async () => {
    emu.current.admin.addOutcome({ match: { name: "slow" }, outcome: { kind: "draft" } });
    const inputs = await checked(declared({ name: "slow", readyTimeoutSeconds: 1 }));
    const e = await p.create(inputs).catch((x) => x);
    expect(e).toBeInstanceOf(PartialFailure);
    expect(e.message).toMatch(/still in state draft after 1 s.*resumes waiting/);
    expect(e.properties.state).toBe("draft");
    const diff = await p.diff(e.id, e.properties, inputs);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    emu.current.admin.updateAsset(e.id, { state: "ready" });
    const { outs } = await p.update(e.id, e.properties, inputs);
    expect(outs.state).toBe("ready");
    expect(emu.current.admin.assets()).toHaveLength(1);
  });

  it("waitForReady: false returns the draft at once", async () => {
    emu.current.admin.addOutcome({ match: { name: "nowait" }, outcome: { kind: "draft" } });
    const { outs } = await createReady({ name: "nowait", waitForReady: false });
    expect(outs.state).toBe("draft");
    expect(counts()["GET /data_assets/:id"] ?? 0).toBe(0);
  });

  it("after a connection reset that hid a successful POST, finds the asset instead of orphaning it", async () => {
    emu.current.admin.setFaults([{ route: "POST /data_assets", kind: "reset-after", times: 1 }]);
    const { id, outs } = await createReady({ name: "reset" });
    expect(outs.state).toBe("ready");
    expect(emu.current.admin.assets().map((a) => a.id)).toEqual([id]);
    expect(counts()["POST /data_assets"]).toBe(1);
  });

  it("after a reset before the server processed the POST, says nothing was orphaned", async () => {
    emu.current.admin.setFaults([{ route: "POST /data_assets", kind: "reset-before", times: 1 }]);
    const inputs = await checked(declared({ name: "lost" }));
    const e = await p.create(inputs).catch((x) => x);
    expect(e.message).toMatch(/nothing is orphaned/);
    expect(e).not.toBeInstanceOf(PartialFailure);
    expect(emu.current.admin.assets()).toHaveLength(0);
  });
});

describe("update, read, delete", () => {
  it("updates only changed metadata with one PUT; settings alone make no call", async () => {
    const { id, outs, inputs } = await createReady();
    const news = await checked(
      { ...inputs, description: "new", tags: ["rna", "genomics"] },
      inputs,
    );
    expect(await p.diff(id, outs, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
      diffs: ["description"],
    });
    emu.current.admin.clearJournal();
    const updated = await p.update(id, outs, news);
    expect(counts()).toEqual({ "PUT /data_assets/:id": 1 });
    expect(updated.outs.description).toBe("new");
    const reordered = await checked({ ...inputs, tags: ["rna", "genomics"], description: "new" });
    expect((await p.diff(id, updated.outs, reordered)).changes).toBe(false);
    emu.current.admin.clearJournal();
    const settings = await checked({ ...inputs, description: "new", onDelete: "retain" });
    const r = await p.update(id, updated.outs, settings);
    expect(r.outs.onDelete).toBe("retain");
    expect(emu.current.admin.journal()).toHaveLength(0);
  });

  it("changing the source replaces", async () => {
    const { id, outs, inputs } = await createReady();
    const news = await checked({ ...inputs, source: { aws: { bucket: "other-bucket" } } });
    expect((await p.diff(id, outs, news)).replaces).toEqual(["source"]);
  });

  it("read reports drift as inputs, an archived asset, and a deleted one as gone", async () => {
    const { id, outs, inputs } = await createReady();
    emu.current.admin.updateAsset(id, { name: "Renamed in the web UI", tags: ["x"] });
    const r = await p.read(id, { ...outs, __provider: PROVIDER });
    expect(r.id).toBe(id);
    expect(r.inputs).toMatchObject({ name: "Renamed in the web UI", tags: ["x"] });
    expect(r.props.name).toBe("Renamed in the web UI");
    const diff = await p.diff(id, r.props, inputs);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    const fixed = await p.update(id, r.props, inputs);
    expect(emu.current.admin.asset(id)?.name).toBe("RNA-Sequencing reads");

    emu.current.admin.updateAsset(id, { archived: true });
    const archived = await p.read(id, fixed.outs);
    expect(archived.props.archived).toBe(true);
    expect((await p.diff(id, archived.props, inputs)).changes).toBe(true);
    await p.update(id, archived.props, inputs);
    expect(emu.current.admin.asset(id)?.archived).toBe(false);

    emu.current.admin.updateAsset(id, { state: "failed", failure_reason: "storage lost" });
    const failed = await p.read(id, fixed.outs);
    expect((await p.diff(id, failed.props, inputs)).replaces).toEqual(["state"]);

    emu.current.admin.removeAsset(id);
    expect((await p.read(id, fixed.outs)).id).toBe("");
  });

  it("delete archives by default, deletes with onDelete: delete, leaves it with retain", async () => {
    const archive = await createReady({ name: "a1" });
    await p.delete(archive.id, archive.outs);
    expect(emu.current.admin.asset(archive.id)?.archived).toBe(true);
    await p.delete(archive.id, archive.outs); // already archived: fine

    const del = await createReady({ name: "a2", onDelete: "delete" });
    await p.delete(del.id, del.outs);
    expect(emu.current.admin.asset(del.id)).toBeUndefined();
    await p.delete(del.id, del.outs); // already gone: fine

    const retain = await createReady({ name: "a3", onDelete: "retain" });
    emu.current.admin.clearJournal();
    await p.delete(retain.id, retain.outs);
    expect(emu.current.admin.asset(retain.id)?.archived).toBe(false);
    expect(writes()).toBe(0);
  });

  it("delete never waits for a draft asset", async () => {
    emu.current.admin.addOutcome({ match: { name: "forever" }, outcome: { kind: "draft" } });
    const { id, outs } = await createReady({ name: "forever", waitForReady: false });
    const started = Date.now();
    await p.delete(id, outs);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(emu.current.admin.asset(id)?.archived).toBe(true);
  });
});

describe("adoptExistingId", () => {
  it("takes an existing asset under management and aligns its metadata", async () => {
    const c = fastClient(emu.current);
    const existing = await c.createDataAsset({
      name: "made by hand",
      mount: "hand",
      tags: [],
      source: { aws: { bucket: "acme-hand" } },
    });
    emu.current.admin.updateAsset(existing.id, { state: "ready", archived: true });
    emu.current.admin.clearJournal();
    const inputs = await checked({
      __provider: PROVIDER,
      name: "now managed",
      mount: "hand",
      tags: ["managed"],
      adoptExistingId: existing.id,
    });
    const { id, outs } = await p.create(inputs);
    expect(id).toBe(existing.id);
    expect(outs).toMatchObject({
      name: "now managed",
      tags: ["managed"],
      adoptExistingId: existing.id,
      archived: false,
      state: "ready",
    });
    expect(counts()["POST /data_assets"] ?? 0).toBe(0);
    expect(emu.current.admin.asset(id)).toMatchObject({ name: "now managed", archived: false });
  });

  it("fails clearly for an id that does not exist", async () => {
    const inputs = await checked({
      __provider: PROVIDER,
      name: "x",
      mount: "x",
      adoptExistingId: "00000000-0000-4000-8000-000000000000",
    });
    await expect(p.create(inputs)).rejects.toThrow(
      /no data asset with id 00000000-0000-4000-8000-000000000000/,
    );
    await expect(
      fastClient(emu.current).getDataAsset("00000000-0000-4000-8000-000000000000"),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
