import { ApiError, badRequest } from "./reply";
import type {
  CustomField,
  CustomMetadataSchema,
  EveryoneRole,
  GroupRole,
  PipelineProcess,
  RunParameter,
  SeedComputation,
  UserRole,
  WireDataAsset,
} from "./types";

type Obj = Record<string, unknown>;

/**
 * The official SDK sends every unset optional field as an explicit null, nested ones too.
 * Dropping null-valued keys up front lets every validator treat null exactly like absence.
 * Array elements are kept so that `tags: [null]` is still rejected.
 */
export function stripNulls(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map((v) => (isObject(v) ? stripNulls(v) : v));
  if (!isObject(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    out[k] = stripNulls(v);
  }
  return out;
}

/** "state: failed: reason" — why an asset that must be ready is not, for error messages. */
export function notReadyDetail(w: Pick<WireDataAsset, "state" | "failure_reason">): string {
  return `state: ${w.state}${w.failure_reason ? `: ${w.failure_reason}` : ""}`;
}

export function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function requireObject(body: unknown, what = "request body"): Obj {
  if (!isObject(body)) throw new ApiError(400, `${what} must be a JSON object`);
  return body;
}

function optString(o: Obj, key: string, field: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw badRequest(field, "must be a string");
  return v;
}

function optBool(o: Obj, key: string, field: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw badRequest(field, "must be a boolean");
  return v;
}

function optObject(o: Obj, key: string, field: string): Obj | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!isObject(v)) throw badRequest(field, "must be an object");
  return v;
}

function requiredName(o: Obj, field = "name"): string {
  const v = o.name;
  if (v === undefined) throw badRequest(field, "is required");
  if (typeof v !== "string") throw badRequest(field, "must be a string");
  if (v.trim() === "") throw badRequest(field, "must not be empty");
  return v;
}

export function validateMount(v: unknown, field = "mount"): string {
  if (v === undefined) throw badRequest(field, "is required");
  if (typeof v !== "string") throw badRequest(field, "must be a string");
  if (v.trim() === "") throw badRequest(field, "must not be empty");
  // Mounts are folders under /data; anything that could escape it is refused.
  if (v.startsWith("/")) throw badRequest(field, `must be a relative folder name, got "${v}"`);
  if (v.includes("..")) throw badRequest(field, `must not contain "..", got "${v}"`);
  return v;
}

function validateTags(v: unknown, field = "tags"): string[] {
  if (!Array.isArray(v) || !v.every((t) => typeof t === "string")) {
    throw badRequest(field, "must be an array of strings");
  }
  return [...v];
}

// Dates are epoch seconds; anything this large is almost certainly milliseconds.
const MAX_PLAUSIBLE_EPOCH_SECONDS = 1e11;

function checkFieldValue(field: CustomField, value: unknown, path: string): void {
  if (field.type === "string") {
    if (typeof value !== "string") throw badRequest(path, "must be a string");
  } else if (field.type === "number") {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw badRequest(path, "must be a number");
    }
    const { min, max } = field.range ?? {};
    if (typeof min === "number" && value < min) {
      throw badRequest(path, `must be >= ${min}, got ${value}`);
    }
    if (typeof max === "number" && value > max) {
      throw badRequest(path, `must be <= ${max}, got ${value}`);
    }
  } else if (field.type === "date") {
    if (typeof value !== "number" || !Number.isInteger(value)) {
      throw badRequest(path, "must be a date as integer epoch seconds");
    }
    if (Math.abs(value) >= MAX_PLAUSIBLE_EPOCH_SECONDS) {
      throw badRequest(path, `must be epoch seconds (got ${value}, which looks like milliseconds)`);
    }
  }
  const allowed = field.allowed_values;
  if (allowed && allowed.length > 0 && !allowed.includes(value as string | number)) {
    throw badRequest(
      path,
      `must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${JSON.stringify(value)}`,
    );
  }
}

