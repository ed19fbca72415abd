/**
 * `DataAsset`, declared once: its input schemas, its field table and the rules across
 * fields. The provider (dataAssetProvider.ts), the resource class (dataAsset.ts) and the
 * tests take everything from here.
 */
import { z } from "zod";
import type { DataAsset as RemoteAsset, UpdateDataAssetParams } from "../api/schemas";
import { redact } from "../api/redact";
import { fieldsOf, Inputs, OutputsOf, sameSet } from "./fields";
import {
  codeOceanId,
  containsUnknown,
  mountName,
  nonEmptyString,
  readyTimeoutSeconds,
  typeError,
  typeErrorOnly,
} from "./inputs";

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const GCS_BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

const s3Bucket = z
  .string({ error: typeError('an S3 bucket name, e.g. "acme-rna-reads"') })
  .regex(
    S3_BUCKET,
    "must be an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens (no s3:// prefix)",
  );

const folderPath = (example: string) =>
  z
    .string({ error: typeError(`a folder path, e.g. "${example}"`) })
    .refine((p) => !p.split("/").includes(".."), 'must not contain ".." segments')
    .default("");

const bool = (fallback: boolean) =>
  z.boolean({ error: typeError("true or false") }).default(fallback);

const AwsSourceSchema = z.strictObject(
  {
    bucket: s3Bucket,
    prefix: folderPath("runs/2026-11/"),
    keepOnExternalStorage: bool(false),
    public: bool(false),
  },
  { error: typeErrorOnly('an object, e.g. { bucket: "acme-reads", prefix: "runs/" }') },
);

const GcpSourceSchema = z.strictObject(
  {
    bucket: z
      .string({ error: typeError('a GCS bucket name, e.g. "acme-imaging"') })
      .regex(
        GCS_BUCKET,
        "must be a GCS bucket name: lowercase letters, digits, dots, hyphens and underscores (no gs:// prefix)",
      ),
    prefix: folderPath("scans/"),
    clientId: z
      .string({ error: typeError("a string: the service account's client id") })
      .default(""),
    clientSecret: z
      .string({ error: typeError("a string: the service account's client secret") })
      .default(""),
  },
  { error: typeErrorOnly('an object, e.g. { bucket: "acme-imaging", prefix: "scans/" }') },
);

const ComputationSourceSchema = z.strictObject(
  { id: codeOceanId("computation"), path: folderPath("results/figures") },
  { error: typeErrorOnly('an object, e.g. { id: "<computation id>", path: "figures" }') },
);

const SOURCE_KINDS = ["aws", "gcp", "computation"] as const;

export const SourceSchema = z
  .strictObject(
    {
      aws: AwsSourceSchema.optional(),
      gcp: GcpSourceSchema.optional(),
      computation: ComputationSourceSchema.optional(),
    },
    {
      error: typeErrorOnly(
        'an object with one of aws, gcp or computation, e.g. { aws: { bucket: "acme-reads" } }',
      ),
    },
  )
  .superRefine((s, ctx) => {
    const given = SOURCE_KINDS.filter((k) => s[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message:
          given.length === 0
            ? 'needs exactly one of aws, gcp or computation (e.g. source: { aws: { bucket: "acme-reads" } })'
            : `needs exactly one of aws, gcp or computation, not ${given.join(" and ")}: declare one DataAsset per source`,
      });
    }
  });

const TargetSchema = z.strictObject(
  {
    aws: z.strictObject(
      { bucket: s3Bucket, prefix: z.string({ error: typeError('a key prefix, e.g. "results/"') }) },
      { error: typeErrorOnly('an object, e.g. { bucket: "acme-results", prefix: "runs/" }') },
    ),
  },
  { error: typeErrorOnly('an object, e.g. { aws: { bucket: "acme-results", prefix: "runs/" } }') },
);

const MetadataValue = z.union([z.string(), z.number().finite()], {
  error: "must be a string, or a number (dates as epoch seconds, e.g. 1676246400)",
});

export const ON_DELETE = ["archive", "delete", "retain"] as const;

