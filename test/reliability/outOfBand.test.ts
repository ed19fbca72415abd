/**
 * Out-of-band changes: someone changes Code Ocean behind Pulumi's back (web UI, a script,
 * an admin). Each case runs what Pulumi would run next — refresh (read), preview (diff),
 * up (update, or create + delete for a replacement), destroy (delete) — against the changed
 * emulator and asserts the outcome, quickly: nothing crashes and nothing hangs.
 */
import { NotFoundError } from "../../provider/core/api/errors";
import { capsuleAttachmentProvider as ca, dataAssetProvider as da } from "../helpers/runtime";
import { PartialFailure } from "../../provider/resources/partialFailure";
import {
  SEED_IDS,
  configureProviderEnv,
  eventually,
  fastClient,
  useEmulator,
} from "../helpers/emulator";
import { PROVIDER, Props, declaredAsset, freshProviderState, invariantViolations } from "./helpers";

jest.setTimeout(30_000);

const emu = useEmulator({ readyAfterMs: 30, attachReadyAfterMs: 30 });
const admin = () => emu.current.admin;
let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = configureProviderEnv(emu.current, { CODEOCEAN_MIN_POLL_INTERVAL_SECONDS: "0.05" });
});
afterAll(() => restoreEnv());
beforeEach(() => {
  admin().reset();
  freshProviderState();
});

/** Fails instead of hanging: every step here should take well under a second. */
async function quick<T>(step: string, work: Promise<T>, budgetMs = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new Error(`${step} took more than ${budgetMs} ms`)), budgetMs);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e as Error,
  );

async function checked(news: Props, olds: Props = {}) {
  const r = await da.check(olds, news);
  expect(r.failures).toEqual([]);
  return r.inputs;
}

async function live(name: string, overrides: Props = {}) {
  const inputs = await checked(declaredAsset(name, overrides));
  const { id, outs } = await da.create(inputs);
  return { id, inputs, outs: { ...outs, __provider: PROVIDER } as Props };
}

