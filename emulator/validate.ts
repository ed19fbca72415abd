import { ApiError, badRequest } from "./reply";
import type { CustomField, CustomMetadataSchema, SeedComputation } from "./types";

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
    if (field.multiple && Array.isArray(value)) {
      value.forEach((item, i) => checkFieldValue(field, item, `${path}[${i}]`));
    } else {
      checkFieldValue(field, value, path);
    }
    out[key] = value;
  }
  for (const f of schema.fields) {
    if (f.required && !(f.name in out)) {
      throw badRequest(`custom_metadata[${JSON.stringify(f.name)}]`, "is required");
    }
  }
  return out;
}

export type CreateSource =
  | { kind: "aws"; bucket: string; prefix: string; external: boolean }
  | { kind: "gcp"; bucket: string; prefix: string }
  | {
      kind: "computation";
      computation: SeedComputation;
      path: string;
      target?: { bucket: string; prefix: string };
    };

export interface CreateInput {
  name: string;
  mount: string;
  description: string;
  tags: string[];
  customMetadata: Record<string, unknown>;
  source: CreateSource;
}

export interface ValidationContext {
  computations: Map<string, SeedComputation>;
  schema: CustomMetadataSchema;
}

function normalizeFolder(p: string): string {
  return p.replace(/^\/+|\/+$/g, "");
}

function validateSource(body: Obj, ctx: ValidationContext): CreateSource {
  if (body.data_asset_ids !== undefined) {
    throw badRequest(
      "data_asset_ids",
      "(combined data assets) is not supported by the emulator; use source",
    );
  }
  const source = optObject(body, "source", "source");
  const kinds = source ? ["aws", "gcp", "computation"].filter((k) => source[k] !== undefined) : [];
  if (!source || kinds.length !== 1) {
    throw badRequest(
      "source",
      `must contain exactly one of aws, gcp, computation (got ${kinds.length === 0 ? "none" : kinds.join(", ")})`,
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
    optString(aws, "endpoint_name", "source.aws.endpoint_name");
    return { kind: "aws", bucket, prefix, external: keep === true };
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

  const comp = optObject(source, "computation", "source.computation")!;
  const id = optString(comp, "id", "source.computation.id");
  if (!id) throw badRequest("source.computation.id", "is required");
  const computation = ctx.computations.get(id);
  if (!computation)
    throw badRequest("source.computation.id", `refers to an unknown computation "${id}"`);
  const path = normalizeFolder(optString(comp, "path", "source.computation.path") ?? "");
  if (path && computation.paths) {
    const known = computation.paths.map(normalizeFolder);
    if (!known.some((k) => path === k || path.startsWith(k + "/"))) {
      throw badRequest(
        "source.computation.path",
        `"${path}" is not a results folder of computation ${id} (known: ${known.join(", ")})`,
      );
    }
  }
  let parsedTarget: { bucket: string; prefix: string } | undefined;
  if (target !== undefined) {
    const shape = 'must be {"aws": {"bucket": string, "prefix": string}}';
    if (!isObject(target) || !isObject(target.aws) || Object.keys(target).length !== 1) {
      throw badRequest("target", shape);
    }
    const bucket = target.aws.bucket;
    if (typeof bucket !== "string" || bucket === "") throw badRequest("target.aws.bucket", shape);
    const prefix = target.aws.prefix ?? "";
    if (typeof prefix !== "string") throw badRequest("target.aws.prefix", "must be a string");
    parsedTarget = { bucket, prefix };
  }
  return { kind: "computation", computation, path, target: parsedTarget };
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
  return { name, mount, description, tags, customMetadata, source };
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
