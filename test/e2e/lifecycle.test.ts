/**
 * The product through the real Pulumi engine: preview, up, a second up with no change,
 * in-place updates and replacements, drift and out-of-band deletion with refresh, a failed
 * asset, a readiness timeout, destroy, and the state file's secrets.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { CapsuleAttachmentArgs, DataAssetArgs } from "pulumi-codeocean";
import { RunningEmulator, SEED_IDS, startEmulator, DEFAULT_EMULATOR_TOKEN } from "../../emulator";
import { TestStack, describeWithEngine, newStack, writeCalls } from "../helpers/engine";

// The package as a user installs it (the repo links itself as node_modules/pulumi-codeocean).
const codeocean: typeof import("pulumi-codeocean") = require("pulumi-codeocean");

const GCP_SECRET = "gcp-client-secret-do-not-store-7f3a";

type AttachmentSpec = Omit<CapsuleAttachmentArgs, "dataAssetId"> & { asset: string };
const spec: { assets: Record<string, DataAssetArgs>; attachments: Record<string, AttachmentSpec> } =
  {
    assets: {
      public: {
        name: "Public reference",
        mount: "reference",
        tags: ["genomics", "reference"],
        source: { aws: { bucket: "acme-public-references", prefix: "grch38/", public: true } },
      },
      private: {
        name: "Private reads",
        mount: "reads",
        description: "kept in our bucket",
        tags: ["rna"],
        customMetadata: { "subject id": "S-001", "collection date": 1676246400 },
        source: { aws: { bucket: "acme-rna-reads", prefix: "runs/", keepOnExternalStorage: true } },
        onDelete: "delete",
      },
      result: {
        name: "Alignment results",
        mount: "alignments",
        tags: ["results"],
        source: { computation: { id: SEED_IDS.computation } },
        target: { aws: { bucket: "acme-results", prefix: "alignments/" } },
      },
      imaging: {
        name: "Imaging from GCS",
        mount: "imaging",
        source: {
          gcp: {
            bucket: "acme-imaging",
            prefix: "scans/",
            clientId: "svc-123",
            clientSecret: GCP_SECRET,
          },
        },
      },
    },
    attachments: {
      "reads-on-capsule": { asset: "private", capsuleId: SEED_IDS.capsule, mount: "reads" },
      "result-on-pipeline": { asset: "result", pipelineId: SEED_IDS.pipeline },
    },
  };

async function program(): Promise<Record<string, unknown>> {
  const assets: Record<string, InstanceType<typeof codeocean.DataAsset>> = {};
  for (const [name, args] of Object.entries(spec.assets))
    assets[name] = new codeocean.DataAsset(name, args);
  for (const [name, { asset, ...args }] of Object.entries(spec.attachments)) {
    new codeocean.CapsuleAttachment(name, { ...args, dataAssetId: assets[asset].id });
  }
  const out: Record<string, pulumi.Output<unknown>> = {};
  for (const [name, a] of Object.entries(assets)) {
    out[`${name}Id`] = a.id;
    out[`${name}State`] = a.state;
    out[`${name}External`] = a.external;
  }
  return out;
}

describeWithEngine("DataAsset and CapsuleAttachment through the Pulumi engine", () => {
  let emu: RunningEmulator;
  let t: TestStack;
  const admin = () => emu.admin;
  const idOf = async (name: string) => (await t.stack.outputs())[`${name}Id`].value as string;
  // `exportStack` decrypts secrets (it runs `stack export --show-secrets`); what matters is
  // the state as stored, so the checks read the backend's files.
  const noSecrets = (text: string) => {
    expect({
      token: text.includes(DEFAULT_EMULATOR_TOKEN),
      gcpSecret: text.includes(GCP_SECRET),
    }).toEqual({
      token: false,
      gcpSecret: false,
    });
  };

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, readyAfterMs: 300, attachReadyAfterMs: 100 });
    t = await newStack("codeocean-e2e", program, emu);
  }, 120_000);

  afterAll(async () => {
    await t?.destroyAndCleanup().catch(() => undefined);
    await emu?.stop();
  }, 120_000);

  it("1. preview on an empty stack shows the creates and makes no write call", async () => {
    const preview = await t.stack.preview();
    expect(preview.changeSummary.create).toBe(7); // stack + 4 assets + 2 attachments
    expect(writeCalls(admin().counts())).toEqual({});
  });

  it("2. up creates every asset and attachment, all ready, outputs correct", async () => {
    admin().clearJournal();
    const up = await t.stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ create: 7 });
    const o = up.outputs;
    for (const name of ["public", "private", "result", "imaging"])
      expect(o[`${name}State`].value).toBe("ready");
    expect(o.privateExternal.value).toBe(true);
    expect(o.resultExternal.value).toBe(true);
    expect(o.publicExternal.value).toBe(false);
    expect(admin().assets()).toHaveLength(4);
    expect(admin().attachments()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          targetKind: "capsule",
          assetId: o.privateId.value,
          mount: "reads",
          ready: true,
        }),
        expect.objectContaining({
          targetKind: "pipeline",
          assetId: o.resultId.value,
          mount: "alignments",
          ready: true,
        }),
      ]),
    );
    expect(writeCalls(admin().counts())).toMatchObject({ "POST /data_assets": 4 });
    noSecrets(t.backendText());
  });

  it("3. a second up with no change makes no update and one API call (the credentials check)", async () => {
    admin().clearJournal();
    const up = await t.stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 7 });
    expect(admin().counts()).toEqual({ "GET /custom_metadata": 1 });
  });

  it("4. metadata changes update in place with one PUT each; a source change replaces", async () => {
    const oldPublic = await idOf("public");
    spec.assets.private = {
      ...spec.assets.private,
      description: "updated",
      tags: ["rna", "reads"],
      customMetadata: { "subject id": "S-002" },
    };
    spec.assets.public = {
      ...spec.assets.public,
      source: { aws: { bucket: "acme-public-references", prefix: "grch39/", public: true } },
    };
    admin().clearJournal();
    const up = await t.stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ update: 1, replace: 1, same: 5 });
    expect(writeCalls(admin().counts())).toEqual({
      "PUT /data_assets/:id": 1,
      "POST /data_assets": 1,
      "PATCH /data_assets/:id/archive": 1,
    });
    expect(admin().asset(await idOf("private"))).toMatchObject({
      description: "updated",
      tags: ["rna", "reads"],
    });
    const newPublic = await idOf("public");
    expect(newPublic).not.toBe(oldPublic);
    expect(admin().asset(oldPublic)?.archived).toBe(true);
    expect(admin().asset(newPublic)?.archived).toBe(false);
  });

  it("5. drift (a rename by hand) and an out-of-band deletion are handled by refresh and up", async () => {
    const privateId = await idOf("private");
    admin().updateAsset(privateId, { name: "Renamed in the web UI" });
    const refresh = await t.stack.refresh();
    expect(refresh.summary.resourceChanges?.update).toBe(1);
    const preview = await t.stack.preview();
    expect(preview.changeSummary.update).toBe(1);
    admin().clearJournal();
    await t.stack.up();
    expect(writeCalls(admin().counts())).toEqual({ "PUT /data_assets/:id": 1 });
    expect(admin().asset(privateId)?.name).toBe("Private reads");

    const resultId = await idOf("result");
    admin().removeAsset(resultId);
    await t.stack.refresh();
    const resources = (await t.stack.exportStack()).deployment.resources.map(
      (r: { urn: string }) => r.urn,
    );
    expect(resources.some((u: string) => u.endsWith("::result"))).toBe(false);
    expect(resources.some((u: string) => u.endsWith("::result-on-pipeline"))).toBe(false);
    const up = await t.stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ create: 2 });
    const recreated = await idOf("result");
    expect(recreated).not.toBe(resultId);
    expect(
      admin()
        .attachments()
        .some((a) => a.assetId === recreated),
    ).toBe(true);
    noSecrets(t.backendText());
  });

  it("6. a failed asset fails the up with its reason, stays in the state, and the next up replaces it", async () => {
    admin().addOutcome({
      match: { name: "Doomed" },
      outcome: { kind: "fail", reason: "AccessDenied: s3:GetObject on acme-doomed" },
      times: 1,
    });
    spec.assets.doomed = {
      name: "Doomed",
      mount: "doomed",
      source: { aws: { bucket: "acme-doomed" } },
    };
    await expect(t.stack.up()).rejects.toThrow(/AccessDenied: s3:GetObject on acme-doomed/);
    const state = await t.stack.exportStack();
    const doomed = state.deployment.resources.find((r: { urn: string }) =>
      r.urn.endsWith("::doomed"),
    );
    expect(doomed.initErrors?.[0]).toMatch(/AccessDenied/);
    const failedId = doomed.id as string;
    expect(admin().asset(failedId)?.state).toBe("failed");
    noSecrets(t.backendText());

    const up = await t.stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ replace: 1 });
    const doomedId = await idOf("doomed");
    expect(doomedId).not.toBe(failedId);
    expect(admin().asset(doomedId)?.state).toBe("ready");
    expect(admin().asset(failedId)?.archived).toBe(true);
    const live = admin()
      .assets()
      .filter((a) => a.name === "Doomed" && !a.archived);
    expect(live.map((a) => a.id)).toEqual([doomedId]);
  });

  it("7. a readiness timeout fails the up, keeps the asset, and the next up resumes", async () => {
    admin().addOutcome({ match: { name: "Slow" }, outcome: { kind: "draft" } });
    spec.assets.slow = {
      name: "Slow",
      mount: "slow",
      source: { aws: { bucket: "acme-slow" } },
      readyTimeoutSeconds: 2,
    };
    await expect(t.stack.up()).rejects.toThrow(/still in state draft after 2 s/);
    const slow = (await t.stack.exportStack()).deployment.resources.find((r: { urn: string }) =>
      r.urn.endsWith("::slow"),
    );
    expect(slow.id).toBeTruthy();
    admin().updateAsset(slow.id, { state: "ready" });
    const up = await t.stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(up.outputs.slowState.value).toBe("ready");
    expect(
      admin()
        .assets()
        .filter((a) => a.name === "Slow"),
    ).toHaveLength(1);
  });

  it("8. destroy archives (or deletes, per onDelete) and detaches", async () => {
    const privateId = await idOf("private");
    const all = await t.stack.outputs();
    const ids = Object.entries(all)
      .filter(([k]) => k.endsWith("Id"))
      .map(([, v]) => v.value as string);
    await t.stack.destroy();
    expect(admin().attachments()).toHaveLength(0);
    expect(admin().asset(privateId)).toBeUndefined();
    for (const id of ids.filter((i) => i !== privateId))
      expect(admin().asset(id)?.archived).toBe(true);
    expect(
      admin()
        .assets()
        .filter((a) => !a.archived),
    ).toEqual([]);
  });

  it("9. the state on disk never held the token or the GCP client secret in plaintext", () => {
    noSecrets(t.backendText());
  });
});
