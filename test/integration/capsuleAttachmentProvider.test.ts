/** CapsuleAttachment provider methods called directly, against the emulator over real HTTP. */
import { capsuleAttachmentProvider as p, runtime } from "../helpers/runtime";
import { PartialFailure } from "../../provider/resources/partialFailure";
import { startEmulator } from "../../emulator";
import {
  SEED_IDS,
  configureProviderEnv,
  eventually,
  fastClient,
  useEmulator,
} from "../helpers/emulator";

const emu = useEmulator({ readyAfterMs: 50, attachReadyAfterMs: 150 });
let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = configureProviderEnv(emu.current, { CODEOCEAN_MIN_POLL_INTERVAL_SECONDS: "0.1" });
});
afterAll(() => restoreEnv());
beforeEach(() => emu.current.admin.reset());

const PROVIDER = "exports.handler = __f0;";

async function readyAsset(name: string, bucket = "acme-reads"): Promise<string> {
  const c = fastClient(emu.current);
  const a = await c.createDataAsset({
    name,
    mount: name,
    tags: [],
    source: { aws: { bucket, keepOnExternalStorage: true } },
  });
  await eventually(() => emu.current.admin.asset(a.id)?.state === "ready");
  c.close();
  return a.id;
}

async function checked(news: Record<string, unknown>) {
  const r = await p.check({}, { __provider: PROVIDER, ...news });
  expect(r.failures).toEqual([]);
  return r.inputs;
}

it("attaches to a capsule, waits for the mount, and detaches on delete", async () => {
  const assetId = await readyAsset("reads");
  const inputs = await checked({ capsuleId: SEED_IDS.capsule, dataAssetId: assetId, mount: "rna" });
  const { id, outs } = await p.create(inputs);
  expect(id).toBe(`capsule:${SEED_IDS.capsule}:${assetId}`);
  expect(outs).toEqual({
    capsuleId: SEED_IDS.capsule,
    pipelineId: "",
    dataAssetId: assetId,
    mount: "rna",
    targetKind: "capsule",
    ready: true,
    external: true,
    foundAttached: false,
    waitForReady: true,
    readyTimeoutSeconds: 600,
  });
  expect(emu.current.admin.attachments()).toEqual([
    expect.objectContaining({ targetId: SEED_IDS.capsule, assetId, mount: "rna", ready: true }),
  ]);
  await p.delete(id);
  expect(emu.current.admin.attachments()).toHaveLength(0);
  await p.delete(id); // already detached: fine
});

it("attaches to a pipeline with the asset's own mount", async () => {
  const assetId = await readyAsset("refgenome");
  const { outs } = await p.create(
    await checked({ pipelineId: SEED_IDS.pipeline, dataAssetId: assetId }),
  );
  expect(outs).toMatchObject({
    targetKind: "pipeline",
    pipelineId: SEED_IDS.pipeline,
    capsuleId: "",
    mount: "refgenome",
    ready: true,
  });
});

it("a mount that never becomes ready is a partial failure with the id; the next up checks again", async () => {
  const slow = await startEmulator({ port: 0, attachReadyAfterMs: 60_000, readyAfterMs: 10 });
  const restore = configureProviderEnv(slow, { CODEOCEAN_MIN_POLL_INTERVAL_SECONDS: "0.1" });
  try {
    const c = fastClient(slow);
    const a = await c.createDataAsset({
      name: "slowmount",
      mount: "slowmount",
      tags: [],
      source: { aws: { bucket: "acme-reads" } },
    });
    await eventually(() => slow.admin.asset(a.id)?.state === "ready");
    c.close();
    const inputs = await checked({
      capsuleId: SEED_IDS.capsule,
      dataAssetId: a.id,
      readyTimeoutSeconds: 1,
    });
    const e = await p.create(inputs).catch((x) => x);
    expect(e).toBeInstanceOf(PartialFailure);
    expect(e.id).toBe(`capsule:${SEED_IDS.capsule}:${a.id}`);
    expect(e.message).toMatch(/not ready after 1 s/);
    expect(e.properties).toMatchObject({ ready: false, __provider: PROVIDER, mount: "slowmount" });
    expect(await p.diff(e.id, e.properties, inputs)).toMatchObject({ changes: true, replaces: [] });
  } finally {
    restore();
    await slow.stop();
  }
});

