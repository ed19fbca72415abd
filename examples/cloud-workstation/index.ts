/**
 * What a Cloud Workstation session produced, kept as data assets before the session ends: the
 * inputs prepared interactively as a dataset, and the figures a script made as a result whose
 * lineage points at the session — then the result attached to a pipeline that consumes it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as codeocean from "pulumi-codeocean";

const config = new pulumi.Config();
/** The session (Code Ocean: the workstation's page → its computation id). */
const sessionId = config.require("sessionId");
/** The pipeline that mounts the captured figures. */
const pipelineId = config.require("pipelineId");

// 1. Inputs cleaned up by hand in the session: a dataset (no script ran).
const curated = new codeocean.DataAsset("curated-inputs", {
  name: "Curated spike-sorting inputs",
  mount: "curated",
  tags: ["ephys", "curated"],
  source: { cloudWorkstation: { id: sessionId, path: "scratch/curated" } },
});

// 2. Figures a script made in the session: a result, with the session's lineage.
const figures = new codeocean.DataAsset("session-figures", {
  name: "Figures from the workstation",
  mount: "session_figures",
  tags: ["ephys", "figures"],
  source: {
    cloudWorkstation: { id: sessionId, path: "results/figures", runScript: "code/plot.py" },
  },
});

// 3. The figures, mounted by the pipeline that reports on them (at the asset's own mount).
new codeocean.CapsuleAttachment("figures-on-report", {
  pipelineId,
  dataAssetId: figures.id,
});

export const curatedId = curated.id;
export const curatedType = curated.type;
export const figuresId = figures.id;
export const figuresType = figures.type;
export const figuresLineage = figures.provenance;
