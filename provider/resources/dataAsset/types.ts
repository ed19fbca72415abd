/**
 * The schemas of DataAsset's structured inputs (source, target, sharing, results
 * provenance) and the forms outputs store them in. The field table (dataAssetSchema.ts)
 * puts them together.
 */
import { z } from "zod";
import {
  codeOceanId,
  matching,
  noDuplicates,
  nonEmptyString,
  typeError,
  typeErrorOnly,
} from "../../declare/inputs";

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const GCS_BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
/** What Code Ocean accepts as a user: an e-mail address. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const s3Bucket = z
  .string({ error: typeError('an S3 bucket name, e.g. "acme-rna-reads"') })
  .superRefine(
    matching(
      S3_BUCKET,
      /[a-z0-9.-]/,
      /[a-z0-9]/,
      "must be an S3 bucket name: 3-63 lowercase ASCII letters, digits, dots and hyphens, starting and ending with a letter or digit (no s3:// prefix, no folder: put that in prefix)",
    ),
  );

const folderPath = (example: string) =>
  z
    .string({ error: typeError(`a folder path, e.g. "${example}"`) })
    .refine((p) => !p.split("/").includes(".."), 'must not contain ".." segments')
    .default("");

export const bool = (fallback: boolean) =>
  z.boolean({ error: typeError("true or false") }).default(fallback);

/** Optional, and absent from the stored form when not given (so older state stays equal). */
const endpointName = nonEmptyString('"onprem-minio" (the name of a custom S3 endpoint)').optional();

const AwsSourceSchema = z.strictObject(
  {
    bucket: s3Bucket,
    prefix: folderPath("runs/2026-11/"),
    keepOnExternalStorage: bool(false),
    public: bool(false),
    endpointName,
  },
  { error: typeErrorOnly('an object, e.g. { bucket: "acme-reads", prefix: "runs/" }') },
);

const GcpSourceSchema = z.strictObject(
  {
    bucket: z
      .string({ error: typeError('a GCS bucket name, e.g. "acme-imaging"') })
      .superRefine(
        matching(
          GCS_BUCKET,
          /[a-z0-9._-]/,
          /[a-z0-9]/,
          "must be a GCS bucket name: lowercase ASCII letters, digits, dots, hyphens and underscores (no gs:// prefix, no folder: put that in prefix)",
        ),
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

const CloudWorkstationSourceSchema = z.strictObject(
  {
    id: codeOceanId("Cloud Workstation session (its computation)"),
    path: z
      .string({ error: typeError('the folder in the session to capture, e.g. "results/figures"') })
      .trim()
      .min(1, 'must not be empty: the folder in the session to capture, e.g. "results/figures"')
      .refine((p) => !p.split("/").includes(".."), 'must not contain ".." segments'),
    runScript: z
      .string({ error: typeError('the script that ran, relative to the capsule, e.g. "code/run"') })
      .min(1, 'must not be empty: leave it out for a dataset, or give the script, e.g. "code/run"')
      .optional(),
  },
  {
    error: typeErrorOnly(
      'an object, e.g. { id: "<session computation id>", path: "results/figures" }',
    ),
  },
);

const CombinedSourceSchema = z.strictObject(
  {
    dataAssetIds: z
      .array(codeOceanId("data asset"), {
        error: typeError("a list of data asset ids, e.g. [reads.id, reference.id]"),
      })
      .min(2, "needs two or more data asset ids: a combined asset joins external assets")
      .refine((ids) => new Set(ids).size === ids.length, "must not list an asset twice"),
  },
  { error: typeErrorOnly("an object, e.g. { dataAssetIds: [reads.id, reference.id] }") },
);

const SOURCE_KINDS = ["aws", "gcp", "computation", "cloudWorkstation", "combined"] as const;

export const SourceSchema = z
  .strictObject(
    {
      aws: AwsSourceSchema.optional(),
      gcp: GcpSourceSchema.optional(),
      computation: ComputationSourceSchema.optional(),
      cloudWorkstation: CloudWorkstationSourceSchema.optional(),
      combined: CombinedSourceSchema.optional(),
    },
    {
      error: typeErrorOnly(
        'an object with one of aws, gcp, computation or cloudWorkstation, e.g. { aws: { bucket: "acme-reads" } } (or combined, to join assets)',
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
            ? 'needs exactly one of aws, gcp, computation or cloudWorkstation (e.g. source: { aws: { bucket: "acme-reads" } }), or combined to join assets'
            : `needs exactly one of aws, gcp, computation or cloudWorkstation, not ${given.join(" and ")}: declare one DataAsset per source (or combined alone, to join assets)`,
      });
    }
  });
export type SourceInput = z.output<typeof SourceSchema>;

export const TargetSchema = z.strictObject(
  {
    aws: z.strictObject(
      {
        bucket: s3Bucket,
        prefix: z.string({ error: typeError('a key prefix, e.g. "results/"') }),
        endpointName,
      },
      { error: typeErrorOnly('an object, e.g. { bucket: "acme-results", prefix: "runs/" }') },
    ),
  },
  { error: typeErrorOnly('an object, e.g. { aws: { bucket: "acme-results", prefix: "runs/" } }') },
);

/** The declared source as outputs store it (the GCP client secret never is): one of four. */
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
    /** The custom S3 endpoint, when one was given. */
    endpointName?: string;
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
  /** The Cloud Workstation session whose files the asset captures. */
  cloudWorkstation?: {
    /** The session's computation id. */
    id: string;
    /** The folder in the session that is captured. */
    path: string;
    /** The script that ran (relative to the capsule): the asset is then a result with lineage. */
    runScript?: string;
  };
  /** The external assets a combined asset joins. */
  combined?: {
    /** Their ids. */
    dataAssetIds: string[];
  };
}

