/**
 * What `DataAsset` does, run inside the Pulumi provider host. Reached at run time through
 * `require("pulumi-codeocean/runtime")` from the tiny serialized shim in dataAsset.ts, so
 * that refresh and destroy always run the installed code, and configuration is read here,
 * never captured.
 */
import { z } from "zod";
import type { CodeOceanClient } from "../api/client";
import { CodeOceanError, NotFoundError } from "../api/errors";
import { redact, registerSecret } from "../api/redact";
import { outcomeUnknown } from "../api/retry";
import type {
  CustomMetadataField,
  DataAsset as RemoteAsset,
  UpdateDataAssetParams,
} from "../api/schemas";
import { getClient, isConfigured, pollSchedules } from "../config";
import { ReadinessEstimate, Verdict, WaitTimeoutError, waitUntil } from "../waiter";
import {
  CheckFailure,
  typeErrorOnly,
  UNKNOWN,
  codeOceanId,
  containsUnknown,
  mountName,
  nonEmptyString,
  parseChecked as parseValid,
  propertyPath,
  readyTimeoutSeconds,
  typeError,
  validate,
} from "./inputs";
import { PartialFailure, PROVIDER_KEY, withProvider } from "./partialFailure";

// ---------------------------------------------------------------------------------------
// Inputs: the one schema `check` validates with; the TypeScript types derive from it.

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

const AwsSourceSchema = z.strictObject(
  {
    bucket: s3Bucket,
    prefix: folderPath("runs/2026-11/"),
    keepOnExternalStorage: z.boolean({ error: typeError("true or false") }).default(false),
    public: z.boolean({ error: typeError("true or false") }).default(false),
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

const SourceSchema = z
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
    const given = (["aws", "gcp", "computation"] as const).filter((k) => s[k] !== undefined);
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

export const DataAssetInputsSchema = z
  .strictObject({
    name: nonEmptyString('"RNA-Sequencing reads"').pipe(
      z.string().max(255, "must be at most 255 characters"),
    ),
    mount: mountName,
    description: z.string({ error: typeError("a string") }).default(""),
    tags: z
      .array(nonEmptyString('"genomics"'), {
        error: typeError('a list of strings, e.g. ["genomics"]'),
      })
      .default([]),
    customMetadata: z
      .record(z.string().min(1, "keys must not be empty: use the field's name"), MetadataValue, {
        error: typeErrorOnly('a map of field name to value, e.g. { "subject id": "S-001" }'),
      })
      .default({}),
    source: SourceSchema.optional(),
    target: TargetSchema.optional(),
    onDelete: z
      .enum(ON_DELETE, {
        error:
          'must be "archive" (default), "delete" (archive, then delete permanently) or "retain"',
      })
      .default("archive"),
    waitForReady: z.boolean({ error: typeError("true or false") }).default(true),
    readyTimeoutSeconds: readyTimeoutSeconds.default(1800),
    adoptExistingId: codeOceanId("data asset").optional(),
    /** The GCP client secret, split out of `source` by the DataAsset class so the state encrypts it. */
    gcpClientSecret: z.string({ error: typeError("a string") }).optional(),
  })
  .superRefine((v, ctx) => {
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
        message: "clientId and clientSecret go together: give both, or neither for a public bucket",
      });
    }
    if (v.source === undefined && v.adoptExistingId === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["source"],
        message:
          "is required: give exactly one of source.aws, source.gcp or source.computation (or adoptExistingId to manage an existing asset)",
      });
    }
    if (
      v.target !== undefined &&
      v.source !== undefined &&
      v.source.computation === undefined &&
      !containsUnknown(v.source)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["target"],
        message:
          "is only allowed with a computation source (it stores a run's results in your bucket); remove it or use source.computation",
      });
    }
  });

export type DataAssetInputs = z.output<typeof DataAssetInputsSchema>;

/** The effective GCP client secret: the split-out input, or one given inside source.gcp. */
function gcpClientSecret(v: {
  gcpClientSecret?: string;
  source?: { gcp?: { clientSecret: string } };
}): string {
  return v.gcpClientSecret || v.source?.gcp?.clientSecret || "";
}
export type DataAssetInputsIn = z.input<typeof DataAssetInputsSchema>;

// ---------------------------------------------------------------------------------------
// Outputs

