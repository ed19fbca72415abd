// Cloud Workstation sessions: `source.cloud_workstation` captures files from a running
// session, and while a capsule's workstation runs its data assets are attached through
// /computations/{session id}/data_assets instead of the capsule's route.
import { SEED_IDS, startEmulator, type RunningEmulator } from "../../emulator";
import {
  awsAsset,
  call,
  createAsset,
  createReadyAsset,
  resultAsset,
  waitForState,
} from "./helpers";

let emu: RunningEmulator;
const WS = SEED_IDS.cloudWorkstation;
const CAPSULE = SEED_IDS.workstationCapsule;
const sessionPath = `/computations/${WS}/data_assets`;
const capsulePath = `/capsules/${CAPSULE}/data_assets`;

beforeAll(async () => {
  emu = await startEmulator({ readyAfterMs: 0, attachReadyAfterMs: 0 });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => emu.admin.reset());

const fromWorkstation = (cloud_workstation: Record<string, unknown>, extra = {}) =>
  awsAsset({ name: "captured", mount: "captured", source: { cloud_workstation }, ...extra });

describe("source.cloud_workstation", () => {
  it("with run_script makes a result whose provenance names the session and its inputs", async () => {
    const input = await createReadyAsset(emu, awsAsset({ name: "input", mount: "input" }));
    await call(emu, "POST", sessionPath, [{ id: input.id }]);
    const created = await createAsset(
      emu,
      fromWorkstation({
        id: WS,
        path: "/root/capsule/scratch/out/",
        run_script: "code/analysis.py",
      }),
    );
    expect(created).toMatchObject({
      state: "draft",
      type: "result",
      source_bucket: { origin: "local", bucket: "", prefix: "", external: false },
      provenance: {
        computation: WS,
        capsule: CAPSULE,
        run_script: "code/analysis.py",
        commit: expect.stringMatching(/^[0-9a-f]{40}$/),
        docker_image: expect.any(String),
        data_assets: [input.id],
      },
    });
    const ready = await waitForState(emu, created.id, "ready");
    expect(ready.files).toBeGreaterThan(0);
    expect(ready.size).toBeGreaterThan(0);
  });

  it("without run_script makes a dataset with no provenance", async () => {
    const created = await createAsset(emu, fromWorkstation({ id: WS, path: "scratch" }));
    expect(created.type).toBe("dataset");
    expect(created.provenance).toBeUndefined();
    expect(created.source_bucket.external).toBe(false);
  });

  const refused: [string, Record<string, unknown>, string, RegExp][] = [
    [
      "an unknown id",
      fromWorkstation({ id: "nope", path: "x" }),
      "source.cloud_workstation.id",
      /unknown computation "nope"/,
    ],
    ["no id", fromWorkstation({ path: "x" }), "source.cloud_workstation.id", /is required/],
    [
      "a run that is not a session",
      fromWorkstation({ id: SEED_IDS.computation, path: "x" }),
      "source.cloud_workstation.id",
      /not a Cloud Workstation session/,
    ],
    ["no path", fromWorkstation({ id: WS }), "source.cloud_workstation.path", /is required/],
    [
      "an empty path",
      fromWorkstation({ id: WS, path: " " }),
      "source.cloud_workstation.path",
      /not be empty/,
    ],
    [
      "the root as path",
      fromWorkstation({ id: WS, path: "/" }),
      "source.cloud_workstation.path",
      /not be empty/,
    ],
    [
      "an empty run_script",
      fromWorkstation({ id: WS, path: "x", run_script: "" }),
      "source.cloud_workstation.run_script",
      /must not be empty/,
    ],
    [
      "a target",
      fromWorkstation({ id: WS, path: "x" }, { target: { aws: { bucket: "out", prefix: "" } } }),
      "target",
      /only allowed with a computation source/,
    ],
    [
      "results_info",
      fromWorkstation({ id: WS, path: "x" }, { results_info: { capsule_id: CAPSULE } }),
      "results_info",
      /only allowed with an aws or gcp source/,
    ],
    [
      "a second source",
      resultAsset({
        source: {
          computation: { id: SEED_IDS.computation },
          cloud_workstation: { id: WS, path: "x" },
        },
      }),
      "source",
      /exactly one of aws, gcp, computation, cloud_workstation \(got computation, cloud_workstation\)/,
    ],
  ];
  const table = refused.map(([label, body, field, message]) => ({ label, body, field, message }));
  it.each(table)("refuses $label, naming $field", async ({ body, field, message }) => {
    const res = await call(emu, "POST", "/data_assets", body);
    expect(res.status).toBe(400);
    expect(res.json.field).toBe(field);
    expect(res.json.message).toMatch(message);
    expect(emu.admin.assets()).toEqual([]);
  });

  it("refuses a stopped session, and accepts it again once started", async () => {
    emu.admin.setWorkstationRunning(WS, false);
    const res = await call(emu, "POST", "/data_assets", fromWorkstation({ id: WS, path: "x" }));
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/which is not running/);
    emu.admin.setWorkstationRunning(WS, true);
    expect(
      (await call(emu, "POST", "/data_assets", fromWorkstation({ id: WS, path: "x" }))).status,
    ).toBe(200);
  });
});