describe("data asset", () => {
  it("deleted: refresh drops it, up reports 404 with the way out, destroy succeeds", async () => {
    const a = await live("deleted");
    const kept = await live("deleted-keep", { onDelete: "delete" });
    admin().removeAsset(a.id);
    admin().removeAsset(kept.id);

    expect(await quick("refresh", da.read(a.id, a.outs))).toEqual({ id: "", props: {} });
    // Without a refresh, preview sees no change and a metadata change fails clearly.
    expect((await quick("diff", da.diff(a.id, a.outs, a.inputs))).changes).toBe(false);
    const news = await checked(declaredAsset("deleted", { description: "new" }), a.inputs);
    expect((await quick("diff", da.diff(a.id, a.outs, news))).changes).toBe(true);
    const e = await quick("update", failure(da.update(a.id, a.outs, news)));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.message).toMatch(
      /HTTP 404: data asset .* not found.*`pulumi refresh` confirms that \(it looks twice, seconds apart\) and drops it/,
    );

    await quick("destroy (archive)", da.delete(a.id, a.outs));
    await quick("destroy (delete)", da.delete(kept.id, kept.outs));
    await quick("destroy (retain)", da.delete(a.id, { ...a.outs, onDelete: "retain" }));
    expect(admin().assets()).toEqual([]);
  });

  it("deleted while create waits for it: a partial failure at once, then refresh drops it", async () => {
    admin().addOutcome({ match: { name: "vanishing" }, outcome: { kind: "draft" } });
    const inputs = await checked(declaredAsset("vanishing", { readyTimeoutSeconds: 600 }));
    const creating = da.create(inputs).catch((x: unknown) => x);
    const asset = await eventually(() =>
      admin()
        .journal()
        .find((j) => j.route === "GET /data_assets/:id")
        ? admin().assets()[0]
        : undefined,
    );
    admin().removeAsset(asset.id);
    const e = (await quick("create", creating)) as PartialFailure;
    expect(e).toBeInstanceOf(PartialFailure);
    expect(e.id).toBe(asset.id);
    expect(e.message).toMatch(/HTTP 404/);
    expect(e.properties).toMatchObject({ __provider: PROVIDER, state: "draft" });
    expect((await quick("refresh", da.read(e.id, e.properties))).id).toBe("");
  });

  it("archived: refresh shows it, the next up unarchives it, destroy works either way", async () => {
    const a = await live("archived", { onDelete: "delete" });
    admin().updateAsset(a.id, { archived: true });

    const read = await quick("refresh", da.read(a.id, a.outs));
    expect(read.props).toMatchObject({ archived: true, state: "ready" });
    expect(await quick("diff", da.diff(a.id, read.props, a.inputs))).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
      diffs: ["archived"],
    });
    const up = await quick("update", da.update(a.id, read.props, a.inputs));
    expect(up.outs.archived).toBe(false);
    expect(admin().asset(a.id)?.archived).toBe(false);
    expect((await quick("diff", da.diff(a.id, up.outs, a.inputs))).changes).toBe(false);

    // Archived again, then destroyed without a refresh in between: archive is idempotent.
    admin().updateAsset(a.id, { archived: true });
    await quick("destroy", da.delete(a.id, up.outs));
    expect(admin().asset(a.id)).toBeUndefined();
  });

  it("renamed (and archived): refresh reports the drift, up renames it back in place", async () => {
    const a = await live("renamed");
    admin().updateAsset(a.id, { name: 'Renamed "by hand" in the web UI', archived: true });

    const read = await quick("refresh", da.read(a.id, a.outs));
    expect(read.inputs).toMatchObject({ name: 'Renamed "by hand" in the web UI' });
    expect(read.props).toMatchObject({ name: 'Renamed "by hand" in the web UI', archived: true });
    const diff = await quick("diff", da.diff(a.id, read.props, a.inputs));
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    const up = await quick("update", da.update(a.id, read.props, a.inputs));
    expect(up.outs).toMatchObject({ name: "renamed", archived: false });
    expect(admin().asset(a.id)).toMatchObject({ name: "renamed", archived: false });
  });

  it("metadata edited: refresh reports it, up restores the declared values with one PUT", async () => {
    const a = await live("edited", {
      description: "declared",
      tags: ["declared"],
      customMetadata: { "subject id": "S-001", replicates: 3 },
    });
    admin().updateAsset(a.id, {
      description: "edited by hand",
      tags: ["edited", "by-hand"],
      mount: "edited_mount",
      custom_metadata: { "subject id": "S-999", modality: "imaging" },
    });

    const read = await quick("refresh", da.read(a.id, a.outs));
    expect(read.inputs).toMatchObject({
      description: "edited by hand",
      tags: ["edited", "by-hand"],
      mount: "edited_mount",
      customMetadata: { "subject id": "S-999", modality: "imaging" },
    });
    expect(await quick("diff", da.diff(a.id, read.props, a.inputs))).toMatchObject({
      changes: true,
      replaces: [],
    });
    admin().clearJournal();
    await quick("update", da.update(a.id, read.props, a.inputs));
    expect(admin().counts()).toEqual({ "PUT /data_assets/:id": 1 });
    expect(admin().asset(a.id)).toMatchObject({
      description: "declared",
      tags: ["declared"],
      mount: "edited",
      custom_metadata: { "subject id": "S-001", replicates: 3 },
    });
  });

  it("turned failed after ready: refresh shows why, up replaces it, the old one is archived", async () => {
    const a = await live("turned-failed");
    admin().updateAsset(a.id, { state: "failed", failure_reason: "bucket acme-rna-reads deleted" });

    const read = await quick("refresh", da.read(a.id, a.outs));
    expect(read.props).toMatchObject({
      state: "failed",
      failureReason: "bucket acme-rna-reads deleted",
    });
    expect(await quick("diff", da.diff(a.id, read.props, a.inputs))).toEqual({
      changes: true,
      replaces: ["state"],
      deleteBeforeReplace: false,
      diffs: ["state"],
    });
    // The engine's replacement: create the new one, then delete the old one.
    const replacement = await quick("create", da.create(a.inputs));
    await quick("delete", da.delete(a.id, read.props));
    expect(admin().asset(a.id)).toMatchObject({ archived: true, state: "failed" });
    expect(admin().asset(replacement.id)).toMatchObject({ archived: false, state: "ready" });
    expect(invariantViolations(emu.current, { assets: new Set([replacement.id]) })).toEqual([]);
  });

  it("back in draft after ready: the next up waits within its timeout, then records it", async () => {
    const a = await live("back-to-draft", { readyTimeoutSeconds: 1 });
    admin().updateAsset(a.id, { state: "draft" });
    const read = await quick("refresh", da.read(a.id, a.outs));
    expect(read.props.state).toBe("draft");
    expect((await quick("diff", da.diff(a.id, read.props, a.inputs))).changes).toBe(true);
    const e = (await quick(
      "update",
      failure(da.update(a.id, read.props, a.inputs)),
    )) as PartialFailure;
    expect(e).toBeInstanceOf(PartialFailure);
    expect(e.id).toBe(a.id);
    expect(e.message).toMatch(/still in state draft after 1 s/);
    // Ready again later: the following up finishes.
    admin().updateAsset(a.id, { state: "ready" });
    const up = await quick("update", da.update(a.id, e.properties, a.inputs));
    expect(up.outs.state).toBe("ready");
  });
});

