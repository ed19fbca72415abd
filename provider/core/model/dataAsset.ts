/**
 * Code Ocean's data-asset objects, declared once (see declare/types.ts): where the data comes
 * from, where results go, who may see an asset, the lineage of imported results, and what
 * Code Ocean reports back (bucket, provenance, parts, run parameters). The client builds its
 * request bodies from these declarations, the DataAsset table its inputs and outputs, and the
 * schema, the TypeScript declarations and the reference tables follow from them.
 */
import { z } from "zod";
import * as t from "../../declare/types";
import { typeError } from "../../declare/validate";
import {
  codeOceanId,
  matching,
  mountName,
  noDuplicates,
  nonEmptyString,
  safeKeys,
  visibleText,
} from "./checks";

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const GCS_BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
/** What Code Ocean accepts as a user: an e-mail address. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const s3Bucket = t.string(
  z
    .string({ error: typeError('an S3 bucket name, e.g. "acme-rna-reads"') })
    .superRefine(
      matching(
        S3_BUCKET,
        /[a-z0-9.-]/,
        /[a-z0-9]/,
        "must be an S3 bucket name: 3-63 lowercase ASCII letters, digits, dots and hyphens, starting and ending with a letter or digit (no s3:// prefix, no folder: put that in prefix)",
      ),
    ),
);

const folderPath = (example: string) =>
  t.string(
    z
      .string({ error: typeError(`a folder path, e.g. "${example}"`) })
      .refine((p) => !p.split("/").includes(".."), 'must not contain ".." segments'),
  );

const flag = () => t.boolean();

const endpointName = t.optional(
  t.string(nonEmptyString('"onprem-minio" (the name of a custom S3 endpoint)')),
  "A custom S3 endpoint configured in your deployment (e.g. an on-premises object store), by name.",
);

// ---------------------------------------------------------------------------------------
// Where the data comes from

export const AwsSource = t.object(
  "AwsSource",
  "Import from an S3 bucket.",
  {
    bucket: t.required(s3Bucket, "The bucket name, without `s3://`."),
    prefix: t.defaulted(
      folderPath("runs/2026-11/"),
      "",
      "Key prefix (folder) inside the bucket; empty for the whole bucket.",
    ),
    keepOnExternalStorage: t.defaulted(
      flag(),
      false,
      "`true`: leave the files in S3 (an *external* asset); `false`: copy them into Code Ocean.",
    ),
    public: t.defaulted(
      flag(),
      false,
      "`true`: read the bucket without credentials; `false`: Code Ocean uses its configured cloud credentials.",
    ),
    endpointName,
  },
  { expected: 'an object, e.g. { bucket: "acme-reads", prefix: "runs/" }' },
);

export const GcpSource = t.object(
  "GcpSource",
  "Import from a Google Cloud Storage bucket.",
  {
    bucket: t.required(
      t.string(
        z
          .string({ error: typeError('a GCS bucket name, e.g. "acme-imaging"') })
          .superRefine(
            matching(
              GCS_BUCKET,
              /[a-z0-9._-]/,
              /[a-z0-9]/,
              "must be a GCS bucket name: lowercase ASCII letters, digits, dots, hyphens and underscores (no gs:// prefix, no folder: put that in prefix)",
            ),
          ),
      ),
      "The bucket name, without `gs://`.",
    ),
    prefix: t.defaulted(folderPath("scans/"), "", "Folder inside the bucket."),
    clientId: t.defaulted(
      t.string("a string: the service account's client id"),
      "",
      'Service-account client id, for private buckets (`""` for a public bucket).',
    ),
    clientSecret: t.defaulted(
      t.string("a string: the service account's client secret"),
      "",
      "Service-account client secret, for private buckets. Kept encrypted in the state, never in outputs.",
      { secret: true },
    ),
  },
  { expected: 'an object, e.g. { bucket: "acme-imaging", prefix: "scans/" }' },
);

export const ComputationSource = t.object(
  "ComputationSource",
  "Capture a computation's (run's) results.",
  {
    id: t.required(t.string(codeOceanId("computation")), "The computation (run) id."),
    path: t.defaulted(
      folderPath("results/figures"),
      "",
      "Folder inside the run's results; empty for all results.",
    ),
  },
  { expected: 'an object, e.g. { id: "<computation id>", path: "figures" }' },
);

export const CloudWorkstationSource = t.object(
  "CloudWorkstationSource",
  "Capture files from a running Cloud Workstation session.",
  {
    id: t.required(
      t.string(codeOceanId("Cloud Workstation session (its computation)")),
      "The session's computation id.",
    ),
    path: t.required(
      t.string(
        z
          .string({
            error: typeError('the folder in the session to capture, e.g. "results/figures"'),
          })
          .trim()
          .min(1, 'must not be empty: the folder in the session to capture, e.g. "results/figures"')
          .refine((p) => !p.split("/").includes(".."), 'must not contain ".." segments'),
      ),
      'The folder in the session to capture, e.g. `"results/figures"`.',
    ),
    runScript: t.optional(
      t.string(
        z
          .string({
            error: typeError('the script that ran, relative to the capsule, e.g. "code/run"'),
          })
          .min(
            1,
            'must not be empty: leave it out for a dataset, or give the script, e.g. "code/run"',
          ),
      ),
      'The script that ran, relative to the capsule (e.g. `"code/run"`): the asset is then a *result* with the session\'s lineage; without it, a dataset.',
    ),
  },
  { expected: 'an object, e.g. { id: "<session computation id>", path: "results/figures" }' },
);

export const CombinedSource = t.object(
  "CombinedSource",
  "Join existing external assets into one (a *combined* asset).",
  {
    dataAssetIds: t.required(
      t.array(t.string(codeOceanId("data asset")), {
        expected: "a list of data asset ids, e.g. [reads.id, reference.id]",
        refine: (list) =>
          list
            .min(2, "needs two or more data asset ids: a combined asset joins external assets")
            .refine((ids) => new Set(ids).size === ids.length, "must not list an asset twice"),
      }),
      "Two or more external data assets, e.g. `[reads.id, reference.id]`.",
    ),
  },
  { expected: "an object, e.g. { dataAssetIds: [reads.id, reference.id] }" },
);

const SOURCE_KINDS = ["aws", "gcp", "computation", "cloudWorkstation", "combined"] as const;

export const DataAssetSource = t.object(
  "DataAssetSource",
  "Where the data comes from: exactly one of `aws`, `gcp`, `computation`, `cloudWorkstation`, `combined`. Changing it replaces the asset.",
  {
    aws: t.optional(AwsSource, "An S3 bucket (dataset asset)."),
    gcp: t.optional(GcpSource, "A GCS bucket (dataset asset)."),
    computation: t.optional(ComputationSource, "A run's results (result asset)."),
    cloudWorkstation: t.optional(
      CloudWorkstationSource,
      "Files in a running Cloud Workstation session (a dataset, or a result with `runScript`).",
    ),
    combined: t.optional(CombinedSource, "Other external assets, joined (combined asset)."),
  },
  {
    expected:
      'an object with one of aws, gcp, computation or cloudWorkstation, e.g. { aws: { bucket: "acme-reads" } } (or combined, to join assets)',
    rules: [
      (s, ctx) => {
        const given = SOURCE_KINDS.filter((k) => s[k] !== undefined);
        if (given.length === 1) return;
        ctx.addIssue({
          code: "custom",
          path: [],
          message:
            given.length === 0
              ? 'needs exactly one of aws, gcp, computation or cloudWorkstation (e.g. source: { aws: { bucket: "acme-reads" } }), or combined to join assets'
              : `needs exactly one of aws, gcp, computation or cloudWorkstation, not ${given.join(" and ")}: declare one DataAsset per source (or combined alone, to join assets)`,
        });
      },
    ],
  },
);

// ---------------------------------------------------------------------------------------
// Where results go

export const S3Target = t.object(
  "S3Target",
  "Where a computation's results go in your own S3 bucket.",
  {
    bucket: t.required(s3Bucket, "The bucket name, without `s3://`."),
    prefix: t.required(
      t.string('a key prefix, e.g. "results/"'),
      "Key prefix to write the results under.",
    ),
    endpointName,
  },
  { expected: 'an object, e.g. { bucket: "acme-results", prefix: "runs/" }' },
);

export const DataAssetTarget = t.object(
  "DataAssetTarget",
  "Store a computation's results in your own S3 bucket instead of Code Ocean (an *external result*).",
  { aws: t.required(S3Target, "The S3 bucket and key prefix to write the results to.") },
  { expected: 'an object, e.g. { aws: { bucket: "acme-results", prefix: "runs/" } }' },
);

// ---------------------------------------------------------------------------------------
// Sharing

const USER_ROLES = ["owner", "editor", "viewer"] as const;
const GROUP_ROLES = ["owner", "editor", "viewer", "discoverable"] as const;
const EVERYONE = ["viewer", "discoverable", "none"] as const;

export const UserPermission = t.object(
  "UserPermission",
  "A user's access to the asset.",
  {
    email: t.required(
      t.string(
        z
          .string({ error: typeError('an e-mail address, e.g. "ada@acme.org"') })
          .regex(EMAIL, 'must be an e-mail address, e.g. "ada@acme.org"'),
      ),
      "The user's e-mail address.",
    ),
    role: t.required(t.oneOf(USER_ROLES), '`"owner"`, `"editor"` or `"viewer"`.'),
  },
  { expected: 'an object, e.g. { email: "ada@acme.org", role: "viewer" }' },
);

export const GroupPermission = t.object(
  "GroupPermission",
  "A group's access to the asset.",
  {
    group: t.required(t.string(nonEmptyString('"neuroscience"')), "The group's name."),
    role: t.required(
      t.oneOf(GROUP_ROLES),
      '`"owner"`, `"editor"`, `"viewer"` or `"discoverable"` (found by search, not readable).',
    ),
  },
  { expected: 'an object, e.g. { group: "neuroscience", role: "viewer" }' },
);

export const DataAssetPermissions = t.object(
  "DataAssetPermissions",
  "Who may see and change the asset. Given, the provider owns the asset's sharing: it sets exactly this set once the asset is ready, and a share added or removed in the web UI shows as drift. Removing it revokes what it granted. Updated in place.",
  {
    users: t.defaulted(
      t.array(UserPermission, {
        expected: 'a list, e.g. [{ email: "ada@acme.org", role: "viewer" }]',
        refine: (list) => list.superRefine(noDuplicates("user", (u) => u.email.toLowerCase())),
      }),
      [],
      "Users and their roles (the owner keeps its access; its own entry is left out of outputs unless declared).",
    ),
    groups: t.defaulted(
      t.array(GroupPermission, {
        expected: 'a list, e.g. [{ group: "neuroscience", role: "viewer" }]',
        refine: (list) => list.superRefine(noDuplicates("group", (g) => g.group.toLowerCase())),
      }),
      [],
      "Groups and their roles.",
    ),
    everyone: t.defaulted(
      t.oneOf(EVERYONE),
      "none",
      'What everyone in the deployment may do: `"viewer"`, `"discoverable"` or `"none"`.',
    ),
    shareAssets: t.defaulted(
      flag(),
      false,
      "Also share related assets with the users and groups added.",
    ),
  },
  {
    expected:
      'an object, e.g. { groups: [{ group: "neuroscience", role: "viewer" }], everyone: "discoverable" }',
  },
);

// ---------------------------------------------------------------------------------------
// Provenance of results computed outside Code Ocean

export const RunParameter = t.object(
  "RunParameter",
  "A run parameter as the exported capsule or pipeline received it.",
  {
    name: t.optional(t.string("a string"), "The parameter's label."),
    paramName: t.optional(t.string("a string"), "The parameter's name on the command line."),
    value: t.required(t.string('a string, e.g. "0.05"'), "Its value."),
  },
  { expected: 'an object, e.g. { paramName: "alpha", value: "0.05" }' },
);

const releaseVersion = t.integer(
  z
    .number({ error: typeError("a release version, a whole number, e.g. 3") })
    .int("must be a whole number")
    .min(1, "must be 1 or more"),
);

const parameters = (description: string) =>
  t.optional(t.array(RunParameter, { expected: "a list of parameters" }), description);

export const PipelineProcess = t.object(
  "PipelineProcess",
  "One process of a pipeline run.",
  {
    name: t.required(t.string(nonEmptyString('"align"')), "The process's name in the pipeline."),
    capsuleId: t.required(t.string(codeOceanId("capsule")), "The capsule the process ran."),
    version: t.optional(releaseVersion, "That capsule's release version."),
    public: t.optional(t.boolean(), "Whether the capsule is a public app."),
    parameters: parameters("The process's parameters."),
  },
  { expected: 'an object, e.g. { name: "align", capsuleId: "<capsule id>" }' },
);

export const ResultsInfo = t.object(
  "ResultsInfo",
  "Lineage for results computed outside Code Ocean from an exported capsule or pipeline and imported from a bucket: the asset becomes a *result* with provenance. Exactly one of `capsuleId` and `pipelineId`. Only with an `aws` or `gcp` source. Changing it replaces.",
  {
    capsuleId: t.optional(
      t.string(codeOceanId("capsule")),
      "The capsule that computed the results.",
    ),
    pipelineId: t.optional(
      t.string(codeOceanId("pipeline")),
      "The pipeline that computed the results.",
    ),
    version: t.optional(releaseVersion, "The capsule's or pipeline's release version."),
    commit: t.optional(t.string("a git commit"), "The git commit that ran."),
    runScript: t.optional(
      t.string('a path, e.g. "code/run"'),
      'The script that ran, e.g. `"code/run"`.',
    ),
    dataAssetIds: t.optional(
      t.array(t.string(codeOceanId("data asset")), { expected: "a list of data asset ids" }),
      "The data assets the run used.",
      { wire: "data_assets" },
    ),
    parameters: parameters("The run's parameters."),
    nextflowProfile: t.optional(t.string("a string"), "The Nextflow profile of a pipeline run."),
    processes: t.optional(
      t.array(PipelineProcess, { expected: "a list of pipeline processes" }),
      "A pipeline run's processes.",
    ),
  },
  {
    expected: 'an object, e.g. { capsuleId: "<capsule id>", commit: "3f2c1ab" }',
    rules: [
      (r, ctx) => {
        if ((r.capsuleId === undefined) !== (r.pipelineId === undefined)) return;
        ctx.addIssue({
          code: "custom",
          path: [r.capsuleId === undefined ? "capsuleId" : "pipelineId"],
          message:
            r.capsuleId === undefined
              ? "is required: give the capsule or the pipeline (pipelineId) that computed the results, exactly one"
              : "cannot be given together with capsuleId: the results came from one capsule or one pipeline",
        });
      },
    ],
  },
);

// ---------------------------------------------------------------------------------------
// The asset itself

const METADATA_VALUE_HINT =
  'must be a string, a number (dates as epoch seconds, e.g. 1676246400), or a list of them for a field that takes several values (e.g. ["ephys", "imaging"])';
const metadataScalar = z.union([z.string(), z.number().finite()], { error: METADATA_VALUE_HINT });

/** A custom metadata value: a string, a number, or a list of them (a field with several values). */
export const MetadataValue = t.any(
  z.union(
    [
      metadataScalar,
      z
        .array(metadataScalar, { error: METADATA_VALUE_HINT })
        .min(1, "must not be an empty list: leave the field out instead"),
    ],
    { error: METADATA_VALUE_HINT },
  ),
  "string | number | (string | number)[]",
  "string, number, or a list of them",
);

