/**
 * `DataAsset`, declared once: its field table — each field's declared property (type,
 * description, default; the nested shapes come from the model), what a change of it does,
 * how outputs store it and where Code Ocean reports it — and the rules across fields. The
 * outputs only Code Ocean fills in are declared in reportedFields.ts and listed here after the
 * inputs. The provider's methods, both faces, the schema, the TypeScript declarations and the
 * reference tables take everything from here.
 */
import { z } from "zod";
import type { DataAsset as RemoteAsset } from "../../core/api/schemas";
import { codeOceanId, readyTimeoutSeconds } from "../../core/model/checks";
import { DataAssetFields } from "../../core/model/dataAsset";
import { ResultsInfo } from "../../core/model/dataAsset/lineage";
import { DataAssetPermissions as PermissionsType } from "../../core/model/dataAsset/sharing";
import { DataAssetSource as SourceType } from "../../core/model/dataAsset/source";
import { DataAssetTarget } from "../../core/model/dataAsset/target";
import { fieldsOf, Inputs, OutputsOf, sameSet } from "../../declare/fields";
import * as t from "../../declare/types";
import { containsUnknown, typeError } from "../../declare/validate";
import { reportedFields, type RemoteDataAsset } from "./reportedFields";
import {
  DataAssetPermissions,
  DataAssetSource,
  sameMetadata,
  samePermissions,
  sameSource,
  storedPermissions,
  storedSource,
} from "./stored";

export const ON_DELETE = ["archive", "delete", "retain"] as const;

export { effectivePermissions, storedPermissions, storedSource } from "./stored";
export type { DataAssetPermissions, DataAssetSource };

const field = fieldsOf<RemoteDataAsset>();

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
    ...reportedFields,
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

/** The one diff, for stored outputs (from any version) and checked or raw inputs. */
export function diffDataAsset(olds: Partial<DataAssetOutputs>, news: Record<string, unknown>) {
  return dataAssetResource.diff(olds as Record<string, unknown>, news);
}
