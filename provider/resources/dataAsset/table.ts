/**
 * `DataAsset`, declared once: its input schemas, its field table and the rules across
 * fields. The provider (dataAssetProvider.ts), the resource class (dataAsset.ts) and the
 * tests take everything from here.
 */
import { z } from "zod";
import { redact } from "../../core/api/redact";
import type { UpdateDataAssetParams } from "../../core/api/requests";
import type { Permissions, DataAsset as RemoteAsset } from "../../core/api/schemas";
import {
  bool,
  DataAssetPermissions,
  DataAssetSource,
  PermissionsSchema,
  ResultsInfoSchema,
  SourceSchema,
  storedSource,
  TargetSchema,
} from "./types";
import { fieldsOf, Inputs, OutputsOf, sameSet, sameValue } from "../../declare/fields";
import {
  codeOceanId,
  containsUnknown,
  mountName,
  nonEmptyString,
  readyTimeoutSeconds,
  noDuplicates,
  safeKeys,
  typeError,
  typeErrorOnly,
  visibleText,
} from "../../declare/inputs";
import { NO_SOURCE_BUCKET } from "./view";

const METADATA_VALUE_HINT =
  'must be a string, a number (dates as epoch seconds, e.g. 1676246400), or a list of them for a field that takes several values (e.g. ["ephys", "imaging"])';
const MetadataScalar = z.union([z.string(), z.number().finite()], { error: METADATA_VALUE_HINT });
const MetadataValue = z.union(
  [
    MetadataScalar,
    z
      .array(MetadataScalar, { error: METADATA_VALUE_HINT })
      .min(1, "must not be an empty list: leave the field out instead"),
  ],
  { error: METADATA_VALUE_HINT },
);

export const ON_DELETE = ["archive", "delete", "retain"] as const;

/**
 * What Code Ocean reports as an asset's state. (A state this provider does not know stops a
 * wait with an error that says so; state written by versions before 0.1.0's outputs is "".)
 */
export type DataAssetState = "draft" | "ready" | "failed";
/** What Code Ocean reports as an asset's type. */
export type DataAssetType = "dataset" | "result" | "combined" | "model";

export { storedSource };
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

function metadataAsSets(m: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!m) return m;
  return Object.fromEntries(
    Object.entries(m).map(([k, v]) => [k, Array.isArray(v) ? [...v].map(String).sort() : v]),
  );
}

function setOfParts(source: DataAssetSource | null): DataAssetSource | null {
  const ids = source?.combined?.dataAssetIds;
  return ids ? { combined: { dataAssetIds: [...ids].sort() } } : source;
}

/** The declared sharing as outputs store it. */
export function storedPermissions(
  p: z.output<typeof PermissionsSchema> | undefined,
): DataAssetPermissions | null {
  if (!p) return null;
  return {
    users: p.users.map(({ email, role }) => ({ email, role })),
    groups: p.groups.map(({ group, role }) => ({ group, role })),
    everyone: p.everyone,
    shareAssets: p.shareAssets,
  };
}

/**
 * The sharing Code Ocean lists, as outputs store it. Code Ocean lists the owner among the
 * users; that entry is not drift unless the declaration names the owner itself.
 * `share_assets` is not echoed: the stored value stands.
 */
export function effectivePermissions(
  listed: Permissions,
  asset: RemoteAsset,
  stored: DataAssetPermissions,
): DataAssetPermissions {
  const declaredEmails = new Set(stored.users.map((u) => u.email.toLowerCase()));
  const owner = asset.ownerEmail.toLowerCase();
  // Without the owner's e-mail, the one owner that was not declared is taken for it.
  const ownerEntry = listed.users.find(
    (u) =>
      u.role === "owner" &&
      !declaredEmails.has(u.email.toLowerCase()) &&
      (!owner || u.email.toLowerCase() === owner),
  );
  return {
    users: listed.users.filter((u) => u !== ownerEntry),
    groups: listed.groups,
    everyone: listed.everyone,
    shareAssets: stored.shareAssets,
  };
}