/** The declared source as outputs store it (the GCP client secret never is): one of three. */
export interface DataAssetSource {
  /** The S3 source, defaults filled. */
  aws?: {
    /** Bucket name. */
    bucket: string;
    /** Key prefix (`""` for the whole bucket). */
    prefix: string;
    /** Whether the files stay in S3 (an external asset). */
    keepOnExternalStorage: boolean;
    /** Whether the bucket is read without credentials. */
    public: boolean;
  };
  /** The GCS source, without the client secret. */
  gcp?: {
    /** Bucket name. */
    bucket: string;
    /** Folder inside the bucket. */
    prefix: string;
    /** Service-account client id (`""` for a public bucket). */
    clientId: string;
  };
  /** The computation whose results the asset captures. */
  computation?: {
    /** The computation (run) id. */
    id: string;
    /** Folder inside the results (`""` for all). */
    path: string;
  };
}

export function storedSource(
  source: z.output<typeof SourceSchema> | undefined,
): DataAssetSource | null {
  if (source?.aws) return { aws: source.aws };
  if (source?.gcp) {
    const { bucket, prefix, clientId } = source.gcp;
    return { gcp: { bucket, prefix, clientId } };
  }
  if (source?.computation) return { computation: source.computation };
  return null;
}

/** What Code Ocean says about an asset: the object, and whether search lists it as archived. */
export interface RemoteDataAsset {
  asset: RemoteAsset;
  archived: boolean;
}

const field = fieldsOf<RemoteDataAsset>();
const NO_SOURCE_BUCKET = { origin: "", bucket: "", prefix: "", external: false };
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
        z.string().max(255, "must be at most 255 characters"),
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
        .array(nonEmptyString('"genomics"'), {
          error: typeError('a list of strings, e.g. ["genomics"]'),
        })
        .default([]),
      change: "update",
      remote: (r) => r.asset.tags,
      same: sameSet,
    }),
    /** Custom metadata values by field name. */
    customMetadata: field.input({
      schema: z
        .record(z.string().min(1, "keys must not be empty: use the field's name"), MetadataValue, {
          error: typeErrorOnly('a map of field name to value, e.g. { "subject id": "S-001" }'),
        })
        .default({}),
      change: "update",
      remote: (r) => r.asset.customMetadata,
    }),
    /** The declared source with defaults filled (`null` for an adopted asset declared without one). */
    source: field.input({
      schema: SourceSchema.optional(),
      change: "replace",
      stored: storedSource,
    }),
    /** The declared target, or `null`. */
    target: field.input({ schema: TargetSchema.optional(), change: "replace" }),
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
    state: field.output((r) => r.asset.state, ""),
    /** `dataset`, `result`, `combined` or `model`. */
    type: field.output((r) => r.asset.type, ""),
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
    /** Whether the asset is archived in Code Ocean (seen on refresh; the next `up` unarchives it). */
    archived: field.output((r) => r.archived, false),
    /** Where Code Ocean says the data lives. */
    sourceBucket: field.output((r) => r.asset.sourceBucket ?? NO_SOURCE_BUCKET, NO_SOURCE_BUCKET),
    /** For result assets: capsule or pipeline, computation, commit, run script, docker image and input assets. */
    provenance: field.output((r) => r.asset.provenance, NO_PROVENANCE),
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
            "is required: give exactly one of source.aws, source.gcp or source.computation (or adoptExistingId to manage an existing asset)",
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
  ],
  // A failed asset cannot be repaired in place: replace it (unless adopted: that id is the
  // user's choice). A draft one is waited for again by an update.
  condition: (stored, declared) => ({
    replace: stored.state === "failed" && !declared.adoptExistingId ? "state" : undefined,
    change: (stored.state === "draft" && declared.waitForReady === true) || stored.archived,
  }),
});

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

/** Outputs from the declared inputs and what Code Ocean says about the asset. */
export function toOutputs(
  inputs: DataAssetInputs,
  asset: RemoteAsset,
  archived: boolean,
): DataAssetOutputs {
  return dataAssetResource.toOutputs(inputs, { asset, archived });
}

/** The update-in-place fields whose stored value differs from the declared one, with the declared values. */
export function metadataChanges(
  current: Partial<DataAssetOutputs> | RemoteAsset,
  desired: DataAssetInputs,
): UpdateDataAssetParams {
  const changed = dataAssetResource.changed(current as Record<string, unknown>, desired, "update");
  return Object.fromEntries(changed.map((k) => [k, desired[k]])) as UpdateDataAssetParams;
}

/** The one diff, for stored outputs (from any version) and checked or raw inputs. */
export function diffDataAsset(olds: Partial<DataAssetOutputs>, news: Record<string, unknown>) {
  return dataAssetResource.diff(olds as Record<string, unknown>, news);
}
