/**
 * DataAsset's newer capabilities through the real Pulumi engine, one case each: archiving in
 * place, owned sharing with drift, combined assets, custom S3 endpoints, results imported
 * with provenance, and a program-side lookup feeding a CapsuleAttachment. One stack holds
 * the assets (its program reads `spec`, which the cases change); the lookup has its own.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PreviewResult, UpResult } from "@pulumi/pulumi/automation";
import type { DataAssetArgs } from "pulumi-codeocean";
import {
  type AttachmentInfo,
  EMULATOR_USER,
  type EmulatorAsset,
  RunningEmulator,
  SEED_IDS,
  startEmulator,
  type JournalEntry,
} from "../../emulator";
import { fastClient } from "../helpers/emulator";
import { TestStack, describeWithEngine, newStack, writeCalls } from "../helpers/engine";

// The package as a user installs it (the repo links itself as node_modules/pulumi-codeocean).
const codeocean: typeof import("pulumi-codeocean") = require("pulumi-codeocean");

const SHARED_PERMISSIONS = {
  users: [{ email: "ana@acme.org", role: "editor" as const }],
  groups: [{ group: "genomics", role: "viewer" as const }],
  everyone: "discoverable" as const,
};

/** The assets of the main stack; `combined` is built from `partA` and `partB`. */
const spec: { assets: Record<string, DataAssetArgs>; combine: boolean } = {
  combine: true,
  assets: {
    archivable: {
      name: "Archivable",
      mount: "archivable",
      source: { aws: { bucket: "acme-archivable" } },
      archived: false,
    },
    shared: {
      name: "Shared reference",
      mount: "shared",
      source: { aws: { bucket: "acme-shared", keepOnExternalStorage: true } },
      permissions: SHARED_PERMISSIONS,
    },
    partA: {
      name: "Part A",
      mount: "part-a",
      source: { aws: { bucket: "acme-part-a", keepOnExternalStorage: true } },
    },
    partB: {
      name: "Part B",
      mount: "part-b",
      source: { aws: { bucket: "acme-part-b", prefix: "b/", keepOnExternalStorage: true } },
    },
    onPrem: {
      name: "On-premises store",
      mount: "on-prem",
      source: {
        aws: { bucket: "acme-onprem", keepOnExternalStorage: true, endpointName: "onprem-minio" },
      },
    },
    onPremResults: {
      name: "Results on premises",
      mount: "on-prem-results",
      source: { computation: { id: SEED_IDS.computation } },
      target: {
        aws: { bucket: "acme-onprem-results", prefix: "run-1/", endpointName: "onprem-minio" },
      },
    },
    imported: {
      name: "Results computed elsewhere",
      mount: "imported-results",
      source: { aws: { bucket: "acme-exported", prefix: "run-42/", keepOnExternalStorage: true } },
      resultsInfo: {
        capsuleId: SEED_IDS.capsule,
        commit: "3f9c2e1d0b8a7f6e5d4c3b2a1908f7e6d5c4b3a2",
        runScript: "code/run",
        version: 3,
      },
    },
  },
};

type Asset = InstanceType<typeof codeocean.DataAsset>;

async function program(): Promise<Record<string, unknown>> {
  const assets: Record<string, Asset> = {};
  for (const [name, args] of Object.entries(spec.assets))
    assets[name] = new codeocean.DataAsset(name, args);
  if (spec.combine) {
    assets.combined = new codeocean.DataAsset("combined", {
      name: "Parts A and B",
      mount: "parts",
      source: { combined: { dataAssetIds: [assets.partA.id, assets.partB.id] } },
    });
  }
  const out: Record<string, pulumi.Output<unknown>> = {};
  for (const [name, a] of Object.entries(assets)) {
    out[`${name}Id`] = a.id;
    out[`${name}Type`] = a.type;
    out[`${name}Archived`] = a.archived;
    out[`${name}Permissions`] = a.permissions;
    out[`${name}Source`] = a.source;
  }
  out.combinedContained = assets.combined?.containedDataAssetIds;
  out.importedProvenance = assets.imported.provenance;
  return out;
}

/** Requests about one asset, by route. */
function countsFor(journal: JournalEntry[], id: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of journal) if (e.assetId === id) out[e.route] = (out[e.route] ?? 0) + 1;
  return out;
}