export function validateCustomMetadata(
  v: unknown,
  schema: CustomMetadataSchema,
): Record<string, unknown> {
  if (!isObject(v)) throw badRequest("custom_metadata", "must be an object");
  const fields = new Map(schema.fields.map((f) => [f.name, f]));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    const path = `custom_metadata[${JSON.stringify(key)}]`;
    const field = fields.get(key);
    if (!field) {
      throw badRequest(path, "is not a custom metadata field defined on this deployment");
    }
    if (Array.isArray(value)) {
      if (!field.multiple) {
        throw badRequest(
          path,
          "takes a single value: the field is not defined with multiple: true, got an array",
        );
      }
      value.forEach((item, i) => checkFieldValue(field, item, `${path}[${i}]`));
      out[key] = [...value];
    } else {
      checkFieldValue(field, value, path);
      out[key] = value;
    }
  }
  for (const f of schema.fields) {
    const v = out[f.name];
    // An empty list gives a multiple field no value at all.
    if (f.required && (v === undefined || (Array.isArray(v) && v.length === 0))) {
      throw badRequest(`custom_metadata[${JSON.stringify(f.name)}]`, "is required");
    }
  }
  return out;
}

export type CreateSource =
  | { kind: "aws"; bucket: string; prefix: string; external: boolean; endpointName?: string }
  | { kind: "gcp"; bucket: string; prefix: string }
  | {
      kind: "computation";
      computation: SeedComputation;
      path: string;
      target?: AwsTarget;
    }
  /** Files captured from a running Cloud Workstation session; a result when run_script is given. */
  | { kind: "cloud_workstation"; session: SeedComputation; path: string; runScript?: string }
  /** `data_asset_ids` without a source; the components as they are now (all ready). */
  | { kind: "combined"; components: WireDataAsset[] };

export interface ResultsInfoInput {
  capsuleId?: string;
  pipelineId?: string;
  version?: number;
  commit?: string;
  runScript?: string;
  dataAssets: string[];
  parameters?: RunParameter[];
  nextflowProfile?: string;
  processes?: PipelineProcess[];
}

export interface CreateInput {
  name: string;
  mount: string;
  description: string;
  tags: string[];
  customMetadata: Record<string, unknown>;
  source: CreateSource;
  /** Only with an aws or gcp source. */
  resultsInfo?: ResultsInfoInput;
}

export interface ValidationContext {
  computations: Map<string, SeedComputation>;
  schema: CustomMetadataSchema;
  /** A data asset as GET would show it now (pending transitions applied). */
  asset: (id: string) => WireDataAsset | undefined;
  hasCapsule: (id: string) => boolean;
  hasPipeline: (id: string) => boolean;
}

function normalizeFolder(p: string): string {
  return p.replace(/^\/+|\/+$/g, "");
}

/**
 * A combined asset is made of two or more ready, external, non-combined assets. Requiring
 * `ready` and refusing nested combined assets are the emulator's choices (the docs only say
 * "two or more external data assets"): a client that combines assets it has just created
 * must wait for them first, which the real service is unlikely to need less.
 */
function validateCombined(body: Obj, ctx: ValidationContext): CreateSource {
  const field = "data_asset_ids";
  if (body.source !== undefined) {
    throw badRequest(
      field,
      "cannot be given together with source: a combined data asset has no source",
    );
  }
  if (body.target !== undefined) {
    throw badRequest("target", "is only allowed with a computation source");
  }
  const ids = body.data_asset_ids;
  if (!Array.isArray(ids) || !ids.every((x) => typeof x === "string")) {
    throw badRequest(field, "must be an array of data asset id strings");
  }
  if (ids.length < 2) {
    throw badRequest(
      field,
      `must list at least two external data assets to combine (got ${ids.length})`,
    );
  }
  const components: WireDataAsset[] = [];
  for (const [i, id] of (ids as string[]).entries()) {
    const at = `${field}[${i}]`;
    const first = ids.indexOf(id);
    if (first !== i) throw badRequest(at, `repeats ${field}[${first}] ("${id}")`);
    const asset = ctx.asset(id);
    if (!asset) throw badRequest(at, `refers to an unknown data asset "${id}"`);
    if (asset.type === "combined") {
      throw badRequest(at, `refers to data asset ${id}, which is itself a combined data asset`);
    }
    if (!asset.source_bucket.external) {
      throw badRequest(
        at,
        `refers to data asset ${id}, which is internal: only external data assets can be combined`,
      );
    }
    if (asset.state !== "ready") {
      throw badRequest(
        at,
        `refers to data asset ${id}, which is not ready (${notReadyDetail(asset)})`,
      );
    }
    components.push(asset);
  }
  return { kind: "combined", components };
}

