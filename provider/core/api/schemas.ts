/**
 * The wire format (snake_case, see shared/codeocean-api.md) and its mapping to the camelCase
 * model the rest of the package uses. Snake_case never leaves this file and client.ts.
 *
 * Schemas are tolerant: unknown keys are ignored, explicit nulls equal absent keys, and
 * enumerations the provider merely reports (type, origin) accept unknown strings.
 */
import { z } from "zod";

const optString = z.string().nullish();
const optNumber = z.number().nullish();

/**
 * A custom metadata value: a string, a number (dates as epoch seconds), or a list of them
 * for fields the deployment's schema marks `multiple`. Anything else a server might send is
 * read as its JSON text rather than failing the whole object: one odd value on an asset the
 * provider does not manage must never fail the read of one it does.
 */
export type MetadataValue = string | number | (string | number)[];
const scalar = z.union([z.string(), z.number()]);
export const MetadataValueWire = z
  .unknown()
  .transform((v): MetadataValue | null =>
    v === null || v === undefined
      ? null
      : scalar.safeParse(v).success
        ? (v as string | number)
        : Array.isArray(v) && v.every((x) => scalar.safeParse(x).success)
          ? (v as (string | number)[])
          : JSON.stringify(v),
  );

export const SourceBucketWire = z.object({
  origin: optString,
  bucket: optString,
  prefix: optString,
  external: z.boolean().nullish(),
});

/** `data_assets` of a provenance: ids, or objects carrying one (both forms seen in the docs). */
const ProvenanceAssetWire = z.union([z.string(), z.object({ id: z.string() })]);

export const ProvenanceWire = z.object({
  capsule: optString,
  pipeline: optString,
  computation: optString,
  commit: optString,
  run_script: optString,
  docker_image: optString,
  data_assets: z.array(ProvenanceAssetWire).nullish(),
});

export const ContainedDataAssetWire = z.object({
  id: z.string(),
  mount: optString,
  size: optNumber,
});

const AppParameterWire = z.object({ name: optString, value: z.unknown().optional() });

export const PermissionsWire = z.object({
  users: z.array(z.object({ email: z.string(), role: z.string() })).nullish(),
  groups: z.array(z.object({ group: z.string(), role: z.string() })).nullish(),
  everyone: optString,
});

export const DataAssetWire = z.object({
  id: z.string().min(1),
  created: z.number(),
  name: z.string(),
  mount: z.string(),
  last_used: optNumber,
  owner: optString,
  owner_email: optString,
  state: z.string(),
  type: z.string(),
  description: optString,
  tags: z.array(z.string()).nullish(),
  files: optNumber,
  size: optNumber,
  custom_metadata: z.record(z.string(), MetadataValueWire).nullish(),
  provenance: ProvenanceWire.nullish(),
  source_bucket: SourceBucketWire.nullish(),
  failure_reason: optString,
  contained_data_assets: z.array(ContainedDataAssetWire).nullish(),
  app_parameters: z.array(AppParameterWire).nullish(),
  nextflow_profile: optString,
  last_transferred: optNumber,
  transfer_error: optString,
});
export type DataAssetWire = z.infer<typeof DataAssetWire>;

/** The id of a search result that is not a readable data asset, for messages. */
export function describeAsset(item: unknown): string | undefined {
  const id = item && typeof item === "object" ? (item as { id?: unknown }).id : undefined;
  return typeof id === "string" ? id : undefined;
}

/** A search page; each result is parsed on its own (see client.ts), so one odd item fails nothing else. */
export const SearchPageWire = z.object({
  has_more: z.boolean().nullish(),
  next_token: optString,
  results: z.array(z.unknown()).nullish(),
});

export const AttachResultWire = z.object({
  id: z.string(),
  mount: optString,
  ready: z.boolean().nullish(),
  external: z.boolean().nullish(),
  job_id: optString,
  mount_state: z.unknown().optional(),
});
export const AttachResultsWire = z.array(AttachResultWire);

export const CustomMetadataFieldWire = z.object({
  name: z.string(),
  type: z.string(),
  range: z.object({ min: optNumber, max: optNumber }).nullish(),
  allowed_values: z.array(z.union([z.string(), z.number()])).nullish(),
  multiple: z.boolean().nullish(),
  units: optString,
  category: optString,
  required: z.boolean().nullish(),
});
export const CustomMetadataSchemaWire = z.object({
  fields: z.array(CustomMetadataFieldWire).nullish(),
  categories: z.array(z.unknown()).nullish(),
});

export const ComputeTargetWire = z.object({
  id: z.string(),
  name: optString,
  slug: optString,
  status: optString,
  created: optNumber,
});

// ---------------------------------------------------------------------------------------
// The model

/** Where Code Ocean says an asset's data lives. */
export interface SourceBucket {
  /** `aws`, `gcp` or `local` (inside Code Ocean). */
  origin: string;
  /** Bucket name, `""` for local. */
  bucket: string;
  /** Key prefix. */
  prefix: string;
  /** Whether the files stay in the customer's bucket. */
  external: boolean;
}

/** Where a result came from; `""` and `[]` where Code Ocean says nothing. */
export interface Provenance {
  /** The capsule that computed it. */
  capsule: string;
  /** The pipeline that computed it. */
  pipeline: string;
  /** The computation (run) id. */
  computation: string;
  /** The capsule's git commit. */
  commit: string;
  /** The script the run executed. */
  runScript: string;
  /** The environment's container image. */
  dockerImage: string;
  /** Ids of the data assets the run used. */
  dataAssets: string[];
}

