// POST /data_assets/{id}/transfer (admins only in Code Ocean; the emulator's token is an
// admin's): moves the files to another S3 location, making the asset external there.
import { SEED_IDS, startEmulator, type RunningEmulator } from "../../emulator";
import { awsAsset, call, createAsset, createReadyAsset, resultAsset } from "./helpers";

let emu: RunningEmulator;
const RELEASE_PIPELINE = "release-pipeline";

beforeAll(async () => {
  emu = await startEmulator({
    readyAfterMs: 0,
    attachReadyAfterMs: 0,
    seed: { pipelines: [{ id: RELEASE_PIPELINE, name: "Released", status: "release" }] },
  });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => emu.admin.reset());

const transfer = (id: string, body: unknown) =>
  call(emu, "POST", `/data_assets/${id}/transfer`, body);

describe("transfer", () => {
  it("makes an internal result external in the target bucket, keeping provenance", async () => {
    const asset = await createReadyAsset(emu, resultAsset());
    expect(asset.source_bucket.external).toBe(false);
    expect(asset.last_transferred).toBeUndefined();
    const before = Math.floor(Date.now() / 1000);
    const res = await transfer(asset.id, {
      target: { aws: { bucket: "archive", prefix: "results/", endpoint_name: "onprem" } },
    });
    expect(res.status).toBe(204);
    const after = (await call(emu, "GET", `/data_assets/${asset.id}`)).json;
    expect(after.source_bucket).toEqual({
      origin: "aws",
      bucket: "archive",
      prefix: "results/",
      external: true,
      endpoint_name: "onprem",
    });
    expect(after.last_transferred).toBeGreaterThanOrEqual(before);
    expect(after.last_transferred).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(after.provenance).toEqual(asset.provenance);
    expect(after).toMatchObject({ type: "result", files: asset.files, size: asset.size });
    // Attachments now report the asset as external.
    const attached = await call(emu, "POST", `/capsules/${SEED_IDS.capsule}/data_assets`, [
      { id: asset.id },
    ]);
    expect(attached.json[0].external).toBe(true);
  });

  it("shows a transfer_error set out of band until the next transfer clears it", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    emu.admin.updateAsset(asset.id, { transfer_error: "AccessDenied on s3://archive" });
    expect((await call(emu, "GET", `/data_assets/${asset.id}`)).json.transfer_error).toBe(
      "AccessDenied on s3://archive",
    );
    await transfer(asset.id, { target: { aws: { bucket: "archive", prefix: "" } } });
    expect(
      (await call(emu, "GET", `/data_assets/${asset.id}`)).json.transfer_error,
    ).toBeUndefined();
    const patched = await call(emu, "PATCH", `/__emulator/data_assets/${asset.id}`, {
      transfer_error: "quota",
    });
    expect(patched.json.transfer_error).toBe("quota");
    await call(emu, "PATCH", `/__emulator/data_assets/${asset.id}`, { transfer_error: null });
    expect(emu.admin.asset(asset.id)?.transfer_error).toBeUndefined();
  });

  it("moves an asset a release pipeline uses only with force: true", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    await call(emu, "POST", `/pipelines/${RELEASE_PIPELINE}/data_assets`, [{ id: asset.id }]);
    expect((await call(emu, "GET", `/pipelines/${RELEASE_PIPELINE}`)).json.status).toBe("release");
    const body = { target: { aws: { bucket: "archive", prefix: "p/" } } };
    const refused = await transfer(asset.id, body);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ field: "force", pipelines: [RELEASE_PIPELINE] });
    expect(emu.admin.asset(asset.id)?.source_bucket.external).toBe(false);
    expect((await transfer(asset.id, { ...body, force: true })).status).toBe(204);
    expect(emu.admin.asset(asset.id)?.source_bucket.bucket).toBe("archive");
    // A non-release pipeline does not need force.
    const other = await createReadyAsset(emu, awsAsset({ name: "other", mount: "other" }));
    await call(emu, "POST", `/pipelines/${SEED_IDS.pipeline}/data_assets`, [{ id: other.id }]);
    expect((await transfer(other.id, body)).status).toBe(204);
  });

  it("refuses bad bodies, unknown ids, drafts and combined assets", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    const cases: [unknown, string][] = [
      [{}, "target"],
      [{ target: { gcp: { bucket: "b" } } }, "target"],
      [{ target: { aws: { prefix: "p" } } }, "target.aws.bucket"],
      [{ target: { aws: { bucket: "b", prefix: 3 } } }, "target.aws.prefix"],
      [{ target: { aws: { bucket: "b" } }, force: "yes" }, "force"],
    ];
    for (const [body, field] of cases) {
      const res = await transfer(asset.id, body);
      expect([res.status, res.json.field]).toEqual([400, field]);
    }
    expect((await transfer("nope", { target: { aws: { bucket: "b" } } })).status).toBe(404);

    emu.admin.addOutcome({ match: { name: "slow" }, outcome: { kind: "draft" } });
    const draft = await createAsset(emu, awsAsset({ name: "slow" }));
    const notReady = await transfer(draft.id, { target: { aws: { bucket: "b" } } });
    expect(notReady.status).toBe(400);
    expect(notReady.json.message).toMatch(/not ready \(state: draft\)/);

    const ext = (name: string) =>
      createReadyAsset(
        emu,
        awsAsset({
          name,
          mount: name,
          source: { aws: { bucket: "e", prefix: name, keep_on_external_storage: true } },
        }),
      );
    const [x, y] = [await ext("x"), await ext("y")];
    const combined = await createReadyAsset(
      emu,
      awsAsset({ name: "xy", mount: "xy", source: undefined, data_asset_ids: [x.id, y.id] }),
    );
    const refused = await transfer(combined.id, { target: { aws: { bucket: "b" } } });
    expect(refused.status).toBe(400);
    expect(refused.json.message).toMatch(/combined data asset's files belong to its components/);
    expect(emu.admin.counts()["POST /data_assets/:id/transfer"]).toBeGreaterThan(0);
  });
});