function validateSource(body: Obj, ctx: ValidationContext): CreateSource {
  if (body.data_asset_ids !== undefined) return validateCombined(body, ctx);
  const source = optObject(body, "source", "source");
  const all = ["aws", "gcp", "computation", "cloud_workstation"];
  const kinds = source ? all.filter((k) => source[k] !== undefined) : [];
  if (!source || kinds.length !== 1) {
    throw badRequest(
      "source",
      `must contain exactly one of ${all.join(", ")} (got ${kinds.length === 0 ? "none" : kinds.join(", ")})`,
    );
  }
  const target = body.target;
  if (target !== undefined && kinds[0] !== "computation") {
    throw badRequest("target", "is only allowed with a computation source");
  }

  if (kinds[0] === "aws") {
    const aws = optObject(source, "aws", "source.aws")!;
    const bucket = optString(aws, "bucket", "source.aws.bucket");
    if (!bucket) throw badRequest("source.aws.bucket", "is required");
    const prefix = optString(aws, "prefix", "source.aws.prefix") ?? "";
    const keep = optBool(aws, "keep_on_external_storage", "source.aws.keep_on_external_storage");
    optBool(aws, "public", "source.aws.public");
    const endpointName = optString(aws, "endpoint_name", "source.aws.endpoint_name");
    return {
      kind: "aws",
      bucket,
      prefix,
      external: keep === true,
      ...(endpointName !== undefined ? { endpointName } : {}),
    };
  }

  if (kinds[0] === "gcp") {
    const gcp = optObject(source, "gcp", "source.gcp")!;
    const bucket = optString(gcp, "bucket", "source.gcp.bucket");
    if (!bucket) throw badRequest("source.gcp.bucket", "is required");
    const prefix = optString(gcp, "prefix", "source.gcp.prefix") ?? "";
    optString(gcp, "client_id", "source.gcp.client_id");
    optString(gcp, "client_secret", "source.gcp.client_secret");
    // client_secret is deliberately not carried further: it must never be stored or echoed.
    return { kind: "gcp", bucket, prefix };
  }

  if (kinds[0] === "cloud_workstation") return validateCloudWorkstation(source, ctx);

  const f = "source.computation";
  const comp = optObject(source, "computation", f)!;
  const computation = knownComputation(comp, f, ctx);
  const path = normalizeFolder(optString(comp, "path", `${f}.path`) ?? "");
  checkFolder(computation, path, `${f}.path`);
  const parsedTarget = target === undefined ? undefined : validateAwsTarget(target);
  return { kind: "computation", computation, path, target: parsedTarget };
}

function knownComputation(o: Obj, field: string, ctx: ValidationContext): SeedComputation {
  const id = optString(o, "id", `${field}.id`);
  if (!id) throw badRequest(`${field}.id`, "is required");
  const computation = ctx.computations.get(id);
  if (!computation) throw badRequest(`${field}.id`, `refers to an unknown computation "${id}"`);
  return computation;
}

/** When the seed lists a computation's folders, `path` must be one of them or inside one. */
function checkFolder(computation: SeedComputation, path: string, field: string): void {
  if (!path || !computation.paths) return;
  const known = computation.paths.map(normalizeFolder);
  if (!known.some((k) => path === k || path.startsWith(k + "/"))) {
    throw badRequest(
      field,
      `"${path}" is not a results folder of computation ${computation.id} (known: ${known.join(", ")})`,
    );
  }
}

/**
 * `source.cloud_workstation` (SDK CloudWorkstationSource): `id` is the computation id of a
 * Cloud Workstation session, `path` (required) the folder inside it to capture, `run_script`
 * the script that produced the files — "its existence determines if the data would be of type
 * result". Files can only be read from a session that runs, so a stopped one is refused.
 */