describe("capsule attachments", () => {
  async function attached(capsuleId: string, name: string) {
    const a = await live(name);
    const { inputs, failures } = await ca.check(
      {},
      { __provider: PROVIDER, capsuleId, dataAssetId: a.id },
    );
    expect(failures).toEqual([]);
    const r = await ca.create(inputs);
    return { asset: a, id: r.id, outs: r.outs, inputs };
  }

  it("capsule deleted with attachments: refresh drops them, destroy succeeds, a new attach fails clearly", async () => {
    const one = await attached(SEED_IDS.capsule2, "att-one");
    const two = await attached(SEED_IDS.capsule2, "att-two");
    admin().removeCapsule(SEED_IDS.capsule2);
    expect(admin().attachments()).toEqual([]);

    for (const att of [one, two])
      expect(await quick("refresh", ca.read(att.id, att.outs))).toEqual({ id: "", props: {} });
    // Destroy without a refresh: the detach meets a 404 for the capsule, which means done.
    await quick("destroy", Promise.all([ca.delete(one.id), ca.delete(two.id)]));

    const e = await quick("create", failure(ca.create(one.inputs)));
    expect(e.message).toMatch(/HTTP 404: capsule .* not found/);
    expect(admin().attachments()).toEqual([]);
  });

  it("pipeline deleted: refresh drops the attachment, destroy succeeds", async () => {
    const a = await live("pipe-asset");
    const { inputs } = await ca.check(
      {},
      { __provider: PROVIDER, pipelineId: SEED_IDS.pipeline, dataAssetId: a.id },
    );
    const att = await ca.create(inputs);
    admin().removePipeline(SEED_IDS.pipeline);
    expect((await quick("refresh", ca.read(att.id, att.outs))).id).toBe("");
    await quick("destroy", ca.delete(att.id));
  });

  it("attached asset deleted: refresh drops the attachment, destroy succeeds", async () => {
    const att = await attached(SEED_IDS.capsule, "att-asset-gone");
    admin().removeAsset(att.asset.id);
    expect((await quick("refresh", ca.read(att.id, att.outs))).id).toBe("");
    await quick("destroy", ca.delete(att.id));
    await quick("destroy asset", da.delete(att.asset.id, att.asset.outs));
  });

  it("detached by hand: refresh sees it by capsule search (confirmed) and drops it; destroy still succeeds", async () => {
    const att = await attached(SEED_IDS.capsule, "att-detached");
    const c = fastClient(emu.current);
    await c.detachDataAssets("capsule", SEED_IDS.capsule, [att.asset.id]);
    c.close();
    expect(admin().attachments()).toEqual([]);
    admin().clearJournal();
    expect((await quick("refresh", ca.read(att.id, att.outs))).id).toBe("");
    // Not listed once, then a second look (live and archived capsules) confirms it.
    expect(admin().counts()["POST /capsules/search"]).toBe(3);
    await quick("destroy", ca.delete(att.id));
  });

  it("attached still: refresh keeps it with one capsule search", async () => {
    const att = await attached(SEED_IDS.capsule, "att-kept");
    admin().clearJournal();
    expect((await quick("refresh", ca.read(att.id, att.outs))).id).toBe(att.id);
    expect(admin().counts()).toEqual({ "POST /capsules/search": 1 });
    await quick("destroy", ca.delete(att.id));
  });
});
