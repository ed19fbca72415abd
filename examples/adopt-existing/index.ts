/**
 * Bringing data assets made by hand (in the web UI, or by a script) under Pulumi. Dynamic
 * providers cannot be used with `pulumi import`, so pulumi-codeocean adopts instead:
 *
 * - `adoptExistingId` takes an existing asset under management: its name, description, tags
 *   and custom metadata are set to what this program declares, and from then on it is an
 *   ordinary stack resource (updates, drift on refresh, `onDelete` on destroy).
 * - `DataAsset.get` only looks an asset up: nothing is changed, and destroying the stack
 *   leaves it alone. Use it to reference assets another team owns.
 */
import * as pulumi from "@pulumi/pulumi";
import * as codeocean from "pulumi-codeocean";

const config = new pulumi.Config();
/** The id of the asset to adopt (Code Ocean: the data asset → ⋮ → Data asset info → ID). */
const dataAssetId = config.require("dataAssetId");
/** The id of an asset to look up read-only. */
const referenceId = config.require("referenceId");

const reads = new codeocean.DataAsset("rna-reads-2025", {
  adoptExistingId: dataAssetId,
  // No `source`: the adopted asset keeps the one it was made with.
  name: "RNA-Sequencing reads, 2025",
  mount: "reads-2025",
  description: "Uploaded by hand in 2025; managed by Pulumi since.",
  tags: ["genomics", "rna", "managed-by-pulumi"],
  // The asset predates this stack: leave it in Code Ocean when the stack is destroyed.
  // Remove this line to have `pulumi destroy` archive it like any other asset.
  onDelete: "retain",
});

const reference = codeocean.DataAsset.get("reference-genome", referenceId);

export const adoptedId = reads.id;
export const adoptedName = reads.name;
export const adoptedState = reads.state;
export const adoptedArchived = reads.archived;
export const referenceName = reference.name;
export const referenceType = reference.type;
export const referenceSize = reference.size;
export const referenceOwner = reference.owner;
