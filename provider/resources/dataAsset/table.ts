/**
 * `DataAsset`, declared once: its field table — each field's declared property (type,
 * description, default; the nested shapes come from the model), what a change of it does,
 * how outputs store it and where Code Ocean reports it — and the rules across fields. The
 * provider's methods, both faces, the schema, the TypeScript declarations and the reference
 * tables take everything from here.
 */
import { z } from "zod";
import { redact } from "../../core/api/redact";
import type { UpdateDataAssetParams } from "../../core/api/requests";
import type { DataAsset as RemoteAsset } from "../../core/api/schemas";
import { codeOceanId, readyTimeoutSeconds } from "../../core/model/checks";
import { DataAssetFields } from "../../core/model/dataAsset";
import { ResultsInfo } from "../../core/model/dataAsset/lineage";
import {
  AppParameter,
  ContainedDataAsset,
  Provenance,
  SourceBucket,
} from "../../core/model/dataAsset/reported";
import { DataAssetPermissions as PermissionsType } from "../../core/model/dataAsset/sharing";
import { DataAssetSource as SourceType } from "../../core/model/dataAsset/source";
import { DataAssetTarget } from "../../core/model/dataAsset/target";
import { fieldsOf, Inputs, OutputsOf, sameSet } from "../../declare/fields";
import * as t from "../../declare/types";
import { containsUnknown, typeError } from "../../declare/validate";
import {
  DataAssetPermissions,
  DataAssetSource,
  sameMetadata,
  samePermissions,
  sameSource,
  storedPermissions,
  storedSource,
} from "./stored";
import { NO_SOURCE_BUCKET } from "./view";

export const ON_DELETE = ["archive", "delete", "retain"] as const;

/**
 * What Code Ocean reports as an asset's state. (A state this provider does not know stops a
 * wait with an error that says so; state written by versions before 0.1.0's outputs is "".)
 */
export type DataAssetState = "draft" | "ready" | "failed";
/** What Code Ocean reports as an asset's type. */
export type DataAssetType = "dataset" | "result" | "combined" | "model";

export { effectivePermissions, storedPermissions, storedSource } from "./stored";
export type { DataAssetPermissions, DataAssetSource };

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