/** What the asset is called and holds: the fields a create sends and an update changes. */
export const DataAssetFields = {
  name: t.required(
    t.string(
      nonEmptyString('"RNA-Sequencing reads"').pipe(
        visibleText(z.string().max(255, "must be at most 255 characters")),
      ),
    ),
    "Display name in Code Ocean. Updated in place.",
  ),
  mount: t.required(
    t.string(mountName),
    "Default folder name under `/data` when attached: one segment of ASCII letters, digits, `.`, `_`, `-`. Updated in place.",
  ),
  description: t.defaulted(t.string("a string"), "", "Free text. Updated in place."),
  tags: t.defaulted(
    t.array(t.string(nonEmptyString('"genomics"').pipe(visibleText(z.string()))), {
      expected: 'a list of strings, e.g. ["genomics"]',
      refine: (list) => list.superRefine(noDuplicates("tag", (tag) => tag.toLowerCase())),
    }),
    [],
    "Tags; order does not matter, each once (case ignored). Updated in place.",
  ),
  customMetadata: t.defaulted(
    t.map(
      MetadataValue,
      safeKeys(
        z.record(
          z.string().min(1, "keys must not be empty: use the field's name"),
          MetadataValue.zod,
          {
            error: (issue) =>
              issue.code === "invalid_type"
                ? typeError('a map of field name to value, e.g. { "subject id": "S-001" }')(issue)
                : undefined,
          },
        ),
      ),
    ),
    {},
    "Values for the deployment's admin-defined metadata fields, by field name (names may contain spaces): strings or numbers, dates as epoch seconds, a list of them for a field the deployment's schema marks as taking several values. Checked against the deployment's schema at preview. Updated in place (the whole map is sent).",
  ),
};

