/**
 * Reference data one team curates and every analysis uses. The program declares:
 *
 * - gene annotations kept in your S3 bucket (an external asset), shared read-only with a
 *   group and discoverable by everyone else in the deployment. Declaring `permissions`
 *   hands the asset's sharing to Pulumi: a share added or removed in the web UI shows as
 *   drift on `pulumi refresh`, and the next `pulumi up` puts the declared set back;
 * - known variants from the same bucket (a second external asset);
 * - a combined asset joining the two, so that a capsule mounts them as one folder;
 * - the reference genome another team manages, found by its exact name with
 *   `getDataAssetOutput` (the lookup runs at preview too), and nothing more: this stack
 *   never changes or archives it.
 *
 * The combined asset and the genome are attached to a capsule.
 */
import * as pulumi from "@pulumi/pulumi";
import * as codeocean from "pulumi-codeocean";

const config = new pulumi.Config();
/** The capsule that reads the reference data (Code Ocean: capsule → ⋮ → Capsule info → ID). */
const capsuleId = config.require("capsuleId");
/** The bucket holding `annotations/gencode-v46/` and `variants/dbsnp-156/`. */
const referenceBucket = config.require("referenceBucket");
/** The group that may read the annotations. */
const group = config.get("group") ?? "genomics";
/** The existing reference genome asset, by its exact name. */
const genomeName = config.get("genomeName") ?? "GRCh38 reference genome";

// Found by name, not declared: another team's asset. The lookup fails the preview with a
// clear message when no live asset, or more than one, has that name.
const genome = codeocean.getDataAssetOutput({ name: genomeName });

const annotations = new codeocean.DataAsset("gene-annotations", {
  name: "GENCODE v46 gene annotations",
  mount: "annotations",
  description: pulumi.interpolate`Comprehensive gene annotation, s3://${referenceBucket}/annotations/gencode-v46/`,
  tags: ["reference", "annotations", "gencode"],
  source: {
    aws: {
      bucket: referenceBucket,
      prefix: "annotations/gencode-v46/",
      keepOnExternalStorage: true,
    },
  },
  // Read-only for the group; everyone else finds it by search and can ask for access. The
  // provider sets this once the asset is ready. The owner (the token's user) keeps its access
  // and need not be listed.
  permissions: {
    groups: [{ group, role: "viewer" }],
    everyone: "discoverable",
  },
});

const variants = new codeocean.DataAsset("known-variants", {
  name: "dbSNP 156 known variants",
  mount: "variants",
  description: pulumi.interpolate`Known variants, s3://${referenceBucket}/variants/dbsnp-156/`,
  tags: ["reference", "variants", "dbsnp"],
  source: {
    aws: { bucket: referenceBucket, prefix: "variants/dbsnp-156/", keepOnExternalStorage: true },
  },
});

// Two or more external assets joined into one: the files stay where they are, and a
// capsule mounts both under one folder. Created once both parts are ready.
const bundle = new codeocean.DataAsset("reference-bundle", {
  name: "Reference bundle: GENCODE v46 and dbSNP 156",
  mount: "reference",
  description: "Gene annotations and known variants, one mount",
  tags: ["reference"],
  source: { combined: { dataAssetIds: [annotations.id, variants.id] } },
});

// Mounted at /data/reference and /data/genome in the capsule.
new codeocean.CapsuleAttachment("bundle-on-capsule", {
  capsuleId,
  dataAssetId: bundle.id,
  mount: "reference",
});
new codeocean.CapsuleAttachment("genome-on-capsule", {
  capsuleId,
  dataAssetId: genome.id,
  mount: "genome",
});

export const annotationsId = annotations.id;
/** The sharing in force (as Code Ocean lists it, without the owner's own entry). */
export const annotationsPermissions = annotations.permissions;
export const variantsId = variants.id;
export const bundleId = bundle.id;
export const bundleType = bundle.type;
export const bundleContains = bundle.containedDataAssetIds;
export const genomeId = genome.id;
export const genomeSize = genome.size;