export function storedSource(source: SourceInput | undefined): DataAssetSource | null {
  if (source?.aws) return { aws: source.aws };
  if (source?.gcp) {
    const { bucket, prefix, clientId } = source.gcp;
    return { gcp: { bucket, prefix, clientId } };
  }
  if (source?.computation) return { computation: source.computation };
  if (source?.cloudWorkstation) return { cloudWorkstation: source.cloudWorkstation };
  if (source?.combined) return { combined: source.combined };
  return null;
}

// ---------------------------------------------------------------------------------------
// Sharing

const USER_ROLES = ["owner", "editor", "viewer"] as const;
const GROUP_ROLES = ["owner", "editor", "viewer", "discoverable"] as const;
const EVERYONE = ["viewer", "discoverable", "none"] as const;
const roleOf = (roles: readonly string[]) =>
  z.enum(roles as [string, ...string[]], {
    error: `must be one of ${roles.map((r) => JSON.stringify(r)).join(", ")}`,
  });

export const PermissionsSchema = z.strictObject(
  {
    users: z
      .array(
        z.strictObject(
          {
            email: z
              .string({ error: typeError('an e-mail address, e.g. "ada@acme.org"') })
              .regex(EMAIL, 'must be an e-mail address, e.g. "ada@acme.org"'),
            role: roleOf(USER_ROLES),
          },
          { error: typeErrorOnly('an object, e.g. { email: "ada@acme.org", role: "viewer" }') },
        ),
        { error: typeError('a list, e.g. [{ email: "ada@acme.org", role: "viewer" }]') },
      )
      .superRefine(noDuplicates("user", (u) => u.email.toLowerCase()))
      .default([]),
    groups: z
      .array(
        z.strictObject(
          { group: nonEmptyString('"neuroscience"'), role: roleOf(GROUP_ROLES) },
          { error: typeErrorOnly('an object, e.g. { group: "neuroscience", role: "viewer" }') },
        ),
        { error: typeError('a list, e.g. [{ group: "neuroscience", role: "viewer" }]') },
      )
      .superRefine(noDuplicates("group", (g) => g.group.toLowerCase()))
      .default([]),
    everyone: roleOf(EVERYONE).default("none"),
    shareAssets: bool(false),
  },
  {
    error: typeErrorOnly(
      'an object, e.g. { groups: [{ group: "neuroscience", role: "viewer" }], everyone: "discoverable" }',
    ),
  },
);

/** The sharing the provider manages, as outputs store it. */
export interface DataAssetPermissions {
  /** Users and their roles (the owner's own entry is left out unless declared). */
  users: {
    /** E-mail address. */ email: string;
    /** `owner`, `editor` or `viewer`. */ role: string;
  }[];
  /** Groups and their roles. */
  groups: {
    /** Group name. */
    group: string;
    /** `owner`, `editor`, `viewer` or `discoverable`. */
    role: string;
  }[];
  /** What everyone in the deployment may do: `viewer`, `discoverable` or `none`. */
  everyone: string;
  /** Whether related assets are shared with the added users and groups too. */
  shareAssets: boolean;
}

// ---------------------------------------------------------------------------------------
// Provenance of results computed outside Code Ocean

const RunParameterSchema = z.strictObject(
  {
    name: z.string({ error: typeError("a string") }).optional(),
    paramName: z.string({ error: typeError("a string") }).optional(),
    value: z.string({ error: typeError('a string, e.g. "0.05"') }),
  },
  { error: typeErrorOnly('an object, e.g. { paramName: "alpha", value: "0.05" }') },
);
const version = z
  .number({ error: typeError("a release version, a whole number, e.g. 3") })
  .int("must be a whole number")
  .min(1, "must be 1 or more");

export const ResultsInfoSchema = z
  .strictObject(
    {
      capsuleId: codeOceanId("capsule").optional(),
      pipelineId: codeOceanId("pipeline").optional(),
      version: version.optional(),
      commit: z.string({ error: typeError("a git commit") }).optional(),
      runScript: z.string({ error: typeError('a path, e.g. "code/run"') }).optional(),
      dataAssetIds: z
        .array(codeOceanId("data asset"), { error: typeError("a list of data asset ids") })
        .optional(),
      parameters: z
        .array(RunParameterSchema, { error: typeError("a list of parameters") })
        .optional(),
      nextflowProfile: z.string({ error: typeError("a string") }).optional(),
      processes: z
        .array(
          z.strictObject(
            {
              name: nonEmptyString('"align"'),
              capsuleId: codeOceanId("capsule"),
              version: version.optional(),
              public: z.boolean({ error: typeError("true or false") }).optional(),
              parameters: z
                .array(RunParameterSchema, { error: typeError("a list of parameters") })
                .optional(),
            },
            {
              error: typeErrorOnly('an object, e.g. { name: "align", capsuleId: "<capsule id>" }'),
            },
          ),
          { error: typeError("a list of pipeline processes") },
        )
        .optional(),
    },
    {
      error: typeErrorOnly('an object, e.g. { capsuleId: "<capsule id>", commit: "3f2c1ab" }'),
    },
  )
  .superRefine((r, ctx) => {
    if ((r.capsuleId === undefined) === (r.pipelineId === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [r.capsuleId === undefined ? "capsuleId" : "pipelineId"],
        message:
          r.capsuleId === undefined
            ? "is required: give the capsule or the pipeline (pipelineId) that computed the results, exactly one"
            : "cannot be given together with capsuleId: the results came from one capsule or one pipeline",
      });
    }
  });
export type ResultsInfoInput = z.output<typeof ResultsInfoSchema>;
