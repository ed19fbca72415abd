/**
 * The quickstart: a few data assets and their attachments to a capsule and a pipeline.
 * It runs against the built-in emulator (`npm run demo`) or a real Code Ocean deployment
 * (set codeocean:domain, codeocean:token and the ids below in your stack config).
 */
import * as pulumi from "@pulumi/pulumi";
import * as codeocean from "pulumi-codeocean";

/** Ids seeded in the emulator; on a real deployment set them in the stack config. */
const EMULATOR = {
  capsuleId: "4367940e-e863-4819-afbd-1b6b9f9b1256",
  pipelineId: "c2b4d6f8-1a3c-4e5f-8a7b-9c0d1e2f3a4b",
  computationId: "f1e2d3c4-b5a6-4789-8abc-def012345678",
};

export function quickstart() {
  const config = new pulumi.Config("quickstart");
  const capsuleId = config.get("capsuleId") ?? EMULATOR.capsuleId;
  const pipelineId = config.get("pipelineId") ?? EMULATOR.pipelineId;
  const computationId = config.get("computationId") ?? EMULATOR.computationId;

  // A public bucket, copied into Code Ocean.
  const reference = new codeocean.DataAsset("reference-genome", {
    name: "GRCh38 reference genome",
    mount: "grch38",
    description: "Human reference genome, GRCh38 primary assembly",
    tags: ["genomics", "reference"],
    source: { aws: { bucket: "acme-public-references", prefix: "grch38/", public: true } },
  });

  // Sequencing reads that stay in the lab's own bucket (an external asset).
  const reads = new codeocean.DataAsset("rna-reads", {
    name: "RNA-Sequencing reads",
    mount: "reads",
    tags: ["genomics", "rna"],
    customMetadata: { "subject id": "S-001", "collection date": 1676246400 },
    source: {
      aws: { bucket: "acme-rna-reads", prefix: "runs/2026-11/", keepOnExternalStorage: true },
    },
  });

  // The results of an alignment run, captured as a result asset.
  const alignments = new codeocean.DataAsset("alignments", {
    name: "Alignments, run 2026-11",
    mount: "alignments",
    tags: ["genomics", "results"],
    source: { computation: { id: computationId } },
  });

  new codeocean.CapsuleAttachment("reads-on-aligner", {
    capsuleId,
    dataAssetId: reads.id,
    mount: "reads",
  });
  new codeocean.CapsuleAttachment("reference-on-aligner", { capsuleId, dataAssetId: reference.id });
  new codeocean.CapsuleAttachment("alignments-on-pipeline", {
    pipelineId,
    dataAssetId: alignments.id,
  });

  return {
    referenceId: reference.id,
    readsId: reads.id,
    readsState: reads.state,
    readsExternal: reads.external,
    alignmentsId: alignments.id,
    alignmentsProvenance: alignments.provenance,
  };
}