it("replaces (deleting first) on a mount change; settings change nothing remote", async () => {
  const assetId = await readyAsset("m1");
  const inputs = await checked({ capsuleId: SEED_IDS.capsule, dataAssetId: assetId, mount: "one" });
  const { id, outs } = await p.create(inputs);
  expect(await p.diff(id, outs, { ...inputs, mount: "two" })).toEqual({
    changes: true,
    replaces: ["mount"],
    deleteBeforeReplace: true,
    diffs: ["mount"],
  });
  expect((await p.diff(id, outs, { ...inputs, mount: undefined })).changes).toBe(false);
  emu.current.admin.clearJournal();
  const updated = await p.update(
    id,
    outs,
    await checked({
      capsuleId: SEED_IDS.capsule,
      dataAssetId: assetId,
      mount: "one",
      readyTimeoutSeconds: 60,
    }),
  );
  expect(updated.outs.readyTimeoutSeconds).toBe(60);
  expect(emu.current.admin.journal()).toHaveLength(0);
});

it("read drops the attachment when the capsule or the asset is gone", async () => {
  const assetId = await readyAsset("gone");
  const { id, outs } = await p.create(
    await checked({ capsuleId: SEED_IDS.capsule2, dataAssetId: assetId }),
  );
  expect((await p.read(id, outs)).id).toBe(id);
  emu.current.admin.removeAsset(assetId);
  expect((await p.read(id, outs)).id).toBe("");
  const other = await readyAsset("gone2");
  const second = await p.create(
    await checked({ capsuleId: SEED_IDS.capsule2, dataAssetId: other }),
  );
  emu.current.admin.removeCapsule(SEED_IDS.capsule2);
  expect((await p.read(second.id, second.outs)).id).toBe("");
  await p.delete(second.id); // the capsule is gone: nothing to detach
});

it("50 concurrent attachments to one capsule succeed with a handful of attach calls", async () => {
  const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => readyAsset(`bulk${i}`)));
  emu.current.admin.clearJournal();
  const before = runtime().attachStats.attachCalls;
  const inputs = await Promise.all(
    ids.map((dataAssetId) => checked({ capsuleId: SEED_IDS.capsule, dataAssetId })),
  );
  const results = await Promise.all(inputs.map((i) => p.create(i)));
  expect(results.every((r) => r.outs.ready === true)).toBe(true);
  expect(emu.current.admin.attachments()).toHaveLength(50);
  const calls = emu.current.admin.counts()["POST /capsules/:id/data_assets"];
  expect(calls).toBe(runtime().attachStats.attachCalls - before);
  expect(calls).toBeLessThanOrEqual(5);
  emu.current.admin.clearJournal();
  await Promise.all(results.map((r) => p.delete(r.id)));
  expect(emu.current.admin.attachments()).toHaveLength(0);
  expect(emu.current.admin.counts()["DELETE /capsules/:id/data_assets"]).toBeLessThanOrEqual(5);
});

it("one bad asset in a batch does not fail the others", async () => {
  const good = await readyAsset("good");
  const missing = "00000000-0000-4000-8000-000000000000";
  const [ok, bad] = await Promise.allSettled([
    p.create(await checked({ capsuleId: SEED_IDS.capsule, dataAssetId: good })),
    p.create(await checked({ capsuleId: SEED_IDS.capsule, dataAssetId: missing })),
  ]);
  expect(ok.status).toBe("fulfilled");
  expect(bad.status).toBe("rejected");
  expect(String((bad as PromiseRejectedResult).reason)).toMatch(/404/);
});
