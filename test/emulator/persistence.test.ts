import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SEED_IDS, startEmulator } from "../../emulator";
import { awsAsset, call, createAsset, createReadyAsset, waitForState } from "./helpers";

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "co-emulator-"));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("persistence", () => {
  it("keeps assets, archive flags, attachments and removals across a restart", async () => {
    const dataFile = path.join(dir, "nested", "state.json");
    const first = await startEmulator({ dataFile, readyAfterMs: 10, attachReadyAfterMs: 0 });
    const kept = await createReadyAsset(first, awsAsset({ name: "kept" }));
    const archived = await createAsset(first, awsAsset({ name: "archived", mount: "arch" }));
    await call(first, "PATCH", `/data_assets/${archived.id}/archive?archive=true`);
    await call(first, "POST", `/capsules/${SEED_IDS.capsule}/data_assets`, [{ id: kept.id }]);
    first.admin.removePipeline(SEED_IDS.pipeline);
    await first.stop();

    expect(fs.existsSync(dataFile)).toBe(true);
    // Atomic writes leave no temp files behind.
    expect(fs.readdirSync(path.dirname(dataFile))).toEqual(["state.json"]);

    const second = await startEmulator({ dataFile });
    try {
      expect((await call(second, "GET", `/data_assets/${kept.id}`)).json).toEqual(kept);
      expect(second.admin.asset(archived.id)?.archived).toBe(true);
      expect(second.admin.attachments()).toEqual([
        expect.objectContaining({ targetId: SEED_IDS.capsule, assetId: kept.id, ready: true }),
      ]);
      expect((await call(second, "GET", `/pipelines/${SEED_IDS.pipeline}`)).status).toBe(404);
    } finally {
      await second.stop();
    }
  });

  it("keeps permissions, combined assets, endpoint names and results provenance", async () => {
    const dataFile = path.join(dir, "state.json");
    const first = await startEmulator({ dataFile, readyAfterMs: 10 });
    const external = (name: string) =>
      awsAsset({
        name,
        mount: name,
        source: {
          aws: {
            bucket: "ext",
            prefix: name,
            keep_on_external_storage: true,
            endpoint_name: "s3-1",
          },
        },
      });
    const a = await createReadyAsset(first, external("a"));
    const b = await createReadyAsset(first, external("b"));
    const combined = await createReadyAsset(first, {
      name: "ab",
      mount: "ab",
      tags: [],
      data_asset_ids: [a.id, b.id],
    });
    const result = await createReadyAsset(
      first,
      awsAsset({
        name: "imported",
        results_info: { capsule_id: SEED_IDS.capsule, version: 1, data_assets: [a.id] },
      }),
    );
    const sharing = {
      users: [{ email: "alice@acme.org", role: "viewer" }],
      groups: [{ group: "lab", role: "editor" }],
      everyone: "discoverable",
      share_assets: false,
    };
    expect((await call(first, "POST", `/data_assets/${a.id}/permissions`, sharing)).status).toBe(
      204,
    );
    first.admin.setPermissions(b.id, { everyone: "viewer" });
    const permissionsA = first.admin.permissions(a.id);
    const permissionsB = first.admin.permissions(b.id);
    await first.stop();

    const second = await startEmulator({ dataFile });
    try {
      for (const asset of [a, b, combined, result]) {
        expect((await call(second, "GET", `/data_assets/${asset.id}`)).json).toEqual(asset);
      }
      expect(combined.contained_data_assets).toHaveLength(2);
      expect(a.source_bucket.endpoint_name).toBe("s3-1");
      expect(result.provenance).toMatchObject({ capsule: SEED_IDS.capsule, version: 1 });
      expect(second.admin.permissions(a.id)).toEqual(permissionsA);
      expect(second.admin.permissions(b.id)).toEqual(permissionsB);
      expect((await call(second, "GET", `/data_assets/${a.id}/permissions`)).json).toEqual({
        users: [
          { email: a.owner_email, role: "owner" },
          { email: "alice@acme.org", role: "viewer" },
        ],
        groups: [{ group: "lab", role: "editor" }],
        everyone: "discoverable",
      });
      // An asset whose sharing was never set still reads as private to its owner.
      expect((await call(second, "GET", `/data_assets/${combined.id}/permissions`)).json).toEqual({
        users: [{ email: combined.owner_email, role: "owner" }],
        groups: [],
        everyone: "none",
      });
    } finally {
      await second.stop();
    }
  });

  it("completes a transition that was pending when the emulator stopped", async () => {
    const dataFile = path.join(dir, "state.json");
    const first = await startEmulator({ dataFile, readyAfterMs: 300 });
    const draft = await createAsset(first, awsAsset());
    await first.stop();
    const second = await startEmulator({ dataFile });
    try {
      const ready = await waitForState(second, draft.id, "ready");
      expect(ready.files).toBeGreaterThan(0);
    } finally {
      await second.stop();
    }
  });

  it("refuses to start from a corrupt data file instead of discarding it", async () => {
    const dataFile = path.join(dir, "state.json");
    fs.writeFileSync(dataFile, "{oops");
    await expect(startEmulator({ dataFile })).rejects.toThrow(/cannot parse/);
    expect(fs.readFileSync(dataFile, "utf8")).toBe("{oops");
  });
});
