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

export const MetadataValueWire = z.union([z.string(), z.number()]);

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
  custom_metadata: z.record(z.string(), MetadataValueWire.nullable()).nullish(),
  provenance: ProvenanceWire.nullish(),
  source_bucket: SourceBucketWire.nullish(),
  failure_reason: optString,
});
export type DataAssetWire = z.infer<typeof DataAssetWire>;

export const SearchPageWire = z.object({
  has_more: z.boolean().nullish(),
  next_token: optString,
  results: z.array(DataAssetWire).nullish(),
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
  customMetadata: Record<string, string | number>;
  provenance: Provenance;
  sourceBucket: SourceBucket | null;
  failureReason: string;
}

export function dataAssetFromWire(w: DataAssetWire): DataAsset {
  const metadata: Record<string, string | number> = {};
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

export interface AwsSource {
  bucket: string;
  prefix?: string;
  keepOnExternalStorage?: boolean;
  public?: boolean;
}
export interface GcpSource {
  bucket: string;
  prefix?: string;
  clientId?: string;
  clientSecret?: string;
}
export interface ComputationSource {
  id: string;
  path?: string;
}
export interface Source {
  aws?: AwsSource;
  gcp?: GcpSource;
  computation?: ComputationSource;
}
export interface Target {
  aws: { bucket: string; prefix: string };
}

export interface CreateDataAssetParams {
  name: string;
  mount: string;
  tags: string[];
  description?: string;
  customMetadata?: Record<string, string | number>;
  source: Source;
  target?: Target;
}

export interface UpdateDataAssetParams {
  name?: string;
  description?: string;
  tags?: string[];
  mount?: string;
  customMetadata?: Record<string, string | number>;
}

/** Drops undefined keys so that the request body carries only what the caller set. */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function createDataAssetToWire(p: CreateDataAssetParams): Record<string, unknown> {
  const source: Record<string, unknown> = {};
  if (p.source.aws)
    source.aws = defined({
      bucket: p.source.aws.bucket,
      prefix: p.source.aws.prefix,
      keep_on_external_storage: p.source.aws.keepOnExternalStorage,
      public: p.source.aws.public,
    });
  if (p.source.gcp)
    source.gcp = defined({
      bucket: p.source.gcp.bucket,
      prefix: p.source.gcp.prefix,
      client_id: p.source.gcp.clientId,
      client_secret: p.source.gcp.clientSecret,
    });
  if (p.source.computation)
    source.computation = defined({ id: p.source.computation.id, path: p.source.computation.path });
  return defined({
    name: p.name,
    mount: p.mount,
    tags: p.tags,
    description: p.description,
    custom_metadata: p.customMetadata,
    source,
    target: p.target
      ? { aws: { bucket: p.target.aws.bucket, prefix: p.target.aws.prefix } }
      : undefined,
  });
}

export function updateDataAssetToWire(p: UpdateDataAssetParams): Record<string, unknown> {
  return defined({
    name: p.name,
    description: p.description,
    tags: p.tags,
    mount: p.mount,
    custom_metadata: p.customMetadata,
  });
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
    required: f.required ?? false,
    units: f.units ?? undefined,
  }));
}

export interface SearchParams {
  query?: string;
  archived?: boolean;
  type?: string;
  sortField?: "created" | "type" | "name" | "size";
  sortOrder?: "asc" | "desc";
  /** Page size, at most 1000. */
  limit?: number;
}

export function searchToWire(p: SearchParams, nextToken?: string): Record<string, unknown> {
  return defined({
    query: p.query,
    archived: p.archived,
    type: p.type,
    sort_field: p.sortField,
    sort_order: p.sortOrder,
    limit: p.limit ?? 100,
    next_token: nextToken,
  });
}