/** `POST /data_assets`: the asset's fields and where its data comes from. */
export const CreateDataAssetRequest = t.object(
  "CreateDataAssetRequest",
  "A create request.",
  {
    ...DataAssetFields,
    source: t.optional(DataAssetSource, "Where the data comes from (not with dataAssetIds)."),
    dataAssetIds: t.optional(
      t.array(t.string(codeOceanId("data asset")), { expected: "a list of data asset ids" }),
      "The external assets a combined asset joins (instead of a source).",
    ),
    target: t.optional(DataAssetTarget, "Where a computation's results go."),
    resultsInfo: t.optional(ResultsInfo, "Lineage of imported results."),
  },
  { expected: "an object" },
);

/** `PUT /data_assets/{id}`: Code Ocean marks name, description, tags and mount required. */
export const UpdateDataAssetRequest = t.object(
  "UpdateDataAssetRequest",
  "A metadata update: name, description, tags and mount always; custom metadata when it changed.",
  {
    name: DataAssetFields.name,
    description: t.required(t.string("a string"), DataAssetFields.description.description),
    tags: t.required(DataAssetFields.tags.node, DataAssetFields.tags.description),
    mount: DataAssetFields.mount,
    customMetadata: t.optional(
      DataAssetFields.customMetadata.node,
      "Sent whole, and only when it changed (whether Code Ocean merges it is undocumented).",
    ),
  },
  { expected: "an object" },
);