export const dataAssetResource = field.resource({
  fields: {
    name: field.input({
      property: DataAssetFields.name,
      change: "update",
      remote: (r) => r.asset.name,
    }),
    mount: field.input({
      property: DataAssetFields.mount,
      change: "update",
      remote: (r) => r.asset.mount,
    }),
    description: field.input({
      property: DataAssetFields.description,
      change: "update",
      remote: (r) => r.asset.description,
    }),
    tags: field.input({
      property: DataAssetFields.tags,
      change: "update",
      remote: (r) => r.asset.tags,
      same: sameSet,
    }),
    customMetadata: field.input({
      property: DataAssetFields.customMetadata,
      change: "update",
      remote: (r) => r.asset.customMetadata,
      same: sameMetadata,
    }),
    source: field.input({
      property: t.optional(
        SourceType,
        "Where the data comes from. Required unless `adoptExistingId` is set. Changing it replaces the asset.",
      ),
      outputDescription:
        "The declared source, defaults filled, without the GCP client secret (`null` for an adopted asset declared without one).",
      change: "replace",
      stored: storedSource,
      same: sameSource,
    }),
    target: field.input({
      property: t.optional(
        DataAssetTarget,
        "Only with a `computation` source: write the results to your S3 bucket. Changing it replaces the asset.",
      ),
      outputDescription: "The declared target, or `null`.",
      change: "replace",
    }),
    resultsInfo: field.input({
      property: t.optional(
        ResultsInfo,
        "Only with an `aws` or `gcp` source: where results computed outside Code Ocean came from. Changing it replaces the asset.",
      ),
      outputDescription: "The declared lineage, or `null`.",
      change: "replace",
    }),
    archived: field.input({
      property: t.defaulted(
        t.boolean(),
        false,
        "`true` archives the asset once it is ready; `false` keeps it, or makes it, live. Refresh reads the real state; the next `up` restores the declared one. Updated in place.",
      ),
      change: "update",
      remote: (r) => r.archived,
    }),
    permissions: field.input({
      property: t.optional(
        PermissionsType,
        "The asset's sharing, managed by the provider; never declared: sharing is left alone; removed: what it granted is revoked.",
      ),
      outputDescription:
        "The sharing in force, without the owner's own entry, or `null` when not managed.",
      change: "update",
      stored: storedPermissions,
      remote: (r) => r.permissions,
      same: samePermissions,
    }),
    onDelete: field.input({
      property: t.defaulted(
        t.oneOf(
          ON_DELETE,
          'must be "archive" (default), "delete" (archive, then delete permanently) or "retain"',
        ),
        "archive",
        'What `pulumi destroy` (or a replacement) does: `"archive"` (reversible), `"delete"` (archive, then delete permanently), or `"retain"` (leave it untouched).',
      ),
      change: "setting",
    }),
    waitForReady: field.input({
      property: t.defaulted(
        t.boolean(),
        true,
        "Wait until Code Ocean reports the asset `ready` before `up` moves on.",
      ),
      change: "setting",
    }),
    readyTimeoutSeconds: field.input({
      property: t.defaulted(
        t.integer(readyTimeoutSeconds),
        1800,
        "How long to wait for `ready`, in seconds. A timeout keeps the asset in the stack; the next `up` resumes waiting.",
      ),
      change: "setting",
    }),
    adoptExistingId: field.input({
      property: t.optional(
        t.string(codeOceanId("data asset")),
        "Take an existing asset (made by hand, or by a script) under management instead of creating one: its metadata is updated to match these inputs. Changing it replaces.",
      ),
      outputDescription: 'The adopted asset\'s id, or `""`.',
      change: "replace",
      stored: (v) => v ?? "",
    }),
    /** The GCP client secret, split out of `source` by the dynamic DataAsset class so the state encrypts it. */
    gcpClientSecret: field.hidden(z.string({ error: typeError("a string") }).optional()),
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
  },
  rules: [
    (v, ctx) => {
      const gcp = v.source?.gcp;
      const secret = gcpClientSecret(v);
      if (
        gcp &&
        (gcp.clientId === "") !== (secret === "") &&
        !containsUnknown(gcp) &&
        !containsUnknown(v.gcpClientSecret)
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["source", "gcp", gcp.clientId === "" ? "clientId" : "clientSecret"],
          message:
            "clientId and clientSecret go together: give both, or neither for a public bucket",
        });
      }
    },
    (v, ctx) => {
      if (v.source === undefined && v.adoptExistingId === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["source"],
          message:
            "is required: give exactly one of source.aws, source.gcp, source.computation or source.cloudWorkstation (or adoptExistingId to manage an existing asset; source.combined joins assets)",
        });
      }
    },
    (v, ctx) => {
      const source = v.source;
      if (v.target && source && !source.computation && !containsUnknown(source)) {
        ctx.addIssue({
          code: "custom",
          path: ["target"],
          message:
            "is only allowed with a computation source (it stores a run's results in your bucket); remove it or use source.computation",
        });
      }
    },
    (v, ctx) => {
      const source = v.source;
      if (v.resultsInfo && (!source || !(source.aws || source.gcp)) && !containsUnknown(source)) {
        ctx.addIssue({
          code: "custom",
          path: ["resultsInfo"],
          message:
            "is only allowed with an aws or gcp source: it records where results imported from a bucket were computed; remove it or import from source.aws/source.gcp",
        });
      }
    },
    (v, ctx) => {
      // Code Ocean accepts sharing and archiving once the asset is ready.
      for (const key of ["permissions", "archived"] as const) {
        const given = key === "archived" ? v.archived === true : v.permissions !== undefined;
        if (given && !v.waitForReady && !v.adoptExistingId) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message:
              "needs waitForReady: true: Code Ocean takes sharing and archiving only once the asset is ready, so the provider waits for it",
          });
        }
      }
    },
  ],
  // A failed asset cannot be repaired in place: replace it (unless adopted: that id is the
  // user's choice). A draft one is waited for again by an update.
  condition: (stored, declared) => ({
    replace: stored.state === "failed" && !declared.adoptExistingId ? "state" : undefined,
    change: stillImporting(stored.state) && declared.waitForReady === true,
  }),
});

