// Public types of the emulator. Wire shapes (snake_case) follow the Code Ocean REST API v1
// (as used by the official Python SDK); option and admin shapes (camelCase) are the
// emulator's own programmatic contract.

export type AssetState = "draft" | "ready" | "failed";
export type AssetType = "dataset" | "result" | "combined" | "model";

export interface SourceBucket {
  origin: "aws" | "gcp" | "local";
  bucket: string;
  prefix: string;
  external: boolean;
  /**
   * The custom S3 endpoint given as `source.aws.endpoint_name` or `target.aws.endpoint_name`.
   * The docs do not say how the API echoes it; the emulator chose this key, and leaves it out
   * when the create request did not name an endpoint.
   */
  endpoint_name?: string;
}

/** One run parameter as `results_info.parameters[]` takes it. */
export interface RunParameter {
  name?: string;
  param_name?: string;
  value: string;
}

/** One process of a pipeline run as `results_info.processes[]` takes it. */
export interface PipelineProcess {
  name: string;
  capsule_id: string;
  version?: number;
  public?: boolean;
  parameters?: RunParameter[];
}

/**
 * Lineage of a result asset. A result from a computation has computation, capsule, commit,
 * run_script, docker_image and data_assets. A result imported from a bucket with
 * `results_info` has capsule or pipeline, data_assets, and whichever of version, commit,
 * run_script and processes the request gave (no computation or docker image is known).
 */
export interface Provenance {
  computation?: string;
  capsule?: string;
  pipeline?: string;
  version?: number;
  commit?: string;
  run_script?: string;
  docker_image?: string;
  data_assets: string[];
  processes?: PipelineProcess[];
}

/** An entry of a combined asset's `contained_data_assets`, as it was when combined. */
export interface ContainedDataAsset {
  id: string;
  mount: string;
  size: number;
}

/** Name and value of a run parameter echoed on a result asset (`app_parameters`). */
export interface AppParameter {
  name: string;
  value: string;
}

export type UserRole = "owner" | "editor" | "viewer";
export type GroupRole = "owner" | "editor" | "viewer" | "discoverable";
export type EveryoneRole = "viewer" | "discoverable" | "none";

/** `GET /data_assets/{id}/permissions`; the owner is always among `users` with role owner. */
export interface WirePermissions {
  users: { email: string; role: UserRole }[];
  groups: { group: string; role: GroupRole }[];
  everyone: EveryoneRole;
}

/**
 * Out-of-band permission change: each given key replaces that part of the sharing. Roles
 * are not checked against the documented ones, so a test can serve a role a client does
 * not know yet.
 */
export interface PermissionsPatch {
  users?: { email: string; role: string }[];
  groups?: { group: string; role: string }[];
  everyone?: string;
}

/** What the admin API reports: the wire shape plus the last `share_assets` a POST sent. */
export interface EmulatorPermissions {
  users: { email: string; role: string }[];
  groups: { group: string; role: string }[];
  everyone: string;
  /** Absent until a POST sent share_assets; never part of the API's GET. */
  share_assets?: boolean;
}

/** A data asset exactly as the API returns it. */
export interface WireDataAsset {
  id: string;
  created: number;
  name: string;
  mount: string;
  description: string;
  tags: string[];
  /**
   * Field name -> a string, a number (dates as epoch seconds), or an array of them for a
   * field defined with `multiple: true`.
   */
  custom_metadata: Record<string, unknown>;
  last_used: number;
  owner: string;
  owner_email: string;
  /**
   * One of AssetState, or any other string set out of band (admin edit or an outcome of kind
   * "state") to test how a client handles a state it does not know.
   */
  state: AssetState | (string & {});
  type: AssetType;
  source_bucket: SourceBucket;
  provenance?: Provenance;
  /** Only on combined assets. */
  contained_data_assets?: ContainedDataAsset[];
  /** Only on results imported with `results_info` that named them. */
  app_parameters?: AppParameter[];
  nextflow_profile?: string;
  /** Epoch seconds of the last `POST /data_assets/{id}/transfer`; absent until one. */
  last_transferred?: number;
  /** Why the last transfer failed; set out of band (admin edit), cleared by a transfer. */
  transfer_error?: string;
  files?: number;
  size?: number;
  failure_reason?: string;
}

/** The wire object plus the archived and favourite flags, which the API never shows on it. */
export type EmulatorAsset = WireDataAsset & { archived: boolean; favorite: boolean };

export interface CustomField {
  name: string;
  type: "string" | "number" | "date";
  range?: { min?: number; max?: number } | null;
  allowed_values?: Array<string | number> | null;
  multiple?: boolean;
  units?: string;
  category?: string;
  required?: boolean;
}

export interface CustomMetadataSchema {
  fields: CustomField[];
  categories: { id: string; name: string }[];
}