// ---------------------------------------------------------------------------------------
// What Code Ocean reports

const text = (description: string) => t.required(t.string("a string"), description);
const count = (description: string) =>
  t.required(t.number(z.number({ error: typeError("a number") })), description);

export const SourceBucket = t.object(
  "SourceBucket",
  "Where Code Ocean says an asset's data lives.",
  {
    origin: text('`aws`, `gcp` or `local` (inside Code Ocean); `""` when Code Ocean does not say.'),
    bucket: text('Bucket name, `""` for local.'),
    prefix: text("Key prefix."),
    external: t.required(t.boolean(), "Whether the files stay in the customer's bucket."),
  },
  { expected: "an object" },
);

export const Provenance = t.object(
  "Provenance",
  'Where a result came from; `""` and `[]` where Code Ocean says nothing.',
  {
    capsule: text("The capsule that computed it."),
    pipeline: text("The pipeline that computed it."),
    computation: text("The computation (run) id."),
    commit: text("The capsule's git commit."),
    runScript: text("The script the run executed."),
    dockerImage: text("The environment's container image."),
    dataAssets: t.required(
      t.array(t.string("a string"), { expected: "a list" }),
      "Ids of the data assets the run used.",
    ),
  },
  { expected: "an object" },
);

export const ContainedDataAsset = t.object(
  "ContainedDataAsset",
  "One part of a combined asset.",
  {
    id: text("The part's id."),
    mount: text("Its folder inside the combined asset's mount."),
    size: count("Its size in bytes; -1 while unknown."),
  },
  { expected: "an object" },
);

export const AppParameter = t.object(
  "AppParameter",
  "One run parameter as Code Ocean echoes it on a result.",
  { name: text("The parameter's name."), value: text("Its value, as text.") },
  { expected: "an object" },
);

/** The shapes the declarations stand for, as code handles them (defaults filled). */
export type SourceInput = z.output<typeof DataAssetSource.zod>;
export type TargetInput = z.output<typeof DataAssetTarget.zod>;
export type ResultsInfoInput = z.output<typeof ResultsInfo.zod>;
export type PermissionsInput = z.output<typeof DataAssetPermissions.zod>;
export type SourceBucketValue = z.output<typeof SourceBucket.zod>;
export type ProvenanceValue = z.output<typeof Provenance.zod>;
export type ContainedDataAssetValue = z.output<typeof ContainedDataAsset.zod>;
export type AppParameterValue = z.output<typeof AppParameter.zod>;
export type CreateDataAssetParams = z.input<typeof CreateDataAssetRequest.zod>;
export type UpdateDataAssetParams = z.output<typeof UpdateDataAssetRequest.zod>;
export type MetadataValueInput = z.output<typeof MetadataValue.zod>;
