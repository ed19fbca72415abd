/**
 * CapsuleAttachment through each face over gRPC: the real dynamic-provider host and the
 * native plugin. The same assertions hold for both; where a face differs, the test says so.
 */
import { DIFF, HostCallError } from "../helpers/host";
import { expectFaceFields, FACES, FaceHost } from "../helpers/faces";
import { SEED_IDS, TOKEN, eventually, fastClient, useEmulator } from "../helpers/emulator";

const emu = useEmulator({ readyAfterMs: 20, attachReadyAfterMs: 150 });
const T = "CapsuleAttachment";
beforeEach(() => emu.current.admin.reset());

async function readyAsset(name: string): Promise<string> {
  const c = fastClient(emu.current);
  const a = await c.createDataAsset({
    name,
    mount: name,
    tags: [],
    source: { aws: { bucket: "acme-reads" } },
  });
  await eventually(() => emu.current.admin.asset(a.id)?.state === "ready");
  c.close();
  return a.id;
}

describe.each(FACES)("the $name face", (face) => {
  let host: FaceHost;

  beforeAll(async () => {
    host = await face.start();
    await host.configure({
      "codeocean:domain": emu.current.url,
      "codeocean:token": TOKEN,
      "codeocean:minPollIntervalSeconds": "0.1",
    });
  });
  afterAll(async () => {
    await host?.stop();
  });

  async function attach(news: Record<string, unknown>) {
    const { inputs, failures } = await host.check(T, {}, host.declare(T, news));
    expect(failures).toEqual([]);
    return { inputs, ...(await host.create(T, inputs)) };
  }

  it("keeps the configuration out of what the engine stores", async () => {
    const { inputs } = await host.check(
      T,
      {},
      host.declare(T, { capsuleId: SEED_IDS.capsule, dataAssetId: SEED_IDS.capsule }),
    );
    expect(JSON.stringify(inputs)).not.toContain(TOKEN);
    if (face.name === "dynamic") {
      // Only the dynamic face stores code: the serialized provider.
      const provider = host.provider(T)!;
      expect(inputs.__provider).toBe(provider);
      expect(provider.length).toBeLessThanOrEqual(4096);
      expect(provider).not.toContain(TOKEN);
    } else {
      expect(inputs).not.toHaveProperty("__provider");
    }
  });

  it("check fails both and neither target ids, and bad ids, before any call", async () => {
    const both = await host.check(
      T,
      {},
      host.declare(T, {
        capsuleId: SEED_IDS.capsule,
        pipelineId: SEED_IDS.pipeline,
        dataAssetId: SEED_IDS.capsule,
      }),
    );
    expect(both.failures.map((f) => f.property)).toEqual(["pipelineId"]);
    const neither = await host.check(
      T,
      {},
      host.declare(T, { dataAssetId: "not-an-id", mount: "../x" }),
    );
    expect(neither.failures.map((f) => f.property).sort()).toEqual([
      "capsuleId",
      "dataAssetId",
      "mount",
    ]);
    expect(emu.current.admin.journal()).toHaveLength(0);
  });

  it("attaches to a capsule and to a pipeline, waits for ready, detaches on delete", async () => {
    const assetId = await readyAsset("reads");
    const cap = await attach({ capsuleId: SEED_IDS.capsule, dataAssetId: assetId, mount: "rna" });
    expect(cap.id).toBe(`capsule:${SEED_IDS.capsule}:${assetId}`);
    expect(cap.properties).toMatchObject({ ready: true, mount: "rna", targetKind: "capsule" });
    expectFaceFields(host, T, cap.properties);
    const pipe = await attach({ pipelineId: SEED_IDS.pipeline, dataAssetId: assetId });
    expect(pipe.properties).toMatchObject({ ready: true, mount: "reads", targetKind: "pipeline" });
    expect(emu.current.admin.attachments()).toHaveLength(2);

    const diff = await host.diff(T, cap.id, cap.properties, { ...cap.inputs, mount: "rna2" });
    expect(diff).toMatchObject({
      changes: DIFF.SOME,
      replaces: ["mount"],
      deleteBeforeReplace: true,
    });
    // The dynamic host drops the changed keys a provider reports; the plugin sends them on.
    expect(diff.diffs).toEqual(face.name === "plugin" ? ["mount"] : []);

    await host.delete(T, cap.id, cap.properties);
    await host.delete(T, pipe.id, pipe.properties);
    await host.delete(T, pipe.id, pipe.properties);
    expect(emu.current.admin.attachments()).toHaveLength(0);
  });

  it("read returns an empty id once the capsule is gone", async () => {
    const assetId = await readyAsset("r2");
    const a = await attach({ capsuleId: SEED_IDS.capsule2, dataAssetId: assetId });
    emu.current.admin.removeCapsule(SEED_IDS.capsule2);
    expect((await host.read(T, a.id, a.properties)).id).toBe("");
  });

  it("a mount timeout arrives as ErrorResourceInitFailed with the attachment id", async () => {
    const assetId = await readyAsset("timeout");
    const slow = emu.current.admin;
    const { inputs } = await host.check(
      T,
      {},
      host.declare(T, {
        capsuleId: SEED_IDS.capsule,
        dataAssetId: assetId,
        readyTimeoutSeconds: 1,
      }),
    );
    // Each attach answer takes 1.5 s, so the 1 s deadline passes while the mount is not ready.
    slow.setFaults([
      { route: "POST /capsules/:id/data_assets", kind: "latency", latencyMs: 1_500 },
    ]);
    const e = await host.create(T, inputs).catch((x) => x);
    slow.clearFaults();
    if (e instanceof HostCallError) {
      expect(e.initFailed?.id).toBe(`capsule:${SEED_IDS.capsule}:${assetId}`);
      expect(e.initFailed?.properties).toMatchObject({ ready: false });
      expectFaceFields(host, T, e.initFailed!.properties);
    } else {
      throw new Error(`expected a partial failure, got ${JSON.stringify(e)}`);
    }
  });

  it("50 concurrent attachments to one capsule all succeed, in a handful of attach calls", async () => {
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => readyAsset(`bulk${i}`)));
    emu.current.admin.clearJournal();
    const results = await Promise.all(
      ids.map((dataAssetId) => attach({ capsuleId: SEED_IDS.capsule, dataAssetId })),
    );
    expect(results.every((r) => r.properties.ready === true)).toBe(true);
    expect(emu.current.admin.attachments()).toHaveLength(50);
    expect(emu.current.admin.counts()["POST /capsules/:id/data_assets"]).toBeLessThanOrEqual(5);
  });

  it("never prints the token", () => {
    expect(host.output()).not.toContain(TOKEN);
  });
});
