import { SEED_IDS, startEmulator, type RunningEmulator } from "../../emulator";
import { awsAsset, call, createAsset, createReadyAsset, waitFor } from "./helpers";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ readyAfterMs: 20, attachReadyAfterMs: 100 });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => emu.admin.reset());

const capsulePath = `/capsules/${SEED_IDS.capsule}/data_assets`;
const pipelinePath = `/pipelines/${SEED_IDS.pipeline}/data_assets`;

describe("attach", () => {
  it("starts not ready, becomes ready on re-post, and keeps re-posts idempotent", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    const first = await call(emu, "POST", capsulePath, [{ id: asset.id }]);
    expect(first.status).toBe(200);
    expect(first.json).toEqual([
      {
        id: asset.id,
        mount: "raw-reads",
        ready: false,
        external: false,
        job_id: expect.any(String),
        mount_state: expect.any(String),
      },
    ]);
    const ready = await waitFor(
      () => call(emu, "POST", capsulePath, [{ id: asset.id, mount: "raw-reads" }]),
      (r) => r.json?.[0]?.ready === true,
    );
    expect(ready.json[0].job_id).toBe(first.json[0].job_id);
    expect(emu.admin.attachments()).toEqual([
      {
        targetKind: "capsule",
        targetId: SEED_IDS.capsule,
        assetId: asset.id,
        mount: "raw-reads",
        ready: true,
        external: false,
      },
    ]);
  });

  it("reports external for external assets and honours an explicit mount on pipelines", async () => {
    const asset = await createReadyAsset(
      emu,
      awsAsset({ source: { aws: { bucket: "b", keep_on_external_storage: true } } }),
    );
    const res = await call(emu, "POST", pipelinePath, [{ id: asset.id, mount: "ext" }]);
    expect(res.status).toBe(200);
    expect(res.json[0]).toMatchObject({ id: asset.id, mount: "ext", external: true });
  });

  it("refuses a different mount for an attached asset and mount conflicts", async () => {
    const a = await createReadyAsset(emu, awsAsset({ name: "a", mount: "a" }));
    const b = await createReadyAsset(emu, awsAsset({ name: "b", mount: "b" }));
    expect((await call(emu, "POST", capsulePath, [{ id: a.id }])).status).toBe(200);
    const remount = await call(emu, "POST", capsulePath, [{ id: a.id, mount: "other" }]);
    expect(remount.status).toBe(400);
    expect(remount.json.message).toContain("already attached to capsule");
    expect(remount.json.message).toContain('with mount "a"');
    const conflict = await call(emu, "POST", capsulePath, [{ id: b.id, mount: "a" }]);
    expect(conflict.status).toBe(400);
    expect(conflict.json.message).toMatch(/mount "a".*already used/);
    // The same mount on a different capsule is fine.
    const other = `/capsules/${SEED_IDS.capsule2}/data_assets`;
    expect((await call(emu, "POST", other, [{ id: b.id, mount: "a" }])).status).toBe(200);
  });

  it("refuses assets that are not ready, unknown assets, unknown capsules and bad bodies", async () => {
    emu.admin.addOutcome({ match: { name: "slow" }, outcome: { kind: "draft" } });
    const draft = await createAsset(emu, awsAsset({ name: "slow" }));
    const notReady = await call(emu, "POST", capsulePath, [{ id: draft.id }]);
    expect(notReady.status).toBe(400);
    expect(notReady.json.message).toMatch(/not ready/);

    const unknown = await call(emu, "POST", capsulePath, [{ id: "missing-asset" }]);
    expect(unknown.status).toBe(404);
    expect(unknown.json.data_assets).toEqual(["missing-asset"]);

    expect((await call(emu, "POST", "/capsules/nope/data_assets", [{ id: draft.id }])).status).toBe(
      404,
    );
    expect((await call(emu, "POST", capsulePath, { id: draft.id })).status).toBe(400);
    expect((await call(emu, "POST", capsulePath, [{ mount: "x" }])).status).toBe(400);
    expect(emu.admin.attachments()).toEqual([]);
  });
});

describe("detach", () => {
  it("accepts both path forms, ignores unknown ids and 404s for unknown capsules", async () => {
    const a = await createReadyAsset(emu, awsAsset({ name: "a", mount: "a" }));
    const b = await createReadyAsset(emu, awsAsset({ name: "b", mount: "b" }));
    await call(emu, "POST", capsulePath, [{ id: a.id }, { id: b.id }]);
    expect(emu.admin.attachments()).toHaveLength(2);

    expect((await call(emu, "DELETE", capsulePath, [a.id, "not-attached"])).status).toBe(204);
    expect(emu.admin.attachments().map((x) => x.assetId)).toEqual([b.id]);
    expect((await call(emu, "DELETE", `${capsulePath}/`, [b.id])).status).toBe(204);
    expect(emu.admin.attachments()).toEqual([]);

    expect((await call(emu, "DELETE", "/capsules/nope/data_assets/", [a.id])).status).toBe(404);
    expect((await call(emu, "DELETE", capsulePath, [{ id: a.id }])).status).toBe(400);
  });

  it("drops attachments when their asset is deleted", async () => {
    const a = await createReadyAsset(emu, awsAsset());
    await call(emu, "POST", pipelinePath, [{ id: a.id }]);
    await call(emu, "PATCH", `/data_assets/${a.id}/archive?archive=true`);
    expect((await call(emu, "DELETE", `/data_assets/${a.id}`)).status).toBe(204);
    expect(emu.admin.attachments()).toEqual([]);
  });
});
