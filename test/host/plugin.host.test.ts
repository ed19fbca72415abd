/**
 * What only the native plugin face does, through bin/pulumi-resource-codeocean over gRPC as
 * the engine drives it: `pulumi import` (a read by id with empty properties and no inputs),
 * the engine's Cancel during a create that waits for an import, and the create that the next
 * run makes of the same declaration afterwards. (customTimeouts, which only this face receives,
 * are covered face by face in dataAsset.host.test.ts.) The dynamic face has none of these: its
 * host needs the stored `__provider` to run anything, so an import has nothing to run, and
 * its Cancel does nothing. And the warnings, which this face sends to the engine's Log service
 * on the resource's URN (the engine shows a resource plugin's stderr only with --debug).
 */
import * as grpc from "@grpc/grpc-js";
import { DIFF, HostCallError } from "../helpers/host";
import { FaceHost, PLUGIN, PLUGIN_NAMING } from "../helpers/faces";
import { FakeEngine, startFakeEngine } from "../helpers/fakeEngine";
import { SEED_IDS, TOKEN, eventually, fastClient, useEmulator } from "../helpers/emulator";

const emu = useEmulator({ readyAfterMs: 50, attachReadyAfterMs: 50 });
const admin = () => emu.current.admin;
beforeEach(() => admin().reset());

const hosts: FaceHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.stop();
});

async function plugin(
  config: Record<string, string> = {},
  engineAddress?: string,
): Promise<FaceHost> {
  const host = await PLUGIN.start({ engineAddress });
  hosts.push(host);
  await host.configure({
    "codeocean:domain": emu.current.url,
    "codeocean:token": TOKEN,
    "codeocean:minPollIntervalSeconds": "0.05",
    ...config,
  });
  return host;
}

async function readyAsset(name: string): Promise<string> {
  const c = fastClient(emu.current);
  const a = await c.createDataAsset({
    name,
    mount: name,
    description: "made by hand",
    tags: ["hand"],
    source: { aws: { bucket: "acme-reads", prefix: "by-hand/" } },
  });
  await eventually(() => admin().asset(a.id)?.state === "ready");
  c.close();
  return a.id;
}

describe("import: a read by id with empty properties and no inputs", () => {
  it("DataAsset: the asset's outputs and inputs that declare it adopted, with no diff after", async () => {
    const id = await readyAsset("by-hand");
    const host = await plugin();
    admin().clearJournal();
    const found = await host.read("DataAsset", id, {});
    expect(found.id).toBe(id);
    expect(found.properties).toMatchObject({
      name: "by-hand",
      mount: "by-hand",
      description: "made by hand",
      tags: ["hand"],
      state: "ready",
      adoptExistingId: id,
      sourceBucket: { origin: "aws", bucket: "acme-reads" },
    });
    expect(found.inputs).toMatchObject({
      name: "by-hand",
      mount: "by-hand",
      description: "made by hand",
      tags: ["hand"],
      adoptExistingId: id,
    });
    expect(found.properties).not.toHaveProperty("__provider");
    // Nothing but reads (searches are POSTs).
    const writes = admin()
      .journal()
      .map((e) => e.route)
      .filter((r) => !r.startsWith("GET ") && !r.endsWith("/search"));
    expect(writes).toEqual([]);
    // What `pulumi import` then checks: the written inputs pass check and diff to nothing.
    const checked = await host.check("DataAsset", {}, found.inputs);
    expect(checked.failures).toEqual([]);
    const diff = await host.diff("DataAsset", id, found.properties, checked.inputs);
    expect(diff.changes).toBe(DIFF.NONE);
  });

  it("CapsuleAttachment: the attachment's outputs and inputs, with no diff after", async () => {
    const assetId = await readyAsset("attached");
    const host = await plugin();
    // At the asset's own mount: Code Ocean has no read of an attachment's mount, so an import
    // reports the asset's own. (An attachment made at another mount is imported with the
    // asset's mount, which is then wrong in the state: a gap this suite does not cover.)
    const { inputs } = await host.check(
      "CapsuleAttachment",
      {},
      { capsuleId: SEED_IDS.capsule, dataAssetId: assetId },
    );
    const { id } = await host.create("CapsuleAttachment", inputs);
    // A second process, as `pulumi import` starts, that has never seen the attachment.
    const importer = await plugin();
    const found = await importer.read("CapsuleAttachment", id, {});
    expect(found.id).toBe(id);
    expect(found.properties).toMatchObject({
      capsuleId: SEED_IDS.capsule,
      dataAssetId: assetId,
      mount: "attached",
      targetKind: "capsule",
      ready: true,
    });
    expect(found.inputs).toMatchObject({ capsuleId: SEED_IDS.capsule, dataAssetId: assetId });
    expect(found.properties).not.toHaveProperty("__provider");
    const checked = await importer.check("CapsuleAttachment", {}, found.inputs);
    expect(checked.failures).toEqual([]);
    const diff = await importer.diff("CapsuleAttachment", id, found.properties, checked.inputs);
    expect(diff.changes).toBe(DIFF.NONE);
  });

  it("an id that does not exist fails the import, naming it", async () => {
    const host = await plugin();
    const missing = "0f0e0d0c-0b0a-4908-8706-050403020100";
    const e = await host.read("DataAsset", missing, {}).catch((x) => x);
    expect(e).toBeInstanceOf(HostCallError);
    expect(e.message).toContain(missing);
    const attachment = `capsule:${SEED_IDS.capsule}:${missing}`;
    const a = await host.read("CapsuleAttachment", attachment, {}).catch((x) => x);
    expect(a).toBeInstanceOf(HostCallError);
    expect(a.message).toContain(attachment);
  });
});

