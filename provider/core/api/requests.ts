import type { MetadataValue } from "./schemas";

/**
 * What the client sends: request parameters in the camelCase model and their snake_case
 * wire form (see shared/codeocean-api.md). Snake_case never leaves this file, schemas.ts
 * and client.ts.
 */

export interface AwsSource {
  bucket: string;
  prefix?: string;
  keepOnExternalStorage?: boolean;
  public?: boolean;
  /** A custom S3 endpoint configured in the deployment (e.g. an on-premises object store). */
  endpointName?: string;
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
/** Files captured from a running Cloud Workstation session. */
export interface CloudWorkstationSource {
  /** The session's computation id. */
  id: string;
  /** The folder in the session (required by Code Ocean). */
  path: string;
  /** The script that ran: its presence makes the asset a result. */
  runScript?: string;
}
export interface Source {
  aws?: AwsSource;
  gcp?: GcpSource;
  computation?: ComputationSource;
  cloudWorkstation?: CloudWorkstationSource;
}
export interface Target {
  aws: { bucket: string; prefix: string; endpointName?: string };
}

export interface RunParameter {
  name?: string;
  paramName?: string;
  value: string;
}

/** Provenance for results computed outside Code Ocean from an exported capsule or pipeline. */
export interface ResultsInfo {
  capsuleId?: string;
  pipelineId?: string;
  version?: number;
  commit?: string;
  runScript?: string;
  dataAssetIds?: string[];
  parameters?: RunParameter[];
  nextflowProfile?: string;
  processes?: {
    name: string;
    capsuleId: string;
    version?: number;
    public?: boolean;
    parameters?: RunParameter[];
  }[];
}

export interface CreateDataAssetParams {
  name: string;
  mount: string;
  tags: string[];
  description?: string;
  customMetadata?: Record<string, MetadataValue>;
  /** Exactly one of `source` and `dataAssetIds` (a combined asset). */
  source?: Source;
  dataAssetIds?: string[];
  target?: Target;
  resultsInfo?: ResultsInfo;
}

/** Code Ocean marks name, description, tags and mount required: every PUT carries them. */
export interface UpdateDataAssetParams {
  name: string;
  description: string;
  tags: string[];
  mount: string;
  /** Sent whole, and only when it changed (whether Code Ocean merges it is undocumented). */
  customMetadata?: Record<string, MetadataValue>;
}

export interface PermissionsParams {
  users: { email: string; role: string }[];
  groups: { group: string; role: string }[];
  everyone: string;
  shareAssets?: boolean;
}

/** A field-level search filter: one value, any of several values, or a numeric range; `exclude` inverts it. */
export interface SearchFilter {
  /** `name`, `description`, `tags`, or a custom metadata field's name. */
  key: string;
  value?: string | number;
  values?: (string | number)[];
  range?: { min?: number; max?: number };
  exclude?: boolean;
}

export interface SearchParams {
  query?: string;
  archived?: boolean;
  type?: string;
  /** `created` (by the token's user) or `shared` (with it); all it can see when absent. */
  ownership?: "created" | "shared";
  origin?: "internal" | "external";
  favorite?: boolean;
  filters?: SearchFilter[];
  sortField?: "created" | "type" | "name" | "size";
  sortOrder?: "asc" | "desc";
  /** Page size, at most 1000. */
  limit?: number;
}

/** Drops undefined keys so that the request body carries only what the caller set. */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const parametersToWire = (ps: RunParameter[] | undefined) =>
  ps?.map((p) => defined({ name: p.name, param_name: p.paramName, value: p.value }));

function resultsInfoToWire(r: ResultsInfo): Record<string, unknown> {
  return defined({
    capsule_id: r.capsuleId,
    pipeline_id: r.pipelineId,
    version: r.version,
    commit: r.commit,
    run_script: r.runScript,
    data_assets: r.dataAssetIds,
    parameters: parametersToWire(r.parameters),
    nextflow_profile: r.nextflowProfile,
    processes: r.processes?.map((p) =>
      defined({
        name: p.name,
        capsule_id: p.capsuleId,
        version: p.version,
        public: p.public,
        parameters: parametersToWire(p.parameters),
      }),
    ),
  });
}

export function createDataAssetToWire(p: CreateDataAssetParams): Record<string, unknown> {
  let source: Record<string, unknown> | undefined;
  if (p.source) {
    const { aws, gcp, computation, cloudWorkstation } = p.source;
    source = defined({
      aws:
        aws &&
        defined({
          bucket: aws.bucket,
          prefix: aws.prefix,
          keep_on_external_storage: aws.keepOnExternalStorage,
          public: aws.public,
          endpoint_name: aws.endpointName,
        }),
      gcp:
        gcp &&
        defined({
          bucket: gcp.bucket,
          prefix: gcp.prefix,
          client_id: gcp.clientId,
          client_secret: gcp.clientSecret,
        }),
      computation: computation && defined({ id: computation.id, path: computation.path }),
      cloud_workstation:
        cloudWorkstation &&
        defined({
          id: cloudWorkstation.id,
          path: cloudWorkstation.path,
          run_script: cloudWorkstation.runScript,
        }),
    });
  }
  const t = p.target?.aws;
  return defined({
    name: p.name,
    mount: p.mount,
    tags: p.tags,
    description: p.description,
    custom_metadata: p.customMetadata,
    source,
    data_asset_ids: p.dataAssetIds,
    target: t
      ? { aws: defined({ bucket: t.bucket, prefix: t.prefix, endpoint_name: t.endpointName }) }
      : undefined,
    results_info: p.resultsInfo && resultsInfoToWire(p.resultsInfo),
  });
}

export function updateDataAssetToWire(p: Partial<UpdateDataAssetParams>): Record<string, unknown> {
  return defined({
    name: p.name,
    description: p.description,
    tags: p.tags,
    mount: p.mount,
    custom_metadata: p.customMetadata,
  });
}

/** `users`, `groups` and `everyone` are required: a POST states the whole sharing. */
export function permissionsToWire(p: PermissionsParams): Record<string, unknown> {
  return defined({
    users: p.users.map(({ email, role }) => ({ email, role })),
    groups: p.groups.map(({ group, role }) => ({ group, role })),
    everyone: p.everyone,
    share_assets: p.shareAssets,
  });
}

export function searchToWire(p: SearchParams, nextToken?: string): Record<string, unknown> {
  return defined({
    query: p.query,
    archived: p.archived,
    type: p.type,
    ownership: p.ownership,
    origin: p.origin,
    favorite: p.favorite,
    filters: p.filters?.map((f) =>
      defined({
        key: f.key,
        value: f.value,
        values: f.values,
        range: f.range && defined({ min: f.range.min, max: f.range.max }),
        exclude: f.exclude,
      }),
    ),
    sort_field: p.sortField,
    sort_order: p.sortOrder,
    limit: p.limit ?? 100,
    next_token: nextToken,
  });
}
