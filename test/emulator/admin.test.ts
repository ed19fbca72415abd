import { SEED_IDS, startEmulator, type RunningEmulator } from "../../emulator";
import { awsAsset, call, createAsset, createReadyAsset, waitForState } from "./helpers";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({
    readyAfterMs: 20,
    attachReadyAfterMs: 0,
    seed: { capsules: [{ id: "extra-capsule", name: "From options" }] },
  });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => emu.admin.reset());

const admin = (method: string, path: string, body?: unknown) =>
  call(emu, method, `/__emulator${path}`, body, { token: null });

describe("HTTP admin API", () => {
  it("reports health without auth", async () => {
    const res = await admin("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true });
  });

  it("seeds capsules and computations, and reset restores default plus options seed", async () => {
    expect((await call(emu, "GET", "/capsules/extra-capsule")).status).toBe(200);
    const seeded = await admin("POST", "/seed", {
      capsules: [{ id: "new-capsule", name: "New", slug: "42" }],
      computations: [{ id: "new-run", capsuleId: "new-capsule", files: 1, size: 2 }],
    });
    expect(seeded.status).toBe(204);
    expect((await call(emu, "GET", "/capsules/new-capsule")).json.slug).toBe("42");
    const result = await createReadyAsset(emu, {
      name: "r",
      mount: "r",
      tags: [],
      source: { computation: { id: "new-run" } },
    });
    expect([result.files, result.size]).toEqual([1, 2]);

    expect((await admin("POST", "/reset")).status).toBe(204);
    expect((await call(emu, "GET", "/capsules/new-capsule")).status).toBe(404);
    expect((await call(emu, "GET", "/capsules/extra-capsule")).status).toBe(200);
    expect((await call(emu, "GET", `/capsules/${SEED_IDS.capsule}`)).status).toBe(200);
    expect((await admin("GET", "/state")).json.assets).toEqual([]);
  });

  it("adds and clears outcome rules", async () => {
    await admin("POST", "/outcomes", {
      match: { name: "bad" },
      outcome: { kind: "fail", reason: "no such bucket", afterMs: 0 },
    });
    const failed = await createAsset(emu, awsAsset({ name: "bad" }));
    expect((await waitForState(emu, failed.id, "failed")).failure_reason).toBe("no such bucket");
    await admin("DELETE", "/outcomes");
    const ok = await createAsset(emu, awsAsset({ name: "bad" }));
    await waitForState(emu, ok.id, "ready");
    expect(
      (await admin("POST", "/outcomes", { match: {}, outcome: { kind: "boom" } })).status,
    ).toBe(400);
  });

  it("sets, adds and clears faults", async () => {
    await admin("PUT", "/faults", [{ route: "GET /custom_metadata", kind: "status", status: 503 }]);
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(503);
    await admin("PUT", "/faults", []);
    await admin("POST", "/faults", { route: "GET /custom_metadata", kind: "status", status: 500 });
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(500);
    await admin("DELETE", "/faults");
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(200);
    expect((await admin("POST", "/faults", { kind: "explode" })).status).toBe(400);
  });

  it("sets and clears the rate limit", async () => {
    await admin("PUT", "/rate-limit", { requestsPerSecond: 0.5, burst: 1 });
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(200);
    const limited = await call(emu, "GET", "/custom_metadata");
    expect(limited.status).toBe(429);
    // At 0.5 requests/s the next token is at most 2 s away.
    expect(limited.headers.get("retry-after")).toMatch(/^[12]$/);
    await admin("PUT", "/rate-limit", null);
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(200);
  });

  it("returns and clears the journal", async () => {
    await call(emu, "GET", "/custom_metadata");
    const journal = await admin("GET", "/journal");
    expect(journal.json.counts).toEqual({ "GET /custom_metadata": 1 });
    expect(journal.json.entries).toHaveLength(1);
    await admin("DELETE", "/journal");
    expect((await admin("GET", "/journal")).json).toEqual({ entries: [], counts: {} });
  });

  it("exposes state and changes assets, capsules and pipelines out of band", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    await call(emu, "POST", `/capsules/${SEED_IDS.capsule}/data_assets`, [{ id: asset.id }]);
    const state = (await admin("GET", "/state")).json;
    expect(state.assets).toEqual([expect.objectContaining({ id: asset.id, archived: false })]);
    expect(state.attachments).toEqual([
      expect.objectContaining({ targetKind: "capsule", assetId: asset.id, ready: true }),
    ]);
    expect(state.capsules.map((c: { id: string }) => c.id)).toContain(SEED_IDS.capsule);
    expect(state.pipelines.map((p: { id: string }) => p.id)).toEqual([SEED_IDS.pipeline]);

    const patched = await admin("PATCH", `/data_assets/${asset.id}`, {
      name: "drifted",
      tags: ["x"],
      state: "failed",
      failure_reason: "bucket deleted",
      archived: true,
    });
    expect(patched.status).toBe(200);
    const seen = (await call(emu, "GET", `/data_assets/${asset.id}`)).json;
    expect(seen).toMatchObject({
      name: "drifted",
      tags: ["x"],
      state: "failed",
      failure_reason: "bucket deleted",
    });
    expect(seen.files).toBeUndefined();
    expect(emu.admin.asset(asset.id)?.archived).toBe(true);
    // Admin changes are out of band: they never reach the journal.
    expect(emu.admin.journal().some((e) => e.path.includes("__emulator"))).toBe(false);
    expect((await admin("PATCH", "/data_assets/nope", { name: "x" })).status).toBe(404);

    expect((await admin("DELETE", `/data_assets/${asset.id}`)).status).toBe(204);
    expect((await call(emu, "GET", `/data_assets/${asset.id}`)).status).toBe(404);
    expect(emu.admin.attachments()).toEqual([]);

    expect((await admin("DELETE", `/capsules/${SEED_IDS.capsule}`)).status).toBe(204);
    expect((await admin("DELETE", `/pipelines/${SEED_IDS.pipeline}`)).status).toBe(204);
    expect((await call(emu, "GET", `/capsules/${SEED_IDS.capsule}`)).status).toBe(404);
    expect((await call(emu, "GET", `/pipelines/${SEED_IDS.pipeline}`)).status).toBe(404);
  });

  it("answers unknown admin routes with 404", async () => {
    expect((await admin("GET", "/nope")).status).toBe(404);
  });
});