/** The source as stored in outputs: the GCP client secret never is. */
export type StoredSource =
  | { aws: z.output<typeof AwsSourceSchema> }
  | { gcp: { bucket: string; prefix: string; clientId: string } }
  | { computation: z.output<typeof ComputationSourceSchema> };

export interface DataAssetOutputs {
  name: string;
  mount: string;
  description: string;
  tags: string[];
  customMetadata: Record<string, string | number>;
  source: StoredSource | null;
  target: { aws: { bucket: string; prefix: string } } | null;
  onDelete: (typeof ON_DELETE)[number];
  waitForReady: boolean;
  readyTimeoutSeconds: number;
  adoptExistingId: string;
  state: string;
  type: string;
  created: number;
  lastUsed: number;
  size: number;
  files: number;
  owner: string;
  external: boolean;
  archived: boolean;
  sourceBucket: { origin: string; bucket: string; prefix: string; external: boolean };
  provenance: Record<string, unknown>;
  failureReason: string;
}

export function storedSource(source: DataAssetInputs["source"]): StoredSource | null {
  if (!source) return null;
  if (source.aws) return { aws: source.aws };
  if (source.gcp)
    return {
      gcp: { bucket: source.gcp.bucket, prefix: source.gcp.prefix, clientId: source.gcp.clientId },
    };
  if (source.computation) return { computation: source.computation };
  return null;
}

/** Outputs from the declared inputs and what Code Ocean says about the asset. */
export function toOutputs(
  inputs: DataAssetInputs,
  asset: RemoteAsset,
  archived: boolean,
): DataAssetOutputs {
  return {
    name: asset.name,
    mount: asset.mount,
    description: asset.description,
    tags: asset.tags,
    customMetadata: asset.customMetadata,
    source: storedSource(inputs.source),
    target: inputs.target ?? null,
    onDelete: inputs.onDelete,
    waitForReady: inputs.waitForReady,
    readyTimeoutSeconds: inputs.readyTimeoutSeconds,
    adoptExistingId: inputs.adoptExistingId ?? "",
    state: asset.state,
    type: asset.type,
    created: asset.created,
    lastUsed: asset.lastUsed,
    size: asset.size,
    files: asset.files,
    owner: asset.owner,
    external: asset.sourceBucket?.external ?? false,
    archived,
    sourceBucket: asset.sourceBucket ?? { origin: "", bucket: "", prefix: "", external: false },
    provenance: asset.provenance,
    // Written to the state: a server that echoes a request back must not put a secret there.
    failureReason: redact(asset.failureReason),
  };
}

// ---------------------------------------------------------------------------------------
// Diff: pure, so the table is tested without servers.

const sortedTags = (t: unknown) => (Array.isArray(t) ? [...t].map(String).sort() : t);
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, val) =>
    val && typeof val === "object" && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => (a < b ? -1 : 1)))
      : val,
  ) ?? "null";
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/**
 * Metadata the PUT can change, and the value each should become. `current` may be stored
 * outputs from an older version, with fields missing.
 */
export function metadataChanges(
  current: Partial<
    Pick<DataAssetOutputs, "name" | "description" | "tags" | "mount" | "customMetadata">
  >,
  desired: Pick<DataAssetInputs, "name" | "description" | "tags" | "mount" | "customMetadata">,
): UpdateDataAssetParams {
  const changes: UpdateDataAssetParams = {};
  if ((current.name ?? "") !== desired.name) changes.name = desired.name;
  if ((current.description ?? "") !== desired.description)
    changes.description = desired.description;
  if (!same(sortedTags(current.tags ?? []), sortedTags(desired.tags))) changes.tags = desired.tags;
  if ((current.mount ?? "") !== desired.mount) changes.mount = desired.mount;
  // The whole map is sent: whether Code Ocean merges or replaces it is undocumented.
  if (!same(current.customMetadata ?? {}, desired.customMetadata))
    changes.customMetadata = desired.customMetadata;
  return changes;
}

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/**
 * olds are the stored outputs, news the checked inputs. Source, target and adoption
 * cannot change in place (Code Ocean fixes them at creation): replace. A failed asset is
 * replaced too. Metadata and provider-side settings update in place. `__provider` is
 * ignored: it is a stable shim, and the installed package version is what runs.
 */