export interface DataAsset {
  id: string;
  created: number;
  name: string;
  mount: string;
  lastUsed: number;
  owner: string;
  ownerEmail: string;
  /** `draft`, `ready`, `failed` — or an unknown string from a newer server, which callers treat as an error. */
  state: string;
  type: string;
  description: string;
  tags: string[];
  /** -1 while unknown. */
  files: number;
  /** Bytes; -1 while unknown. */
  size: number;
  customMetadata: Record<string, MetadataValue>;
  provenance: Provenance;
  sourceBucket: SourceBucket | null;
  failureReason: string;
  /** A combined asset's parts (`[]` for any other asset). */
  containedDataAssetIds: string[];
  /** The same parts with their mount and size (bytes, -1 when Code Ocean does not say). */
  containedDataAssets: ContainedDataAsset[];
  /** For results: the run's parameters, as Code Ocean echoes them. */
  appParameters: AppParameter[];
  /** For results of a Nextflow pipeline: the profile that ran (`""` otherwise). */
  nextflowProfile: string;
  /** When an administrator last transferred the asset's files (epoch seconds; 0 = never). */
  lastTransferred: number;
  /** Why the last transfer failed (`""` unless it did). */
  transferError: string;
}

/** One part of a combined asset. */
export interface ContainedDataAsset {
  /** The part's id. */
  id: string;
  /** Its folder inside the combined asset's mount. */
  mount: string;
  /** Its size in bytes; -1 while unknown. */
  size: number;
}

/** One run parameter as Code Ocean echoes it on a result. */
export interface AppParameter {
  /** The parameter's name. */
  name: string;
  /** Its value, as text. */
  value: string;
}

export function dataAssetFromWire(w: DataAssetWire): DataAsset {
  const metadata: Record<string, MetadataValue> = {};
  for (const [k, v] of Object.entries(w.custom_metadata ?? {})) if (v !== null) metadata[k] = v;
  return {
    id: w.id,
    created: w.created,
    name: w.name,
    mount: w.mount,
    lastUsed: w.last_used ?? 0,
    owner: w.owner ?? "",
    ownerEmail: w.owner_email ?? "",
    state: w.state,
    type: w.type,
    description: w.description ?? "",
    tags: w.tags ?? [],
    files: w.files ?? -1,
    size: w.size ?? -1,
    customMetadata: metadata,
    provenance: provenanceFromWire(w.provenance),
    sourceBucket: w.source_bucket
      ? {
          origin: w.source_bucket.origin ?? "",
          bucket: w.source_bucket.bucket ?? "",
          prefix: w.source_bucket.prefix ?? "",
          external: w.source_bucket.external ?? false,
        }
      : null,
    failureReason: w.failure_reason ?? "",
    containedDataAssetIds: (w.contained_data_assets ?? []).map((c) => c.id),
    containedDataAssets: (w.contained_data_assets ?? []).map((c) => ({
      id: c.id,
      mount: c.mount ?? "",
      size: c.size ?? -1,
    })),
    appParameters: (w.app_parameters ?? []).map((p) => ({
      name: p.name ?? "",
      value: typeof p.value === "string" ? p.value : JSON.stringify(p.value ?? null),
    })),
    nextflowProfile: w.nextflow_profile ?? "",
    lastTransferred: w.last_transferred ?? 0,
    transferError: w.transfer_error ?? "",
  };
}

function provenanceFromWire(w: z.infer<typeof ProvenanceWire> | null | undefined): Provenance {
  return {
    capsule: w?.capsule ?? "",
    pipeline: w?.pipeline ?? "",
    computation: w?.computation ?? "",
    commit: w?.commit ?? "",
    runScript: w?.run_script ?? "",
    dockerImage: w?.docker_image ?? "",
    dataAssets: (w?.data_assets ?? []).map((a) => (typeof a === "string" ? a : a.id)),
  };
}

/** Who may see and change an asset, as Code Ocean lists it. */
export interface Permissions {
  users: { email: string; role: string }[];
  groups: { group: string; role: string }[];
  everyone: string;
}

export function permissionsFromWire(w: z.infer<typeof PermissionsWire>): Permissions {
  return {
    users: (w.users ?? []).map(({ email, role }) => ({ email, role })),
    groups: (w.groups ?? []).map(({ group, role }) => ({ group, role })),
    everyone: w.everyone ?? "none",
  };
}

export interface AttachResult {
  id: string;
  mount: string;
  ready: boolean;
  external: boolean;
}

export function attachResultFromWire(w: z.infer<typeof AttachResultWire>): AttachResult {
  return { id: w.id, mount: w.mount ?? "", ready: w.ready ?? false, external: w.external ?? false };
}

export type CustomMetadataFieldType = "string" | "number" | "date" | string;
export interface CustomMetadataField {
  name: string;
  type: CustomMetadataFieldType;
  min?: number;
  max?: number;
  allowedValues?: (string | number)[];
  /** The field takes a list of values. */
  multiple?: boolean;
  required: boolean;
  units?: string;
}

export function customMetadataSchemaFromWire(
  w: z.infer<typeof CustomMetadataSchemaWire>,
): CustomMetadataField[] {
  return (w.fields ?? []).map((f) => ({
    name: f.name,
    type: f.type,
    min: f.range?.min ?? undefined,
    max: f.range?.max ?? undefined,
    allowedValues: f.allowed_values ?? undefined,
    multiple: f.multiple ?? false,
    required: f.required ?? false,
    units: f.units ?? undefined,
  }));
}