/** The same sharing, whatever the order of users and groups and the case of e-mails. */
function samePermissions(a: DataAssetPermissions | null, b: DataAssetPermissions | null) {
  const key = (p: DataAssetPermissions | null) =>
    p && {
      users: p.users.map((u) => `${u.email.toLowerCase()}=${u.role}`).sort(),
      groups: p.groups.map((g) => `${g.group}=${g.role}`).sort(),
      everyone: p.everyone,
      shareAssets: p.shareAssets,
    };
  return sameValue(key(a), key(b));
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

export const dataAssetResource = field.resource({
  fields: {
    /** Display name. */
    name: field.input({
      schema: nonEmptyString('"RNA-Sequencing reads"').pipe(
        visibleText(z.string().max(255, "must be at most 255 characters")),
      ),
      change: "update",
      remote: (r) => r.asset.name,
    }),
    /** Default mount folder under `/data`. */
    mount: field.input({ schema: mountName, change: "update", remote: (r) => r.asset.mount }),
    /** Description (`""` when none). */
    description: field.input({
      schema: z.string({ error: typeError("a string") }).default(""),
      change: "update",
      remote: (r) => r.asset.description,
    }),
    /** Tags. */
    tags: field.input({
      schema: z
        .array(nonEmptyString('"genomics"').pipe(visibleText(z.string())), {
          error: typeError('a list of strings, e.g. ["genomics"]'),
        })
        .superRefine(noDuplicates("tag", (t) => t.toLowerCase()))
        .default([]),
      change: "update",
      remote: (r) => r.asset.tags,
      same: sameSet,
    }),
    /** Custom metadata values by field name. */
    customMetadata: field.input({
      schema: safeKeys(
        z.record(z.string().min(1, "keys must not be empty: use the field's name"), MetadataValue, {
          error: typeErrorOnly('a map of field name to value, e.g. { "subject id": "S-001" }'),
        }),
      ).default({}),
      change: "update",
      remote: (r) => r.asset.customMetadata,
      // A field with several values is a set: Code Ocean may list them in another order.
      same: (stored, declared) => sameValue(metadataAsSets(stored), metadataAsSets(declared)),
    }),
    /** The declared source with defaults filled (`null` for an adopted asset declared without one). */
    source: field.input({
      schema: SourceSchema.optional(),
      change: "replace",
      stored: storedSource,
      // A combined asset's parts are a set: listing them in another order changes nothing.
      same: (stored, declared) => sameValue(setOfParts(stored), setOfParts(declared)),
    }),
    /** The declared target, or `null`. */
    target: field.input({ schema: TargetSchema.optional(), change: "replace" }),
    /** Provenance declared for results computed outside Code Ocean, or `null`. */
    resultsInfo: field.input({ schema: ResultsInfoSchema.optional(), change: "replace" }),
    /** Whether the asset is archived in Code Ocean (refresh reads the real state). */
    archived: field.input({ schema: bool(false), change: "update", remote: (r) => r.archived }),
    /** The sharing the provider manages, or `null` when it leaves sharing alone. */
    permissions: field.input({
      schema: PermissionsSchema.optional(),
      change: "update",
      stored: storedPermissions,
      remote: (r) => r.permissions,
      same: samePermissions,
    }),
    /** What destroy does: `archive`, `delete` or `retain`. */
    onDelete: field.input({
      schema: z
        .enum(ON_DELETE, {
          error:
            'must be "archive" (default), "delete" (archive, then delete permanently) or "retain"',
        })
        .default("archive"),
      change: "setting",
    }),
    /** Whether `up` waits for `ready`. */
    waitForReady: field.input({ schema: bool(true), change: "setting" }),
    /** The readiness timeout in seconds. */
    readyTimeoutSeconds: field.input({
      schema: readyTimeoutSeconds.default(1800),
      change: "setting",
    }),
    /** The adopted asset's id, or `""`. */
    adoptExistingId: field.input({
      schema: codeOceanId("data asset").optional(),
      change: "replace",
      stored: (v) => v ?? "",
    }),
    /** The GCP client secret, split out of `source` by the DataAsset class so the state encrypts it. */
    gcpClientSecret: field.hidden(z.string({ error: typeError("a string") }).optional()),
    /** `draft`, `ready` or `failed`. */
    state: field.output((r) => r.asset.state as DataAssetState, "" as DataAssetState),
    /** `dataset`, `result`, `combined` or `model`. */
    type: field.output((r) => r.asset.type as DataAssetType, "" as DataAssetType),
    /** Creation time, epoch seconds. */
    created: field.output((r) => r.asset.created, 0),
    /** Last use, epoch seconds; 0 = never. */
    lastUsed: field.output((r) => r.asset.lastUsed, 0),
    /** Size in bytes; -1 while unknown. */
    size: field.output((r) => r.asset.size, -1),
    /** Number of files; -1 while unknown. */
    files: field.output((r) => r.asset.files, -1),
    /** Owner's user id. */
    owner: field.output((r) => r.asset.owner, ""),
    /** Whether the files stay in the customer's bucket. */
    external: field.output((r) => r.asset.sourceBucket?.external ?? false, false),
    /** Where Code Ocean says the data lives. */
    sourceBucket: field.output((r) => r.asset.sourceBucket ?? NO_SOURCE_BUCKET, NO_SOURCE_BUCKET),
    /** For result assets: capsule or pipeline, computation, commit, run script, docker image and input assets. */
    provenance: field.output((r) => r.asset.provenance, NO_PROVENANCE),
    /** A combined asset's parts (`[]` for any other asset). */
    containedDataAssetIds: field.output((r) => r.asset.containedDataAssetIds, [] as string[]),
    /** A combined asset's parts with their mount and size in bytes (-1 when unknown). */
    containedDataAssets: field.output(
      (r) => r.asset.containedDataAssets,
      [] as RemoteAsset["containedDataAssets"],
    ),
    /** For results: the run's parameters as Code Ocean echoes them (`[]` otherwise). */
    appParameters: field.output((r) => r.asset.appParameters, [] as RemoteAsset["appParameters"]),
    /** For results of a Nextflow pipeline: the profile that ran (`""` otherwise). */
    nextflowProfile: field.output((r) => r.asset.nextflowProfile, ""),
    /** When an administrator last transferred the files (epoch seconds; 0 = never). */
    lastTransferred: field.output((r) => r.asset.lastTransferred, 0),
    /** Why the last transfer failed (`""` unless it did). */
    // Written to the state: a server that echoes a request back must not put a secret there.
    transferError: field.output((r) => redact(r.asset.transferError), ""),
    /** Why Code Ocean failed to create the asset (`""` unless `state` is `failed`). */
    // Written to the state: a server that echoes a request back must not put a secret there.
    failureReason: field.output((r) => redact(r.asset.failureReason), ""),
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
