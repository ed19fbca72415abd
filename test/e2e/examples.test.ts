/** The examples that need no cloud credentials, run through the real engine on the emulator. */
import * as path from "path";
import { RunningEmulator, SEED_IDS, startEmulator } from "../../emulator";
import { quickstart } from "../../examples/quickstart/program";
import { describeWithEngine, newStack } from "../helpers/engine";
import { fastClient } from "../helpers/emulator";

/**
 * Runs an example's index.ts as a program: its exports are the stack outputs. Required
 * once (a second module registry would load a second @pulumi/pulumi), so one `up` each.
 */
function exampleProgram(folder: string): () => Promise<Record<string, unknown>> {
  const main = path.join(__dirname, "..", "..", "examples", folder, "index.ts");
  return async () => require(main);
}

describeWithEngine("examples through the Pulumi engine", () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, readyAfterMs: 200, attachReadyAfterMs: 100 });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it("quickstart: up creates three assets and three attachments; destroy archives and detaches", async () => {
    const t = await newStack("codeocean-quickstart", async () => quickstart(), emu);
    try {
      const up = await t.stack.up();
      expect(up.summary.resourceChanges).toMatchObject({ create: 7 });
      expect(up.outputs.readsState.value).toBe("ready");
      expect(up.outputs.readsExternal.value).toBe(true);
      expect(up.outputs.alignmentsProvenance.value).toMatchObject({
        computation: SEED_IDS.computation,
      });
      expect(emu.admin.attachments()).toHaveLength(3);
    } finally {
      await t.destroyAndCleanup();
    }
    expect(emu.admin.attachments()).toHaveLength(0);
    expect(emu.admin.assets().every((a) => a.archived)).toBe(true);
  });

  it("cloud-workstation: captures a dataset and a result from a running session; the result is attached", async () => {
    const t = await newStack(
      "codeocean-cloud-workstation",
      exampleProgram("cloud-workstation"),
      emu,
      {
        "codeocean-cloud-workstation:sessionId": SEED_IDS.cloudWorkstation,
        "codeocean-cloud-workstation:pipelineId": SEED_IDS.pipeline,
      },
    );
    try {
      const up = await t.stack.up();
      expect(up.summary.resourceChanges).toMatchObject({ create: 4 });
      expect(up.outputs.curatedType.value).toBe("dataset");
      expect(up.outputs.figuresType.value).toBe("result");
      expect(up.outputs.figuresLineage.value).toMatchObject({
        computation: SEED_IDS.cloudWorkstation,
        runScript: "code/plot.py",
      });
      expect(
        emu.admin.attachments().filter((a) => a.assetId === up.outputs.figuresId.value),
      ).toMatchObject([
        { targetKind: "pipeline", targetId: SEED_IDS.pipeline, mount: "session_figures" },
      ]);
    } finally {
      await t.destroyAndCleanup();
    }
  });

  it("adopt-existing: adopts an asset made by hand and looks another up read-only", async () => {
    const c = fastClient(emu);
    const byHand = await c.createDataAsset({
      name: "reads uploaded by hand",
      mount: "hand",
      tags: [],
      source: { aws: { bucket: "acme-hand" } },
    });
    const reference = await c.createDataAsset({
      name: "GRCh38",
      mount: "grch38",
      tags: [],
      source: { aws: { bucket: "acme-ref" } },
    });
    emu.admin.updateAsset(byHand.id, { state: "ready" });
    emu.admin.updateAsset(reference.id, { state: "ready" });
    c.close();
    emu.admin.clearJournal();
    const t = await newStack("codeocean-adopt-existing", exampleProgram("adopt-existing"), emu, {
      "codeocean-adopt-existing:dataAssetId": byHand.id,
      "codeocean-adopt-existing:referenceId": reference.id,
    });
    try {
      const up = await t.stack.up();
      expect(up.outputs.adoptedId.value).toBe(byHand.id);
      expect(up.outputs.adoptedName.value).toBe("RNA-Sequencing reads, 2025");
      expect(up.outputs.referenceName.value).toBe("GRCh38");
      expect(emu.admin.counts()["POST /data_assets"] ?? 0).toBe(0);
      expect(emu.admin.asset(byHand.id)).toMatchObject({
        name: "RNA-Sequencing reads, 2025",
        mount: "reads-2025",
      });
    } finally {
      await t.destroyAndCleanup();
    }
    // onDelete: "retain" and a read-only lookup: both assets are left as they are.
    expect(emu.admin.asset(byHand.id)?.archived).toBe(false);
    expect(emu.admin.asset(reference.id)).toMatchObject({ archived: false, name: "GRCh38" });
  });

  it("shared-reference-data: a shared external asset, a combined asset, a genome found by name, attached", async () => {
    const c = fastClient(emu);
    const genome = await c.createDataAsset({
      name: "GRCh38 reference genome",
      mount: "grch38",
      tags: ["reference"],
      source: { aws: { bucket: "acme-references", keepOnExternalStorage: true } },
    });
    emu.admin.updateAsset(genome.id, { state: "ready" });
    c.close();
    const t = await newStack(
      "codeocean-shared-reference-data",
      exampleProgram("shared-reference-data"),
      emu,
      {
        "codeocean-shared-reference-data:capsuleId": SEED_IDS.capsule,
        "codeocean-shared-reference-data:referenceBucket": "acme-reference-data",
      },
    );
    try {
      const up = await t.stack.up();
      expect(up.summary.resourceChanges).toMatchObject({ create: 6 }); // stack, 3 assets, 2 attachments
      const o = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
      expect(o.genomeId).toBe(genome.id);
      expect(o.bundleType).toBe("combined");
      expect(o.bundleContains).toEqual([o.annotationsId, o.variantsId]);
      expect(o.annotationsPermissions).toEqual({
        users: [],
        groups: [{ group: "genomics", role: "viewer" }],
        everyone: "discoverable",
        shareAssets: false,
      });
      expect(emu.admin.permissions(o.annotationsId as string)).toMatchObject({
        groups: [{ group: "genomics", role: "viewer" }],
        everyone: "discoverable",
      });
      expect(
        emu.admin
          .attachments()
          .filter((a) => a.targetId === SEED_IDS.capsule)
          .map((a) => [a.assetId, a.mount, a.ready])
          .sort(),
      ).toEqual(
        [
          [o.bundleId, "reference", true],
          [genome.id, "genome", true],
        ].sort(),
      );
    } finally {
      await t.destroyAndCleanup();
    }
    expect(emu.admin.attachments()).toHaveLength(0);
    // The looked-up genome is not the stack's: destroy leaves it alone.
    expect(emu.admin.asset(genome.id)?.archived).toBe(false);
  });
});