export function diffDataAsset(olds: Partial<DataAssetOutputs>, news: DataAssetInputs): DiffResult {
  const replaces: string[] = [];
  if (!same(olds.source ?? null, storedSource(news.source))) replaces.push("source");
  if (!same(olds.target ?? null, news.target ?? null)) replaces.push("target");
  if ((olds.adoptExistingId ?? "") !== (news.adoptExistingId ?? ""))
    replaces.push("adoptExistingId");
  if (olds.state === "failed" && !news.adoptExistingId && !replaces.length) replaces.push("state");
  const metadata = Object.keys(metadataChanges(olds, news));
  const settings =
    olds.onDelete !== news.onDelete ||
    olds.waitForReady !== news.waitForReady ||
    olds.readyTimeoutSeconds !== news.readyTimeoutSeconds;
  const resume = olds.state === "draft" && news.waitForReady;
  const unarchive = olds.archived === true;
  return {
    changes: replaces.length > 0 || metadata.length > 0 || settings || resume || unarchive,
    replaces,
    deleteBeforeReplace: false,
  };
}

// ---------------------------------------------------------------------------------------
// Custom metadata against the deployment's schema (GET /custom_metadata).

/** Failures for values that the deployment's admin-defined schema would reject. */
export function validateCustomMetadata(
  values: Record<string, unknown>,
  fields: CustomMetadataField[],
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const byName = new Map(fields.map((f) => [f.name, f]));
  const prop = (k: string) => propertyPath(["customMetadata", k]);
  for (const [key, value] of Object.entries(values)) {
    if (value === UNKNOWN) continue;
    const field = byName.get(key);
    if (!field) {
      const known = fields.map((f) => JSON.stringify(f.name)).join(", ");
      failures.push({
        property: prop(key),
        reason: `is not a custom metadata field of this deployment; known fields: ${known || "(none)"}`,
      });
      continue;
    }
    const wantsNumber = field.type === "number" || field.type === "date";
    if (wantsNumber && typeof value !== "number") {
      failures.push({
        property: prop(key),
        reason:
          field.type === "date"
            ? "is a date field: give epoch seconds as a number, e.g. 1676246400"
            : "is a number field: give a number",
      });
      continue;
    }
    if (field.type === "string" && typeof value !== "string") {
      failures.push({ property: prop(key), reason: "is a text field: give a string" });
      continue;
    }
    if (typeof value === "number") {
      if (field.min !== undefined && value < field.min)
        failures.push({ property: prop(key), reason: `must be at least ${field.min}` });
      if (field.max !== undefined && value > field.max)
        failures.push({ property: prop(key), reason: `must be at most ${field.max}` });
    }
    if (field.allowedValues?.length && !field.allowedValues.includes(value as string | number)) {
      failures.push({
        property: prop(key),
        reason: `must be one of ${field.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`,
      });
    }
  }
  for (const f of fields) {
    if (f.required && !(f.name in values))
      failures.push({
        property: prop(f.name),
        reason: "is required by this deployment's custom metadata schema",
      });
  }
  return failures;
}

let metadataSchema: Promise<CustomMetadataField[] | undefined> | undefined;

/** The deployment's schema, fetched once per process; undefined (with one note) if unreachable. */
function deploymentMetadataSchema(): Promise<CustomMetadataField[] | undefined> {
  metadataSchema ??= getClient()
    .getCustomMetadataSchema()
    .catch((error: unknown) => {
      console.error(
        redact(
          `pulumi-codeocean: customMetadata not checked against the deployment's schema at preview: ${String(error)}`,
        ),
      );
      return undefined;
    });
  return metadataSchema;
}

/** Forgets process-wide caches (tests). */
export function resetDataAssetCaches(): void {
  metadataSchema = undefined;
}

// ---------------------------------------------------------------------------------------
// Waiting

/** What similar assets took in this process (see ReadinessEstimate). */
const readiness = new ReadinessEstimate();

function readinessVerdict(asset: RemoteAsset): Verdict {
  if (asset.state === "ready") return { done: true };
  if (asset.state === "draft") return { done: false };
  if (asset.state === "failed")
    return {
      error: new CodeOceanError(
        `Code Ocean could not create data asset "${asset.name}" (id ${asset.id}): ${asset.failureReason || "no reason given"}. ` +
          "The asset is kept in the stack; fix the cause (e.g. the bucket's permissions or path) and run `pulumi up` again: it replaces the failed asset.",
      ),
    };
  return {
    error: new CodeOceanError(
      `Data asset "${asset.name}" (id ${asset.id}) is in state "${asset.state}", which this provider does not know. Upgrade pulumi-codeocean.`,
    ),
  };
}