describe("attaching while a Cloud Workstation runs", () => {
  it("refuses the capsule's routes, naming the session's route", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    for (const [method, body] of [
      ["POST", [{ id: asset.id }]],
      ["DELETE", [asset.id]],
    ] as const) {
      const res = await call(emu, method, capsulePath, body);
      expect(res.status).toBe(400);
      expect(res.json.computation).toBe(WS);
      expect(res.json.message).toContain(`running Cloud Workstation session (computation ${WS})`);
      expect(res.json.message).toContain(`/computations/${WS}/data_assets`);
    }
    expect(emu.admin.attachments()).toEqual([]);
  });

  it("attaches and detaches through the session, recording the attachment against the capsule", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    const attached = await call(emu, "POST", sessionPath, [{ id: asset.id, mount: "in" }]);
    expect(attached.status).toBe(200);
    expect(attached.json).toEqual([
      {
        id: asset.id,
        mount: "in",
        ready: true,
        external: false,
        job_id: expect.any(String),
        mount_state: expect.any(String),
      },
    ]);
    expect(emu.admin.attachments()).toEqual([
      {
        targetKind: "capsule",
        targetId: CAPSULE,
        assetId: asset.id,
        mount: "in",
        ready: true,
        external: false,
      },
    ]);
    // Re-posting is idempotent, as on the capsule's route.
    expect(
      (await call(emu, "POST", sessionPath, [{ id: asset.id, mount: "in" }])).json[0].job_id,
    ).toBe(attached.json[0].job_id);
    // The SDK detaches with a trailing slash.
    expect((await call(emu, "DELETE", `${sessionPath}/`, [asset.id])).status).toBe(204);
    expect(emu.admin.attachments()).toEqual([]);
    expect(emu.admin.counts()).toMatchObject({
      "POST /computations/:id/data_assets": 2,
      "DELETE /computations/:id/data_assets": 1,
    });
  });

  it("switches back to the capsule's routes once the session stops", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    const stopped = await call(emu, "PUT", `/__emulator/computations/${WS}/running`, {
      running: false,
    });
    expect(stopped.status).toBe(204);
    const viaSession = await call(emu, "POST", sessionPath, [{ id: asset.id }]);
    expect(viaSession.status).toBe(400);
    expect(viaSession.json.message).toContain(
      `is not running; attach to its capsule instead: ${capsulePath}`,
    );
    expect((await call(emu, "POST", capsulePath, [{ id: asset.id }])).status).toBe(200);
    await call(emu, "PUT", `/__emulator/computations/${WS}/running`, { running: true });
    expect((await call(emu, "DELETE", capsulePath, [asset.id])).status).toBe(400);
    expect((await call(emu, "DELETE", sessionPath, [asset.id])).status).toBe(204);
  });

  it("answers 404 for an unknown session and 400 for a run that is not one", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    const unknown = await call(emu, "POST", "/computations/nope/data_assets", [{ id: asset.id }]);
    expect([unknown.status, unknown.json.message]).toEqual([404, "computation nope not found"]);
    const run = await call(emu, "POST", `/computations/${SEED_IDS.computation}/data_assets`, [
      { id: asset.id },
    ]);
    expect(run.status).toBe(400);
    expect(run.json.message).toMatch(
      /is not a Cloud Workstation session; attach to its capsule instead/,
    );
    expect((await call(emu, "DELETE", "/computations/nope/data_assets", [asset.id])).status).toBe(
      404,
    );
  });

  it("is switched by an admin call that only takes seeded sessions", async () => {
    expect(() => emu.admin.setWorkstationRunning(SEED_IDS.computation, false)).toThrow(
      /not a Cloud Workstation session/,
    );
    expect(() => emu.admin.setWorkstationRunning("nope", false)).toThrow(/unknown computation/);
    expect(
      (await call(emu, "PUT", "/__emulator/computations/nope/running", { running: false })).status,
    ).toBe(404);
    const bad = await call(emu, "PUT", `/__emulator/computations/${WS}/running`, { runing: false });
    expect(bad.json.message).toMatch(/^unknown field "runing" in workstation/);
    // Other capsules are not affected by the workstation.
    const asset = await createReadyAsset(emu, awsAsset());
    expect(
      (await call(emu, "POST", `/capsules/${SEED_IDS.capsule}/data_assets`, [{ id: asset.id }]))
        .status,
    ).toBe(200);
    // reset() starts the seeded session again.
    emu.admin.setWorkstationRunning(WS, false);
    emu.admin.reset();
    expect((await call(emu, "DELETE", capsulePath, [])).json.computation).toBe(WS);
  });
});