interface LookupRun {
  referenceId: string;
  preview: PreviewResult;
  previewCounts: Record<string, number>;
  up: UpResult;
  attachedAfterUp: AttachmentInfo[];
  attachedAfterDestroy: AttachmentInfo[];
  referenceAfterDestroy: EmulatorAsset | undefined;
}

/**
 * Case f on its own emulator and stack: an asset made outside the stack, found by name from
 * the program and attached to a capsule; preview, up, destroy. It runs while the other
 * cases run (it shares nothing with them), and case f checks what it recorded.
 */
async function runLookupStack(): Promise<LookupRun> {
  const emu = await startEmulator({ port: 0, readyAfterMs: 100, attachReadyAfterMs: 50 });
  try {
    const c = fastClient(emu);
    const made = await c.createDataAsset({
      name: "GRCh38 reference genome",
      mount: "grch38",
      tags: ["reference"],
      source: {
        aws: { bucket: "acme-references", prefix: "grch38/", keepOnExternalStorage: true },
      },
    });
    c.close();
    emu.admin.updateAsset(made.id, { state: "ready" });

    const t = await newStack(
      "codeocean-coverage-lookup",
      async () => {
        const reference = await codeocean.getDataAsset({ name: "GRCh38 reference genome" });
        const attachment = new codeocean.CapsuleAttachment("reference-on-capsule", {
          capsuleId: SEED_IDS.capsule,
          dataAssetId: reference.id,
        });
        return {
          referenceId: reference.id,
          referenceType: reference.type,
          mount: attachment.mount,
        };
      },
      emu,
    );
    let run: Omit<LookupRun, "attachedAfterDestroy" | "referenceAfterDestroy">;
    try {
      emu.admin.clearJournal();
      const preview = await t.stack.preview();
      const previewCounts = emu.admin.counts();
      const up = await t.stack.up();
      run = {
        referenceId: made.id,
        preview,
        previewCounts,
        up,
        attachedAfterUp: emu.admin.attachments(),
      };
    } finally {
      await t.destroyAndCleanup();
    }
    return {
      ...run,
      attachedAfterDestroy: emu.admin.attachments(),
      referenceAfterDestroy: emu.admin.asset(made.id),
    };
  } finally {
    await emu.stop();
  }
}