async function waitForReady(
  client: CodeOceanClient,
  asset: RemoteAsset,
  timeoutSeconds: number,
  startedAt: number,
  observe: (a: RemoteAsset) => void,
) {
  return waitUntil<RemoteAsset>({
    initial: asset,
    poll: () => client.getDataAsset(asset.id),
    verdict: readinessVerdict,
    observe,
    startedAt,
    timeoutMs: timeoutSeconds * 1000,
    schedule: pollSchedules().asset,
    estimate: readiness,
    onTimeout: (last, waitedMs) =>
      new WaitTimeoutError(
        `Data asset "${asset.name}" (id ${asset.id}) is still in state ${last?.state ?? "draft"} after ${Math.round(waitedMs / 1000)} s (readyTimeoutSeconds: ${timeoutSeconds}). ` +
          "It is recorded in the stack; the next `pulumi up` resumes waiting. Raise readyTimeoutSeconds for large imports, or set waitForReady: false.",
        waitedMs,
      ),
  });
}

// ---------------------------------------------------------------------------------------
// Create helpers

/**
 * Code Ocean has no idempotency key, so after a create whose fate is unknown (connection
 * reset, timeout, 5xx from a gateway, an unreadable body) the only way to know whether an
 * asset exists is to look: search for an asset with this exact name and mount created since
 * just before the request. One match is this resource's asset and is taken over (so it is
 * never orphaned); none means nothing was created and the original error stands; several
 * cannot be told apart and are reported by id.
 */
async function reconcileCreate(
  client: CodeOceanClient,
  error: unknown,
  inputs: DataAssetInputs,
  startedMs: number,
): Promise<RemoteAsset> {
  if (!outcomeUnknown(error)) throw error;
  const message = error instanceof Error ? error.message : String(error);
  // Clock skew between this machine and Code Ocean: look five minutes further back.
  const since = Math.floor(startedMs / 1000) - 300;
  const query = inputs.name.includes('"')
    ? `name:${inputs.name.split('"')[0]}`
    : `name:"${inputs.name}"`;
  const matches: RemoteAsset[] = [];
  try {
    for await (const a of client.searchDataAssets({
      query,
      sortField: "created",
      sortOrder: "desc",
      limit: 100,
    })) {
      if (a.created < since) break;
      if (a.name === inputs.name && a.mount === inputs.mount) matches.push(a);
    }
  } catch (searchError) {
    throw new CodeOceanError(
      `${message} Whether Code Ocean created data asset "${inputs.name}" is unknown, and searching for it failed too (${String(searchError)}). ` +
        `Before running \`pulumi up\` again, search Code Ocean for assets named "${inputs.name}" created just now, and adopt one with adoptExistingId or archive it.`,
    );
  }
  // The search result is a full asset: a further GET could fail and leave it unrecorded.
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    throw new CodeOceanError(
      `${message} No data asset named "${inputs.name}" was created (checked by search), so nothing is orphaned; run \`pulumi up\` again.`,
    );
  }
  throw new CodeOceanError(
    `${message} Several data assets named "${inputs.name}" with mount "${inputs.mount}" were created just now (ids ${matches.map((m) => m.id).join(", ")}); ` +
      "the provider cannot tell which one is this resource's. Set adoptExistingId to the right one and archive the others.",
  );
}

/** Whether Code Ocean lists the asset among archived ones (the asset object has no such flag). */
async function isArchived(client: CodeOceanClient, asset: RemoteAsset): Promise<boolean> {
  const query = asset.name.includes('"')
    ? `name:${asset.name.split('"')[0]}`
    : `name:"${asset.name}"`;
  for await (const a of client.searchDataAssets({ query, archived: true, limit: 1000 })) {
    if (a.id === asset.id) return true;
  }
  return false;
}