/** The asset as the stack last saw it, in the client's model (for a wait that starts from state). */
export function remoteFromOutputs(id: string, o: DataAssetOutputs): RemoteAsset {
  return {
    id,
    created: o.created,
    name: o.name,
    mount: o.mount,
    lastUsed: o.lastUsed,
    owner: o.owner,
    ownerEmail: "",
    state: o.state,
    type: o.type,
    description: o.description,
    tags: o.tags,
    files: o.files,
    size: o.size,
    customMetadata: o.customMetadata,
    provenance: o.provenance,
    sourceBucket: o.sourceBucket.origin ? o.sourceBucket : null,
    failureReason: o.failureReason,
    containedDataAssetIds: o.containedDataAssetIds,
    containedDataAssets: o.containedDataAssets,
    appParameters: o.appParameters,
    nextflowProfile: o.nextflowProfile,
    lastTransferred: o.lastTransferred,
    transferError: o.transferError,
  };
}

/**
 * Whether an asset in this state is still on its way to ready: `draft`, or a state this
 * provider does not know (the wait stopped on it; the next `up` looks again). `""` is state
 * written before states were stored: nothing to wait for.
 */
export function stillImporting(state: string): boolean {
  return state !== "" && state !== "ready" && state !== "failed";
}

export const DataAssetInputsSchema = dataAssetResource.schema;
export type DataAssetInputs = Inputs<typeof dataAssetResource.fields>;
export type DataAssetOutputs = OutputsOf<typeof dataAssetResource.fields>;

/** The effective GCP client secret: the split-out input, or one given inside source.gcp. */
export function gcpClientSecret(v: {
  gcpClientSecret?: string;
  source?: { gcp?: { clientSecret: string } };
}): string {
  return v.gcpClientSecret || v.source?.gcp?.clientSecret || "";
}

/** Outputs from the declared inputs and what Code Ocean says (sharing as declared). */
export function toOutputs(
  inputs: DataAssetInputs,
  asset: RemoteAsset,
  archived: boolean,
  permissions = storedPermissions(inputs.permissions),
): DataAssetOutputs {
  return dataAssetResource.toOutputs(inputs, { asset, archived, permissions });
}

/** The fields a metadata PUT sets. */
const METADATA = ["name", "description", "tags", "mount", "customMetadata"] as const;
export type MetadataChanges = Partial<UpdateDataAssetParams>;

/** The metadata fields whose stored value differs from the declared one, with the declared values. */
export function metadataChanges(
  current: Partial<DataAssetOutputs> | RemoteAsset,
  desired: DataAssetInputs,
): MetadataChanges {
  const changed = dataAssetResource
    .changed(current as Record<string, unknown>, desired, "update")
    .filter((k): k is (typeof METADATA)[number] => (METADATA as readonly string[]).includes(k));
  return Object.fromEntries(changed.map((k) => [k, desired[k]]));
}

/**
 * The PUT for `changes`, or undefined when nothing changed. Code Ocean marks name,
 * description, tags and mount required, so every PUT carries them; custom metadata goes
 * whole, and only when it changed.
 */
export function metadataUpdate(
  changes: MetadataChanges,
  desired: DataAssetInputs,
): UpdateDataAssetParams | undefined {
  if (!Object.keys(changes).length) return undefined;
  const { name, description, tags, mount } = desired;
  return { name, description, tags, mount, customMetadata: changes.customMetadata };
}

/** The one diff, for stored outputs (from any version) and checked or raw inputs. */
export function diffDataAsset(olds: Partial<DataAssetOutputs>, news: Record<string, unknown>) {
  return dataAssetResource.diff(olds as Record<string, unknown>, news);
}