describeWithEngine("DataAsset capabilities through the Pulumi engine", () => {
  let emu: RunningEmulator;
  let t: TestStack;
  /** Everything the first `up` sent, and its outputs. */
  let firstUp: { journal: JournalEntry[]; outputs: Record<string, unknown> };
  const admin = () => emu.admin;
  /** A resource's outputs as the state holds them (after a refresh, what Code Ocean said). */
  const stateOf = async (name: string) =>
    (await t.stack.exportStack()).deployment.resources.find((r: { urn: string }) =>
      r.urn.endsWith(`::${name}`),
    )?.outputs as Record<string, unknown>;

  let lookupRun: Promise<LookupRun>;

  beforeAll(async () => {
    lookupRun = runLookupStack();
    lookupRun.catch(() => undefined); // reported by case f
    emu = await startEmulator({ port: 0, readyAfterMs: 100, attachReadyAfterMs: 50 });
    t = await newStack("codeocean-coverage", program, emu);
    const up = await t.stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 9 }); // stack + 8 assets
    firstUp = {
      journal: admin().journal(),
      outputs: Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value])),
    };
  }, 120_000);

  afterAll(async () => {
    await lookupRun?.catch(() => undefined);
    await t?.destroyAndCleanup().catch(() => undefined);
    await emu?.stop();
  }, 120_000);

  it("a. archived: archives and unarchives in place; an archived asset previews unchanged; a hand archive is drift that up restores", async () => {
    const id = firstUp.outputs.archivableId as string;
    expect(admin().asset(id)?.archived).toBe(false);

    spec.assets.archivable = { ...spec.assets.archivable, archived: true };
    admin().clearJournal();
    let up = await t.stack.up();
    expect(up.summary.resourceChanges).toEqual({ update: 1, same: 8 });
    expect(writeCalls(admin().counts())).toEqual({ "PATCH /data_assets/:id/archive": 1 });
    expect(admin().asset(id)?.archived).toBe(true);
    expect(up.outputs.archivableArchived.value).toBe(true);
    expect(up.outputs.archivableId.value).toBe(id);

    admin().clearJournal();
    const preview = await t.stack.preview();
    expect(preview.changeSummary).toEqual({ same: 9 });
    // The preview's one call: the credentials check.
    expect(admin().counts()).toEqual({ "GET /custom_metadata": 1 });

    spec.assets.archivable = { ...spec.assets.archivable, archived: false };
    admin().clearJournal();
    up = await t.stack.up();
    expect(up.summary.resourceChanges).toEqual({ update: 1, same: 8 });
    expect(writeCalls(admin().counts())).toEqual({ "PATCH /data_assets/:id/archive": 1 });
    expect(admin().asset(id)?.archived).toBe(false);
    expect(up.outputs.archivableArchived.value).toBe(false);

    admin().updateAsset(id, { archived: true });
    const refresh = await t.stack.refresh();
    // Only this asset: the shared one, whose sharing GET lists the owner too, is not drift.
    expect(refresh.summary.resourceChanges).toEqual({ update: 1, same: 8 });
    expect((await stateOf("archivable")).archived).toBe(true);
    admin().clearJournal();
    up = await t.stack.up();
    expect(up.summary.resourceChanges).toEqual({ update: 1, same: 8 });
    expect(writeCalls(admin().counts())).toEqual({ "PATCH /data_assets/:id/archive": 1 });
    expect(admin().asset(id)?.archived).toBe(false);
    expect(up.outputs.archivableArchived.value).toBe(false);
  });

  it("b. permissions: set once ready, owner not drift, an out-of-band change is drift, up restores it with one POST and no PUT", async () => {
    const id = firstUp.outputs.sharedId as string;
    // Create with sharing: POST the asset, GET it while waiting, POST the whole sharing once.
    const created = countsFor(firstUp.journal, id);
    expect(created).toMatchObject({
      "POST /data_assets": 1,
      "POST /data_assets/:id/permissions": 1,
    });
    expect(created["GET /data_assets/:id"]).toBeGreaterThanOrEqual(1);
    expect(Object.keys(created).sort()).toEqual(
      ["GET /data_assets/:id", "POST /data_assets", "POST /data_assets/:id/permissions"].sort(),
    );
    // Unmanaged assets never touch the sharing endpoints.
    expect(
      firstUp.journal.filter((e) => e.route.includes("permissions") && e.assetId !== id),
    ).toEqual([]);
    expect(admin().permissions(id)).toEqual({
      users: [{ email: EMULATOR_USER.email, role: "owner" }, SHARED_PERMISSIONS.users[0]],
      groups: SHARED_PERMISSIONS.groups,
      everyone: "discoverable",
      share_assets: false,
    });
    const declared = { ...SHARED_PERMISSIONS, shareAssets: false };
    expect(firstUp.outputs.sharedPermissions).toEqual(declared);
    expect(firstUp.outputs.partAPermissions).toBeNull();

    admin().setPermissions(id, {
      users: [{ email: "mallory@acme.org", role: "editor" }],
      everyone: "viewer",
    });
    admin().clearJournal();
    const refresh = await t.stack.refresh();
    expect(refresh.summary.resourceChanges).toEqual({ update: 1, same: 8 });
    // Refresh of a shared asset: GET the asset, the archived search, GET the sharing.
    expect(countsFor(admin().journal(), id)).toEqual({
      "GET /data_assets/:id": 1,
      "GET /data_assets/:id/permissions": 1,
    });
    expect(admin().counts()["POST /data_assets/search"]).toBeGreaterThanOrEqual(1);
    // The drift as the state holds it: the owner's entry, which GET lists, is left out.
    expect((await stateOf("shared")).permissions).toEqual({
      users: [{ email: "mallory@acme.org", role: "editor" }],
      groups: SHARED_PERMISSIONS.groups,
      everyone: "viewer",
      shareAssets: false,
    });

    admin().clearJournal();
    const up = await t.stack.up();
    expect(up.summary.resourceChanges).toEqual({ update: 1, same: 8 });
    expect(writeCalls(admin().counts())).toEqual({ "POST /data_assets/:id/permissions": 1 });
    expect(admin().permissions(id)).toMatchObject({
      users: [{ email: EMULATOR_USER.email, role: "owner" }, SHARED_PERMISSIONS.users[0]],
      groups: SHARED_PERMISSIONS.groups,
      everyone: "discoverable",
    });
    expect(up.outputs.sharedPermissions.value).toEqual(declared);
  });

  it("c. source.combined: two external assets joined into one of type combined", async () => {
    const { partAId, partBId, combinedId } = firstUp.outputs as Record<string, string>;
    expect(firstUp.outputs.combinedType).toBe("combined");
    expect(firstUp.outputs.combinedContained).toEqual([partAId, partBId]);
    expect(firstUp.outputs.combinedSource).toEqual({
      combined: { dataAssetIds: [partAId, partBId] },
    });
    const combined = admin().asset(combinedId);
    expect(combined).toMatchObject({ type: "combined", state: "ready" });
    expect(combined?.contained_data_assets?.map((c) => c.id)).toEqual([partAId, partBId]);
    expect(countsFor(firstUp.journal, combinedId)["POST /data_assets"]).toBe(1);
  });

  it("d. endpointName on an aws source and target reaches Code Ocean; changing it replaces", async () => {
    const { onPremId, onPremResultsId } = firstUp.outputs as Record<string, string>;
    // The journal keeps no bodies; the emulator stores the endpoint the POST named.
    expect(admin().asset(onPremId)?.source_bucket).toMatchObject({
      origin: "aws",
      bucket: "acme-onprem",
      endpoint_name: "onprem-minio",
    });
    expect(admin().asset(onPremResultsId)?.source_bucket).toMatchObject({
      bucket: "acme-onprem-results",
      endpoint_name: "onprem-minio",
    });
    expect(firstUp.outputs.onPremSource).toMatchObject({
      aws: { bucket: "acme-onprem", endpointName: "onprem-minio" },
    });
    // Other assets name no endpoint.
    expect(admin().asset(firstUp.outputs.partAId as string)?.source_bucket).not.toHaveProperty(
      "endpoint_name",
    );

    const saved = spec.assets.onPrem;
    spec.assets.onPrem = {
      ...saved,
      source: {
        aws: { bucket: "acme-onprem", keepOnExternalStorage: true, endpointName: "onprem-ceph" },
      },
    };
    try {
      admin().clearJournal();
      const preview = await t.stack.preview();
      expect(preview.changeSummary).toEqual({ replace: 1, same: 8 });
      expect(writeCalls(admin().counts())).toEqual({});
    } finally {
      spec.assets.onPrem = saved;
    }
  });

  it("e. resultsInfo: a bucket import becomes a result with provenance", async () => {
    const id = firstUp.outputs.importedId as string;
    expect(firstUp.outputs.importedType).toBe("result");
    expect(firstUp.outputs.importedProvenance).toEqual({
      capsule: SEED_IDS.capsule,
      pipeline: "",
      computation: "",
      commit: "3f9c2e1d0b8a7f6e5d4c3b2a1908f7e6d5c4b3a2",
      runScript: "code/run",
      dockerImage: "",
      dataAssets: [],
    });
    expect(admin().asset(id)).toMatchObject({
      type: "result",
      provenance: {
        capsule: SEED_IDS.capsule,
        commit: "3f9c2e1d0b8a7f6e5d4c3b2a1908f7e6d5c4b3a2",
        run_script: "code/run",
        version: 3,
      },
    });
  });

  it("f. a lookup by name (run at preview) feeds a CapsuleAttachment", async () => {
    const r = await lookupRun;
    // The lookup ran at preview: it searched, and the attachment it feeds is planned.
    expect(r.preview.changeSummary).toEqual({ create: 2 }); // stack + attachment
    expect(r.previewCounts["POST /data_assets/search"]).toBeGreaterThanOrEqual(1);
    expect(writeCalls(r.previewCounts)).toEqual({});

    expect(r.up.summary.resourceChanges).toEqual({ create: 2 });
    expect(r.up.outputs.referenceId.value).toBe(r.referenceId);
    expect(r.up.outputs.referenceType.value).toBe("dataset");
    expect(r.up.outputs.mount.value).toBe("grch38");
    expect(r.attachedAfterUp).toEqual([
      expect.objectContaining({
        targetKind: "capsule",
        targetId: SEED_IDS.capsule,
        assetId: r.referenceId,
        mount: "grch38",
        ready: true,
      }),
    ]);
    // Destroy detaches; the looked-up asset is not the stack's and stays as it was.
    expect(r.attachedAfterDestroy).toEqual([]);
    expect(r.referenceAfterDestroy).toMatchObject({
      archived: false,
      name: "GRCh38 reference genome",
    });
  });
});