export interface SeedTarget {
  id: string;
  name: string;
  slug?: string;
  /** Default "non_release". A release pipeline's assets transfer only with `force`. */
  status?: "release" | "non_release";
}

export interface SeedComputation {
  id: string;
  capsuleId: string;
  name?: string;
  files: number;
  size: number;
  /**
   * Result folders (for a Cloud Workstation session: its folders); when set, the path a create
   * names must be one of them or inside one.
   */
  paths?: string[];
  /**
   * A Cloud Workstation session rather than a run: `source.cloud_workstation` captures files
   * from it, and while it runs its capsule's data assets are attached through
   * `/computations/{id}/data_assets` instead of the capsule's route.
   */
  cloudWorkstation?: boolean;
  /** Whether the session runs (cloudWorkstation only; default true); see setWorkstationRunning. */
  running?: boolean;
}

export interface SeedData {
  capsules: SeedTarget[];
  pipelines: SeedTarget[];
  computations: SeedComputation[];
  customMetadata: CustomMetadataSchema;
}

export type AssetOutcome =
  | { kind: "ready"; afterMs?: number }
  | { kind: "fail"; reason: string; afterMs?: number }
  | { kind: "draft" }
  /** Moves to any state after afterMs, e.g. one the API does not document. */
  | { kind: "state"; state: string; afterMs?: number };

export interface OutcomeRule {
  match: { name?: string; namePrefix?: string };
  outcome: AssetOutcome;
  /** Apply to at most N creates, then the rule is removed. */
  times?: number;
}

export type FaultKind =
  | "latency"
  | "status"
  | "html"
  | "reset-before"
  | "reset-after"
  | "hang-before"
  | "hang-after"
  | "malformed"
  | "page-repeat-token"
  | "page-empty";

/**
 * What each fault does to a request it fires on:
 * - `latency`: waits `latencyMs` (default 1000), then handles the request normally.
 * - `status`: answers `status` (default 500) with `{message}` and the optional Retry-After,
 *   before processing (nothing changes).
 * - `html`: answers `status` (default 502) with a proxy's HTML error page, before processing.
 * - `reset-before` / `reset-after`: destroys the connection before / after processing.
 * - `hang-before` / `hang-after`: never answers; processes the request only in the latter.
 * - `malformed`: processes the request, then answers 200 with half of the JSON body.
 * - `page-repeat-token` (search routes only, see PAGED_ROUTES): a normal page, but with
 *   `has_more: true` and the `next_token` the request sent — on a first page, a fixed token for
 *   that same page — so a client that follows tokens blindly is fed the same page for ever.
 * - `page-empty` (search routes only): `{has_more: true, next_token: <fresh token>, results: []}`.
 *   The token is new every time and valid (it asks for the same page again), so only a client
 *   that gives up after empty pages stops while the fault lasts.
 */
export const FAULT_KINDS: readonly FaultKind[] = [
  "latency",
  "status",
  "html",
  "reset-before",
  "reset-after",
  "hang-before",
  "hang-after",
  "malformed",
  "page-repeat-token",
  "page-empty",
];

/** Fault kinds that rewrite a search page; they fire only on PAGED_ROUTES. */
export const PAGE_FAULT_KINDS: readonly FaultKind[] = ["page-repeat-token", "page-empty"];

/** The route keys that answer `{has_more, next_token, results}`. */
export const PAGED_ROUTES: readonly string[] = [
  "POST /data_assets/search",
  "POST /capsules/search",
  "POST /pipelines/search",
];

export interface FaultRule {
  /**
   * A route key such as "POST /data_assets" (the journal's `route`), or "*" (the default).
   * Page faults with "*" fire on the search routes only.
   */
  route?: string;
  kind: FaultKind;
  status?: number;
  retryAfterSeconds?: number | null;
  latencyMs?: number;
  message?: string;
  /** 0..1, default 1; drawn from the seeded PRNG. */
  probability?: number;
  /** Fire at most N times, then stop firing. */
  times?: number;
}

export interface RateLimit {
  requestsPerSecond: number;
  /** Bucket size; defaults to requestsPerSecond. */
  burst?: number;
  /** Send Retry-After (whole seconds, >= 1) on 429; default true. */
  retryAfter?: boolean;
}

export interface JournalEntry {
  seq: number;
  /** Arrival time, ms since the epoch. */
  time: number;
  method: string;
  /** Request path without the query string, as received (including /api/v1). */
  path: string;
  route: string;
  /** 0 when the socket was destroyed or the request hung. */
  status: number;
  fault?: FaultKind;
  rateLimited?: boolean;
  assetId?: string;
  /** Value of the X-Request-Id response header sent (or that would have been sent). */
  requestId?: string;
}

/** Attachments made through a session are recorded against the session's capsule. */
export interface AttachmentInfo {
  targetKind: "capsule" | "pipeline";
  targetId: string;
  assetId: string;
  mount: string;
  ready: boolean;
  external: boolean;
}