describe("the engine's Cancel", () => {
  const declared = {
    name: "slow import",
    mount: "slow",
    tags: ["cancel"],
    source: { aws: { bucket: "acme-rna-reads", prefix: "runs/", keepOnExternalStorage: true } },
  };

  /** A create through `host` that is waiting for an import Code Ocean never finishes. */
  async function waitingCreate(host: FaceHost) {
    admin().addOutcome({ match: { name: declared.name }, outcome: { kind: "draft" } });
    const { inputs, failures } = await host.check("DataAsset", {}, declared);
    expect(failures).toEqual([]);
    const creating = host.create("DataAsset", inputs).catch((x: unknown) => x);
    // Waiting: posted, and looked at once (the wait then sleeps until its next look).
    const polled = () =>
      admin()
        .journal()
        .filter((e) => e.route === "GET /data_assets/:id" && e.status === 200).length;
    await eventually(() => polled() >= 1);
    const asset = admin().assets()[0];
    expect(asset.state).toBe("draft");
    return { creating, asset };
  }

  it("stops a create waiting for an importing asset promptly, recording the asset; the next run takes it over", async () => {
    // Polls at least 2 s apart (the default), so a prompt answer is the sleep cut short.
    const host = await plugin({ "codeocean:minPollIntervalSeconds": "2" });
    const { creating, asset } = await waitingCreate(host);

    const t0 = Date.now();
    await host.cancel();
    const e = await creating;
    const cancelMs = Date.now() - t0;
    expect(cancelMs).toBeLessThan(2_000);
    expect(e).toBeInstanceOf(HostCallError);
    expect((e as HostCallError).message).toMatch(/cancelled the operation/);
    // A partial failure: the engine records the asset's id even so.
    expect((e as HostCallError).initFailed).toMatchObject({
      id: asset.id,
      properties: { state: "draft", name: declared.name },
    });

    // Cancel is final for the process: the next call is refused at once, nothing posted.
    const later = await host.check("DataAsset", {}, declared).catch((x) => x);
    expect(later).toBeInstanceOf(HostCallError);
    expect(later.code).toBe(grpc.status.CANCELLED);
    expect(later.message).toMatch(/not started: cancelled by the Pulumi engine/);

    // Should the engine not have recorded it (killed before it could), the next run's create
    // of the same declaration, in a new plugin process, finds the asset instead of posting
    // another. Its import has finished meanwhile.
    admin().updateAsset(asset.id, { state: "ready" });
    admin().clearJournal();
    const next = await plugin();
    const again = await next.check("DataAsset", {}, declared);
    const created = await next.create("DataAsset", again.inputs);
    expect(created.id).toBe(asset.id);
    expect(created.properties).toMatchObject({ state: "ready", name: declared.name });
    expect(admin().assets()).toHaveLength(1);
    expect(admin().counts()["POST /data_assets"]).toBeUndefined();
    // Its warning names the asset (on stderr: this test's plugin has no engine to log to).
    await eventually(() => next.output().includes(asset.id));
  });

  /**
   * Cancel also stops the HTTP request a poll has in flight (a GET; a write already sent is
   * left to finish) and the client's retry backoff — not only the wait's sleeps. Without
   * that, a create whose look at the asset is slow answered Cancel only when the look
   * returned: here 5 s later, in general up to requestTimeoutSeconds (30 s) per attempt.
   */
  it("stops a create whose look at the asset is slow, promptly", async () => {
    const host = await plugin();
    const { creating } = await waitingCreate(host);
    // Code Ocean now answers each look 5 s late; cancel once one is in flight.
    admin().setFaults([{ route: "GET /data_assets/:id", kind: "latency", latencyMs: 5_000 }]);
    const looks = () =>
      admin()
        .journal()
        .filter((e) => e.route === "GET /data_assets/:id").length;
    const before = looks();
    await eventually(() => looks() > before, 5_000, 5);
    const t0 = Date.now();
    await host.cancel();
    const e = await creating;
    const cancelMs = Date.now() - t0;
    admin().clearFaults();
    expect(e).toBeInstanceOf(HostCallError);
    expect((e as HostCallError).message).toMatch(/cancelled the operation/);
    expect(cancelMs).toBeLessThan(2_000);
  });
});