function validateCloudWorkstation(source: Obj, ctx: ValidationContext): CreateSource {
  const f = "source.cloud_workstation";
  const ws = optObject(source, "cloud_workstation", f)!;
  const session = knownComputation(ws, f, ctx);
  if (!session.cloudWorkstation) {
    throw badRequest(
      `${f}.id`,
      `refers to computation ${session.id}, which is not a Cloud Workstation session (use source.computation for a run's results)`,
    );
  }
  if (session.running === false) {
    throw badRequest(
      `${f}.id`,
      `refers to Cloud Workstation session ${session.id}, which is not running: files can only be captured from a running session`,
    );
  }
  const rawPath = optString(ws, "path", `${f}.path`);
  if (rawPath === undefined) throw badRequest(`${f}.path`, "is required");
  const path = normalizeFolder(rawPath.trim());
  if (path === "") {
    throw badRequest(`${f}.path`, "must name a folder inside the session, not be empty");
  }
  checkFolder(session, path, `${f}.path`);
  const runScript = optString(ws, "run_script", `${f}.run_script`);
  if (runScript !== undefined && runScript.trim() === "") {
    throw badRequest(`${f}.run_script`, "must not be empty (leave it out for a dataset)");
  }
  return {
    kind: "cloud_workstation",
    session,
    path,
    ...(runScript !== undefined ? { runScript } : {}),
  };
}

export interface AwsTarget {
  bucket: string;
  prefix: string;
  endpointName?: string;
}

/** `target` as create (with a computation source) and transfer take it: only `aws`. */
function validateAwsTarget(target: unknown): AwsTarget {
  const shape = 'must be {"aws": {"bucket": string, "prefix": string, "endpoint_name"?: string}}';
  if (!isObject(target) || !isObject(target.aws) || Object.keys(target).length !== 1) {
    throw badRequest("target", shape);
  }
  const bucket = target.aws.bucket;
  if (typeof bucket !== "string" || bucket === "") throw badRequest("target.aws.bucket", shape);
  const prefix = target.aws.prefix ?? "";
  if (typeof prefix !== "string") throw badRequest("target.aws.prefix", "must be a string");
  const endpointName = optString(target.aws, "endpoint_name", "target.aws.endpoint_name");
  return { bucket, prefix, ...(endpointName !== undefined ? { endpointName } : {}) };
}

export interface TransferInput {
  target: AwsTarget;
  force: boolean;
}

/** `POST /data_assets/{id}/transfer`: the SDK's TransferDataParams, `{target, force?}`. */
export function validateTransfer(raw: unknown): TransferInput {
  const body = requireObject(raw);
  if (body.target === undefined) throw badRequest("target", "is required");
  return {
    target: validateAwsTarget(body.target),
    force: optBool(body, "force", "force") ?? false,
  };
}

export function validateCreate(raw: unknown, ctx: ValidationContext): CreateInput {
  const body = requireObject(raw);
  const name = requiredName(body);
  const mount = validateMount(body.mount);
  const tags = body.tags === undefined ? [] : validateTags(body.tags);
  const description = optString(body, "description", "description") ?? "";
  const customMetadata =
    body.custom_metadata === undefined
      ? validateCustomMetadata({}, ctx.schema)
      : validateCustomMetadata(body.custom_metadata, ctx.schema);
  const source = validateSource(body, ctx);
  const input: CreateInput = { name, mount, description, tags, customMetadata, source };
  if (body.results_info !== undefined) {
    if (source.kind !== "aws" && source.kind !== "gcp") {
      throw badRequest(
        "results_info",
        `is only allowed with an aws or gcp source (got ${source.kind === "combined" ? "data_asset_ids" : `a ${source.kind} source`})`,
      );
    }
    input.resultsInfo = validateResultsInfo(body.results_info, ctx);
  }
  return input;
}

function optPositiveInteger(o: Obj, key: string, field: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw badRequest(field, "must be a positive integer");
  }
  return v;
}

function optArray(o: Obj, key: string, field: string): unknown[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw badRequest(field, "must be an array");
  return v;
}

function validateParameters(o: Obj, field: string): RunParameter[] | undefined {
  return optArray(o, "parameters", field)?.map((p, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(p)) throw badRequest(at, "must be an object {name?, param_name?, value}");
    const name = optString(p, "name", `${at}.name`);
    const paramName = optString(p, "param_name", `${at}.param_name`);
    if (p.value === undefined) throw badRequest(`${at}.value`, "is required");
    const value = optString(p, "value", `${at}.value`)!;
    return {
      ...(name !== undefined ? { name } : {}),
      ...(paramName !== undefined ? { param_name: paramName } : {}),
      value,
    };
  });
}

/**
 * `capsule_id` / `pipeline_id` and `data_assets` must name objects this deployment knows
 * (lineage that points nowhere is useless); a process's `capsule_id` is only type-checked,
 * because pipeline processes may run public apps that are not in the deployment.
 */