export interface AssetPatch {
  name?: string;
  description?: string;
  tags?: string[];
  mount?: string;
  custom_metadata?: Record<string, unknown>;
  /**
   * Any string: besides draft, ready and failed, a state the API does not document, so a test
   * can check how a client handles a state it does not know (no files or size, like a draft).
   */
  state?: AssetState | (string & {});
  failure_reason?: string;
  archived?: boolean;
  /** Only out of band: search with `favorite: true` finds the assets marked here. */
  favorite?: boolean;
  /**
   * Another user's id (and email) makes the asset one shared with the emulator's user: search
   * `ownership: "shared"` finds it and DELETE answers 403 (only the owner may delete).
   */
  owner?: string;
  owner_email?: string;
  /** Sets the asset's transfer_error; null or "" removes it. */
  transfer_error?: string | null;
}

export interface WireTarget {
  id: string;
  created: number;
  name: string;
  status: string;
  owner: string;
  slug: string;
}

/**
 * Out-of-band control of a running emulator. Every argument that is an object is checked
 * strictly: an unknown or misspelt field throws an Error that names it and lists the known
 * ones (the HTTP admin API answers 400 with the same message).
 */
/** A ready dataset made out of band in bulk (imported from the emulator's own bucket). */
export interface ImportedAsset {
  name: string;
  /** Default: the name with anything but letters, digits, ".", "_" and "-" replaced by "_". */
  mount?: string;
  tags?: string[];
  /** Stored as given, not checked against the schema (as an out-of-band edit). */
  custom_metadata?: Record<string, unknown>;
  archived?: boolean;
  /** Another user's id, so that `ownership: "shared"` finds it (default: the emulator's user). */
  owner?: string;
  owner_email?: string;
}

export interface EmulatorAdmin {
  /** Clears assets, attachments, journal, faults, outcomes and rate limit; restores the seed. */
  reset(): void;
  /** Adds/replaces capsules, pipelines, computations; replaces customMetadata if given. */
  seed(data: Partial<SeedData>): void;
  addOutcome(rule: OutcomeRule): void;
  clearOutcomes(): void;
  setFaults(rules: FaultRule[]): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  setRateLimit(limit: RateLimit | null): void;
  journal(): JournalEntry[];
  /** Route key -> number of API requests (admin requests are never journaled). */
  counts(): Record<string, number>;
  clearJournal(): void;
  assets(): EmulatorAsset[];
  asset(id: string): EmulatorAsset | undefined;
  /** Out-of-band change (no journal, no validation). Throws for an unknown id. */
  updateAsset(id: string, patch: AssetPatch): void;
  /**
   * Makes many ready datasets at once, out of band (no journal, no rules), e.g. another
   * team's archived estate for a benchmark. Returns their ids in order.
   */
  importAssets(assets: ImportedAsset[]): string[];
  /** Out-of-band deletion, archived or not; also drops its attachments. No-op if unknown. */
  removeAsset(id: string): void;
  /** The asset's sharing as GET shows it (plus the last share_assets); undefined if unknown. */
  permissions(id: string): EmulatorPermissions | undefined;
  /** Out-of-band sharing change (no journal, no state rule). Throws for an unknown id. */
  setPermissions(id: string, patch: PermissionsPatch): void;
  removeCapsule(id: string): void;
  removePipeline(id: string): void;
  attachments(): AttachmentInfo[];
  /** Sets options.notFoundAfterCreateMs for the assets created from now on; reset() restores it. */
  setNotFoundAfterCreateMs(ms: number): void;
  /** Starts or stops a seeded Cloud Workstation session. Throws for any other id. */
  setWorkstationRunning(id: string, running: boolean): void;
}

export interface EmulatorOptions {
  /** 0 (default) picks a random free port. */
  port?: number;
  host?: string;
  tokens?: string[];
  dataFile?: string;
  readyAfterMs?: number;
  attachReadyAfterMs?: number;
  /**
   * For this long after a create is accepted, every API call naming the new id (GET, PUT,
   * archive, DELETE, permissions, attach) answers 404 exactly as for an unknown id, as the real
   * service has been seen to do. Default 0; search lists the asset meanwhile.
   */
  notFoundAfterCreateMs?: number;
  seed?: Partial<SeedData>;
  faults?: FaultRule[];
  rateLimit?: RateLimit | null;
  faultSeed?: number;
  /**
   * The Code Ocean release the emulator claims to be, MAJOR.MINOR.PATCH (default 4.9.0). A
   * request whose Min-Server-Version header names a later one answers 400.
   */
  serverVersion?: string;
  log?: (line: string) => void;
}

export interface RunningEmulator {
  /** e.g. "http://127.0.0.1:43121"; the API lives under url + "/api/v1/". */
  url: string;
  port: number;
  stop(): Promise<void>;
  admin: EmulatorAdmin;
}
