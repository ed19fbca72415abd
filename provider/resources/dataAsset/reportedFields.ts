/**
 * The DataAsset outputs that only Code Ocean fills in — state, type, sizes, provenance, the
 * parts of a combined asset, transfer errors — each with its declared node, where Code Ocean
 * reports it, and the value for state written before it existed. The field table (table.ts)
 * lists them after the inputs.
 */
import { z } from "zod";
import { redact } from "../../core/api/redact";
import type { DataAsset as RemoteAsset } from "../../core/api/schemas";
import {
  AppParameter,
  ContainedDataAsset,
  Provenance,
  SourceBucket,
} from "../../core/model/dataAsset/reported";
import { fieldsOf } from "../../declare/fields";
import * as t from "../../declare/types";
import type { DataAssetPermissions } from "./stored";
import { NO_SOURCE_BUCKET } from "./view";

/**
 * What Code Ocean reports as an asset's state. (A state this provider does not know stops a
 * wait with an error that says so; state written by versions before 0.1.0's outputs is "".)
 */
export type DataAssetState = "draft" | "ready" | "failed";
/** What Code Ocean reports as an asset's type. */
export type DataAssetType = "dataset" | "result" | "combined" | "model";

/**
 * What Code Ocean says about an asset: the object, whether search lists it as archived, and
 * its sharing when the provider manages it (null otherwise).
 */
export interface RemoteDataAsset {
  asset: RemoteAsset;
  archived: boolean;
  permissions: DataAssetPermissions | null;
}

const field = fieldsOf<RemoteDataAsset>();
const NO_PROVENANCE = {
  capsule: "",
  pipeline: "",
  computation: "",
  commit: "",
  runScript: "",
  dockerImage: "",
  dataAssets: [] as string[],
};
const text = t.string("a string");
const count = t.number(z.number());
const epochSeconds = t.integer(z.number().int());

/** The output-only fields, in the order the table lists them. */
export const reportedFields = {
  state: field.output({
    node: t.oneOf(["draft", "ready", "failed"]),
    description: "`draft`, `ready` or `failed`.",
    remote: (r) => r.asset.state as DataAssetState,
    fallback: "" as DataAssetState,
  }),
  type: field.output({
    node: t.oneOf(["dataset", "result", "combined", "model"]),
    description: "`dataset`, `result`, `combined` or `model`.",
    remote: (r) => r.asset.type as DataAssetType,
    fallback: "" as DataAssetType,
  }),
  created: field.output({
    node: epochSeconds,
    description: "Creation time, epoch seconds.",
    remote: (r) => r.asset.created,
    fallback: 0,
  }),
  lastUsed: field.output({
    node: epochSeconds,
    description: "Last use, epoch seconds; 0 = never.",
    remote: (r) => r.asset.lastUsed,
    fallback: 0,
  }),
  size: field.output({
    node: count,
    description: "Size in bytes; -1 while unknown.",
    remote: (r) => r.asset.size,
    fallback: -1,
  }),
  files: field.output({
    node: count,
    description: "Number of files; -1 while unknown.",
    remote: (r) => r.asset.files,
    fallback: -1,
  }),
  owner: field.output({
    node: text,
    description: "Owner's user id.",
    remote: (r) => r.asset.owner,
    fallback: "",
  }),
  external: field.output({
    node: t.boolean(),
    description: "Whether the files stay in the customer's bucket.",
    remote: (r) => r.asset.sourceBucket?.external ?? false,
    fallback: false,
  }),
  sourceBucket: field.output({
    node: SourceBucket,
    description: "Where Code Ocean says the data lives.",
    remote: (r) => r.asset.sourceBucket ?? NO_SOURCE_BUCKET,
    fallback: NO_SOURCE_BUCKET,
  }),
  provenance: field.output({
    node: Provenance,
    description:
      "For result assets: capsule or pipeline, computation, commit, run script, docker image and input assets.",
    remote: (r) => r.asset.provenance,
    fallback: NO_PROVENANCE,
  }),
  containedDataAssetIds: field.output({
    node: t.array(text, { expected: "a list" }),
    description: "A combined asset's parts (`[]` for any other asset).",
    remote: (r) => r.asset.containedDataAssetIds,
    fallback: [] as string[],
  }),
  containedDataAssets: field.output({
    node: t.array(ContainedDataAsset, { expected: "a list" }),
    description: "A combined asset's parts with their mount and size in bytes (-1 when unknown).",
    remote: (r) => r.asset.containedDataAssets,
    fallback: [] as RemoteAsset["containedDataAssets"],
  }),
  appParameters: field.output({
    node: t.array(AppParameter, { expected: "a list" }),
    description: "For results: the run's parameters as Code Ocean echoes them (`[]` otherwise).",
    remote: (r) => r.asset.appParameters,
    fallback: [] as RemoteAsset["appParameters"],
  }),
  nextflowProfile: field.output({
    node: text,
    description: 'For results of a Nextflow pipeline: the profile that ran (`""` otherwise).',
    remote: (r) => r.asset.nextflowProfile,
    fallback: "",
  }),
  lastTransferred: field.output({
    node: epochSeconds,
    description: "When an administrator last transferred the files (epoch seconds; 0 = never).",
    remote: (r) => r.asset.lastTransferred,
    fallback: 0,
  }),
  transferError: field.output({
    node: text,
    description: 'Why the last transfer failed (`""` unless it did).',
    // Written to the state: a server that echoes a request back must not put a secret there.
    remote: (r) => redact(r.asset.transferError),
    fallback: "",
  }),
  failureReason: field.output({
    node: text,
    description: 'Why Code Ocean failed to create the asset (`""` unless `state` is `failed`).',
    // Written to the state: a server that echoes a request back must not put a secret there.
    remote: (r) => redact(r.asset.failureReason),
    fallback: "",
  }),
};