function validateResultsInfo(raw: unknown, ctx: ValidationContext): ResultsInfoInput {
  const f = "results_info";
  if (!isObject(raw)) throw badRequest(f, "must be an object");
  const capsuleId = optString(raw, "capsule_id", `${f}.capsule_id`);
  const pipelineId = optString(raw, "pipeline_id", `${f}.pipeline_id`);
  if ((capsuleId === undefined) === (pipelineId === undefined)) {
    throw badRequest(
      f,
      `must name exactly one of capsule_id, pipeline_id (got ${capsuleId === undefined ? "neither" : "both"})`,
    );
  }
  if (capsuleId !== undefined && !ctx.hasCapsule(capsuleId)) {
    throw badRequest(`${f}.capsule_id`, `refers to an unknown capsule "${capsuleId}"`);
  }
  if (pipelineId !== undefined && !ctx.hasPipeline(pipelineId)) {
    throw badRequest(`${f}.pipeline_id`, `refers to an unknown pipeline "${pipelineId}"`);
  }
  const dataAssets = (optArray(raw, "data_assets", `${f}.data_assets`) ?? []).map((id, i) => {
    const at = `${f}.data_assets[${i}]`;
    if (typeof id !== "string") throw badRequest(at, "must be a data asset id string");
    if (!ctx.asset(id)) throw badRequest(at, `refers to an unknown data asset "${id}"`);
    return id;
  });
  const processes = optArray(raw, "processes", `${f}.processes`)?.map((p, i) => {
    const at = `${f}.processes[${i}]`;
    if (!isObject(p))
      throw badRequest(at, "must be an object {name, capsule_id, version?, public?, parameters?}");
    const name = optString(p, "name", `${at}.name`);
    if (!name) throw badRequest(`${at}.name`, "is required");
    const capsule = optString(p, "capsule_id", `${at}.capsule_id`);
    if (!capsule) throw badRequest(`${at}.capsule_id`, "is required");
    const version = optPositiveInteger(p, "version", `${at}.version`);
    const isPublic = optBool(p, "public", `${at}.public`);
    const parameters = validateParameters(p, `${at}.parameters`);
    const out: PipelineProcess = { name, capsule_id: capsule };
    if (version !== undefined) out.version = version;
    if (isPublic !== undefined) out.public = isPublic;
    if (parameters !== undefined) out.parameters = parameters;
    return out;
  });
  const out: ResultsInfoInput = { dataAssets };
  if (capsuleId !== undefined) out.capsuleId = capsuleId;
  if (pipelineId !== undefined) out.pipelineId = pipelineId;
  const version = optPositiveInteger(raw, "version", `${f}.version`);
  if (version !== undefined) out.version = version;
  const commit = optString(raw, "commit", `${f}.commit`);
  if (commit !== undefined) out.commit = commit;
  const runScript = optString(raw, "run_script", `${f}.run_script`);
  if (runScript !== undefined) out.runScript = runScript;
  const parameters = validateParameters(raw, `${f}.parameters`);
  if (parameters !== undefined) out.parameters = parameters;
  const profile = optString(raw, "nextflow_profile", `${f}.nextflow_profile`);
  if (profile !== undefined) out.nextflowProfile = profile;
  if (processes !== undefined) out.processes = processes;
  return out;
}

export interface UpdateInput {
  name?: string;
  description?: string;
  tags?: string[];
  mount?: string;
  customMetadata?: Record<string, unknown>;
}

export function validateUpdate(raw: unknown, ctx: ValidationContext): UpdateInput {
  const body = requireObject(raw);
  const out: UpdateInput = {};
  if (body.name !== undefined) out.name = requiredName(body);
  if (body.description !== undefined) {
    out.description = optString(body, "description", "description");
  }
  if (body.tags !== undefined) out.tags = validateTags(body.tags);
  if (body.mount !== undefined) out.mount = validateMount(body.mount);
  if (body.custom_metadata !== undefined) {
    out.customMetadata = validateCustomMetadata(body.custom_metadata, ctx.schema);
  }
  return out;
}

export interface AttachInput {
  id: string;
  mount?: string;
}