describe("in-process admin", () => {
  it("removes an unarchived asset out of band and throws on updates to unknown ids", async () => {
    const asset = await createAsset(emu, awsAsset());
    emu.admin.removeAsset(asset.id);
    expect(emu.admin.asset(asset.id)).toBeUndefined();
    expect((await call(emu, "GET", `/data_assets/${asset.id}`)).status).toBe(404);
    expect(() => emu.admin.updateAsset(asset.id, { name: "x" })).toThrow(/unknown data asset/);
    expect(() => emu.admin.removeAsset(asset.id)).not.toThrow();
  });

  it("replaces the custom metadata schema via seed()", async () => {
    emu.admin.seed({
      customMetadata: {
        fields: [{ name: "site", type: "string", required: true }],
        categories: [{ id: "c1", name: "Clinical" }],
      },
    });
    expect((await call(emu, "GET", "/custom_metadata")).json.categories).toEqual([
      { id: "c1", name: "Clinical" },
    ]);
    const missing = await call(emu, "POST", "/data_assets", awsAsset());
    expect(missing.status).toBe(400);
    expect(missing.json.field).toBe('custom_metadata["site"]');
    const ok = await call(
      emu,
      "POST",
      "/data_assets",
      awsAsset({ custom_metadata: { site: "A" } }),
    );
    expect(ok.status).toBe(200);
  });
});