function toCreateParams(inputs: DataAssetInputs) {
  const source = inputs.source!;
  return {
    name: inputs.name,
    mount: inputs.mount,
    tags: inputs.tags,
    description: inputs.description,
    customMetadata: Object.keys(inputs.customMetadata).length ? inputs.customMetadata : undefined,
    source: {
      aws: source.aws,
      gcp: source.gcp && {
        bucket: source.gcp.bucket,
        prefix: source.gcp.prefix || undefined,
        clientId: source.gcp.clientId || undefined,
        clientSecret: gcpClientSecret(inputs) || undefined,
      },
      computation: source.computation && {
        id: source.computation.id,
        path: source.computation.path || undefined,
      },
    },
    target: inputs.target,
  };
}

// ---------------------------------------------------------------------------------------
// The provider

type Props = Record<string, unknown>;

function parseChecked(news: Props): DataAssetInputs {
  const inputs = parseValid(DataAssetInputsSchema, news, "DataAsset");
  registerSecret(gcpClientSecret(inputs));
  return inputs;
}

export const dataAssetProvider = {
  async check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
    const { [PROVIDER_KEY]: provider, ...raw } = news;
    const result = validate(DataAssetInputsSchema, raw);
    if (!result.ok) return { inputs: news, failures: result.failures };
    const inputs = result.value;
    registerSecret(gcpClientSecret(inputs));
    const failures: CheckFailure[] = [];
    const metadata = inputs.customMetadata;
    // Only new or changed metadata is checked remotely, so an unchanged stack previews with no API call.
    if (
      Object.keys(metadata).length &&
      !same(metadata, olds.customMetadata ?? {}) &&
      !containsUnknown(metadata) &&
      isConfigured()
    ) {
      const fields = await deploymentMetadataSchema();
      if (fields) failures.push(...validateCustomMetadata(metadata, fields));
    }
    return { inputs: withProvider(inputs as Props, provider), failures };
  },

  async diff(_id: string, olds: Props, news: Props): Promise<DiffResult> {
    const { [PROVIDER_KEY]: _p, ...raw } = news;
    const parsed = validate(DataAssetInputsSchema, raw);
    // Unknown values during preview fail parsing: an unknown replace-triggering input may
    // replace; known ones are compared normally.
    if (!parsed.ok)
      return {
        changes: true,
        replaces: replacesWithUnknowns(olds, raw),
        deleteBeforeReplace: false,
      };
    return diffDataAsset(olds as Partial<DataAssetOutputs>, parsed.value);
  },

  async create(news: Props): Promise<{ id: string; outs: Props }> {
    const inputs = parseChecked(news);
    const client = getClient();
    const startedAt = Date.now();
    let asset: RemoteAsset;
    let archived = false;
    if (inputs.adoptExistingId) {
      const existing = await client.findDataAsset(inputs.adoptExistingId);
      if (!existing) {
        throw new CodeOceanError(
          `adoptExistingId: no data asset with id ${inputs.adoptExistingId} exists (HTTP 404), or the token cannot see it. Check the id in Code Ocean, or remove adoptExistingId to create a new asset.`,
        );
      }
      asset = existing;
      archived = await isArchived(client, existing).catch(() => false);
    } else {
      try {
        asset = await client.createDataAsset(toCreateParams(inputs));
      } catch (error) {
        asset = await reconcileCreate(client, error, inputs, startedAt);
      }
    }
    // Waiting is timed from Code Ocean's acceptance, not from the time spent in our queue.
    const acceptedAt = Date.now();
    // From here on the asset exists: every failure must carry its id so the engine records it.
    let last = asset;
    try {
      if (inputs.adoptExistingId) {
        const changes = metadataChanges(asset, inputs);
        if (Object.keys(changes).length) last = await client.updateDataAsset(asset.id, changes);
        if (archived) {
          await client.unarchiveDataAsset(asset.id);
          archived = false;
        }
      }
      if (inputs.waitForReady) {
        last = await waitForReady(
          client,
          last,
          inputs.readyTimeoutSeconds,
          acceptedAt,
          (a) => (last = a),
        );
      }
    } catch (error) {
      throw new PartialFailure(
        error,
        asset.id,
        withProvider(toOutputs(inputs, last, archived) as unknown as Props, news[PROVIDER_KEY]),
      );
    }
    return { id: asset.id, outs: toOutputs(inputs, last, archived) as unknown as Props };
  },

  async read(id: string, props: Props): Promise<{ id: string; props: Props; inputs?: Props }> {
    const client = getClient();
    const asset = await client.findDataAsset(id);
    if (!asset) return { id: "", props: {} };
    const archived = await isArchived(client, asset);
    const old = props as Partial<DataAssetOutputs>;
    // Settings Code Ocean does not know keep their stored values (defaults for a fresh `get`).
    const settings: DataAssetInputs = {
      name: asset.name,
      mount: asset.mount,
      description: asset.description,
      tags: asset.tags,
      customMetadata: asset.customMetadata,
      onDelete: ON_DELETE.find((v) => v === old.onDelete) ?? "archive",
      waitForReady: old.waitForReady ?? true,
      readyTimeoutSeconds: old.readyTimeoutSeconds ?? 1800,
    };
    const outs: DataAssetOutputs = {
      ...toOutputs(settings, asset, archived),
      source: old.source ?? null,
      target: old.target ?? null,
      adoptExistingId: old.adoptExistingId ?? "",
    };
    // Inputs mirror the remote metadata so the next diff shows drift (e.g. a rename in the web UI).
    const inputs: Props = {
      name: asset.name,
      mount: asset.mount,
      description: asset.description,
      tags: asset.tags,
      customMetadata: asset.customMetadata,
      onDelete: outs.onDelete,
      waitForReady: outs.waitForReady,
      readyTimeoutSeconds: outs.readyTimeoutSeconds,
    };
    if (outs.source) inputs.source = outs.source;
    if (outs.target) inputs.target = outs.target;
    if (outs.adoptExistingId) inputs.adoptExistingId = outs.adoptExistingId;
    return { id, props: outs as unknown as Props, inputs };
  },

  async update(id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
    const inputs = parseChecked(news);
    const old = olds as Partial<DataAssetOutputs>;
    const client = getClient();
    const changes = metadataChanges(old, inputs);
    let asset: RemoteAsset | undefined;
    if (Object.keys(changes).length) asset = await client.updateDataAsset(id, changes);
    if (old.archived) await client.unarchiveDataAsset(id);
    const needsWait = inputs.waitForReady && (asset?.state ?? old.state) === "draft";
    if (!asset && (needsWait || old.archived)) asset = await client.getDataAsset(id);
    if (!asset) {
      // Only provider-side settings changed: no call to Code Ocean.
      return { outs: { ...olds, ...settingsOf(inputs), archived: false } };
    }
    let last = asset;
    if (needsWait) {
      try {
        last = await waitForReady(
          client,
          asset,
          inputs.readyTimeoutSeconds,
          Date.now(),
          (a) => (last = a),
        );
      } catch (error) {
        throw new PartialFailure(
          error,
          id,
          withProvider(toOutputs(inputs, last, false) as unknown as Props, news[PROVIDER_KEY]),
        );
      }
    }
    return { outs: toOutputs(inputs, last, false) as unknown as Props };
  },

  async delete(id: string, props: Props): Promise<void> {
    const onDelete = (props.onDelete as string | undefined) ?? "archive";
    if (onDelete === "retain") return;
    const client = getClient();
    try {
      // Archiving is idempotent and never waits, also for an asset still in draft.
      await client.archiveDataAsset(id);
      if (onDelete === "delete") await client.deleteDataAsset(id);
    } catch (error) {
      if (error instanceof NotFoundError) return;
      throw error;
    }
  },
};

function replacesWithUnknowns(olds: Props, raw: Props): string[] {
  const replaces: string[] = [];
  const source = raw.source === undefined ? undefined : SourceSchema.safeParse(raw.source);
  if (
    containsUnknown(raw.source) ||
    (source && !source.success) ||
    !same(olds.source ?? null, storedSource(source?.data))
  )
    replaces.push("source");
  if (containsUnknown(raw.target) || !same(olds.target ?? null, raw.target ?? null))
    replaces.push("target");
  if (
    containsUnknown(raw.adoptExistingId) ||
    (olds.adoptExistingId ?? "") !== (raw.adoptExistingId ?? "")
  )
    replaces.push("adoptExistingId");
  return replaces;
}

function settingsOf(inputs: DataAssetInputs): Props {
  return {
    onDelete: inputs.onDelete,
    waitForReady: inputs.waitForReady,
    readyTimeoutSeconds: inputs.readyTimeoutSeconds,
    source: storedSource(inputs.source),
    target: inputs.target ?? null,
    adoptExistingId: inputs.adoptExistingId ?? "",
  };
}