describe("warnings: to the engine's Log service, on the URN of the resource they are about", () => {
  let engine: FakeEngine;
  beforeEach(async () => {
    engine = await startFakeEngine();
  });
  afterEach(() => engine.stop());

  /** An asset attached to the seeded capsule by someone else (another stack, the web UI). */
  async function attachedByHand(name: string): Promise<string> {
    const assetId = await readyAsset(name);
    const c = fastClient(emu.current);
    await c.attachDataAssets("capsule", SEED_IDS.capsule, [{ id: assetId }]);
    c.close();
    return assetId;
  }

  it("an attachment found attached already: a WARNING on its URN at create and at delete, nothing on stderr", async () => {
    const assetId = await attachedByHand("found");
    const host = await plugin({}, engine.address);
    const declared = { capsuleId: SEED_IDS.capsule, dataAssetId: assetId };
    const { inputs } = await host.check("CapsuleAttachment", {}, declared);
    const created = await host.create("CapsuleAttachment", inputs);
    expect(created.properties.foundAttached).toBe(true);
    await eventually(() => engine.logs.length === 1);
    const urn = PLUGIN_NAMING.urn("CapsuleAttachment");
    expect(engine.logs).toEqual([
      {
        severity: "WARNING",
        message: expect.stringContaining(
          `data asset ${assetId} was already attached to capsule ${SEED_IDS.capsule} before this stack attached it`,
        ),
        urn,
        ephemeral: false,
      },
    ]);

    await host.delete("CapsuleAttachment", created.id, created.properties);
    await eventually(() => engine.logs.length === 2);
    expect(engine.logs[1]).toEqual({
      severity: "WARNING",
      message: expect.stringContaining(`left data asset ${assetId} attached to capsule`),
      urn,
      ephemeral: false,
    });
    expect(
      admin()
        .attachments()
        .filter((a) => a.assetId === assetId),
    ).toHaveLength(1);
    expect(host.output()).toBe("");
  });

  it("a take-over of an interrupted run's asset: a WARNING on the asset's URN, the token redacted", async () => {
    // The name quotes the token (a careless declaration): the warning, which quotes the name,
    // must not carry it to the engine.
    const declared = {
      name: `run ${TOKEN}`,
      mount: "leftover",
      source: { aws: { bucket: "acme-reads", prefix: "left/" } },
    };
    const c = fastClient(emu.current);
    const left = await c.createDataAsset(declared);
    c.close();
    await eventually(() => admin().asset(left.id)?.state === "ready");
    const host = await plugin({}, engine.address);
    const { inputs, failures } = await host.check("DataAsset", {}, declared);
    expect(failures).toEqual([]);
    const created = await host.create("DataAsset", inputs);
    expect(created.id).toBe(left.id);
    await eventually(() => engine.logs.length === 1);
    const [log] = engine.logs;
    expect(log).toMatchObject({
      severity: "WARNING",
      urn: PLUGIN_NAMING.urn("DataAsset"),
      ephemeral: false,
    });
    expect(log.message).toContain(`taking over data asset "run ***" (id ${left.id}`);
    expect(log.message).not.toContain(TOKEN);
    expect(host.output()).toBe("");
  });

  it("when the engine does not take them (gone, or never there), on stderr instead, redacted", async () => {
    const assetId = await attachedByHand("no engine");
    await engine.stop();
    const host = await plugin({}, engine.address);
    const { inputs } = await host.check(
      "CapsuleAttachment",
      {},
      { capsuleId: SEED_IDS.capsule, dataAssetId: assetId },
    );
    const created = await host.create("CapsuleAttachment", inputs);
    expect(created.properties.foundAttached).toBe(true);
    await eventually(() => host.output().includes(`data asset ${assetId} was already attached`));
    expect(engine.logs).toEqual([]);
    expect(host.output()).not.toContain(TOKEN);
  });
});