export function validateAttach(raw: unknown): AttachInput[] {
  if (!Array.isArray(raw)) {
    throw new ApiError(400, 'request body must be a JSON array of {"id", "mount"} objects');
  }
  return raw.map((entry, i) => {
    const field = `[${i}]`;
    if (!isObject(entry)) throw badRequest(field, 'must be an object {"id", "mount"}');
    const id = entry.id;
    if (typeof id !== "string" || id === "") throw badRequest(`${field}.id`, "is required");
    const mount =
      entry.mount === undefined ? undefined : validateMount(entry.mount, `${field}.mount`);
    return { id, mount };
  });
}

export function validateDetach(raw: unknown): string[] {
  if (!Array.isArray(raw) || !raw.every((x) => typeof x === "string")) {
    throw new ApiError(400, "request body must be a JSON array of data asset id strings");
  }
  return [...raw];
}

export interface PermissionsInput {
  /** Absent (or null) leaves the users as they are. */
  users?: { email: string; role: UserRole }[];
  /** Absent (or null) leaves the groups as they are. */
  groups?: { group: string; role: GroupRole }[];
  everyone: EveryoneRole;
  shareAssets?: boolean;
}

const USER_ROLES: readonly UserRole[] = ["owner", "editor", "viewer"];
const GROUP_ROLES: readonly GroupRole[] = ["owner", "editor", "viewer", "discoverable"];
const EVERYONE_ROLES: readonly EveryoneRole[] = ["viewer", "discoverable", "none"];

function role<T extends string>(v: unknown, allowed: readonly T[], field: string): T {
  if (v === undefined) throw badRequest(field, "is required");
  if (typeof v !== "string" || !allowed.includes(v as T)) {
    throw badRequest(field, `must be one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

/**
 * The API reference marks `users`, `groups` and `everyone` as required, yet production clients
 * (AIND's pipeline monitor) send only `everyone` with `users` and `groups` as null, and the real
 * service accepts that. What null does to existing shares is undocumented: here it leaves that
 * part unchanged (codeocean-api.md's assumption), while `everyone` stays required. Emails
 * compare case-insensitively; repeating a user or a group is refused rather than resolved by
 * order. Any email is accepted: the emulator has no user directory.
 */
export function validatePermissions(raw: unknown): PermissionsInput {
  const body = requireObject(raw);
  const out: PermissionsInput = { everyone: "none" };
  if (body.users !== undefined) {
    if (!Array.isArray(body.users)) throw badRequest("users", "must be an array of {email, role}");
    const emails = new Map<string, number>();
    out.users = body.users.map((u, i) => {
      const at = `users[${i}]`;
      if (!isObject(u)) throw badRequest(at, "must be an object {email, role}");
      if (u.email === undefined) throw badRequest(`${at}.email`, "is required");
      if (typeof u.email !== "string" || !/^[^@\s]+@[^@\s]+$/.test(u.email)) {
        throw badRequest(`${at}.email`, `must be an email address, got ${JSON.stringify(u.email)}`);
      }
      const key = u.email.toLowerCase();
      const seen = emails.get(key);
      if (seen !== undefined) throw badRequest(`${at}.email`, `repeats users[${seen}].email`);
      emails.set(key, i);
      return { email: u.email, role: role(u.role, USER_ROLES, `${at}.role`) };
    });
  }
  if (body.groups !== undefined) {
    if (!Array.isArray(body.groups)) {
      throw badRequest("groups", "must be an array of {group, role}");
    }
    const groupIds = new Map<string, number>();
    out.groups = body.groups.map((g, i) => {
      const at = `groups[${i}]`;
      if (!isObject(g)) throw badRequest(at, "must be an object {group, role}");
      if (g.group === undefined) throw badRequest(`${at}.group`, "is required");
      if (typeof g.group !== "string" || g.group === "") {
        throw badRequest(`${at}.group`, "must be a non-empty string");
      }
      const seen = groupIds.get(g.group);
      if (seen !== undefined) throw badRequest(`${at}.group`, `repeats groups[${seen}].group`);
      groupIds.set(g.group, i);
      return { group: g.group, role: role(g.role, GROUP_ROLES, `${at}.role`) };
    });
  }
  out.everyone = role(body.everyone, EVERYONE_ROLES, "everyone");
  const shareAssets = optBool(body, "share_assets", "share_assets");
  if (shareAssets !== undefined) out.shareAssets = shareAssets;
  return out;
}
