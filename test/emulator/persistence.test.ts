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
