import * as pulumi from "@pulumi/pulumi";
import { runtimeShim } from "./shim";

/** The serialized provider (see shim.ts). */
export const dataAssetShim = runtimeShim("dataAssetProvider");

/** Import from an S3 bucket. */
export interface AwsSourceArgs {
  /** The bucket name, without `s3://`. */
  bucket: pulumi.Input<string>;
  /** Key prefix (folder) inside the bucket; empty for the whole bucket. Default `""`. */
  prefix?: pulumi.Input<string>;
  /** `true`: leave the files in S3 (an *external* asset); `false`: copy them into Code Ocean. Default `false`. */
  keepOnExternalStorage?: pulumi.Input<boolean>;
  /** `true`: read the bucket without credentials. Default `false` (Code Ocean uses its configured cloud credentials). */
  public?: pulumi.Input<boolean>;
}

/** Import from a Google Cloud Storage bucket. */
export interface GcpSourceArgs {
  /** The bucket name, without `gs://`. */
  bucket: pulumi.Input<string>;
  /** Folder inside the bucket. Default `""`. */
  prefix?: pulumi.Input<string>;
  /** Service-account client id, for private buckets. */
  clientId?: pulumi.Input<string>;
  /** Service-account client secret, for private buckets. Stored only encrypted in the state, never in outputs. */
  clientSecret?: pulumi.Input<string>;
}

/** Capture a computation's (run's) results. */
export interface ComputationSourceArgs {
  /** The computation (run) id. */
  id: pulumi.Input<string>;
  /** Folder inside the run's results; empty for all results. Default `""`. */
  path?: pulumi.Input<string>;
}

/** Where the data comes from: exactly one of `aws`, `gcp`, `computation`. Changing it replaces the asset. */
export interface DataAssetSourceArgs {
  /** An S3 bucket (dataset asset). */
  aws?: pulumi.Input<AwsSourceArgs>;
  /** A GCS bucket (dataset asset). */
  gcp?: pulumi.Input<GcpSourceArgs>;
  /** A run's results (result asset). */
  computation?: pulumi.Input<ComputationSourceArgs>;
}

/** Store a computation's results in your own S3 bucket instead of Code Ocean (an *external result*). */
export interface DataAssetTargetArgs {
  /** The S3 bucket and key prefix to write the results to. */
  aws: pulumi.Input<{ bucket: pulumi.Input<string>; prefix: pulumi.Input<string> }>;
}

export interface DataAssetArgs {
  /** Display name in Code Ocean. Updated in place. */
  name: pulumi.Input<string>;
  /** Default folder name under `/data` when attached: one segment of letters, digits, `.`, `_`, `-`. Updated in place. */
  mount: pulumi.Input<string>;
  /** Free text. Default `""`. Updated in place. */
  description?: pulumi.Input<string>;
  /** Tags; order does not matter. Default `[]`. Updated in place. */
  tags?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Values for the deployment's admin-defined metadata fields, by field name (names may
   * contain spaces). Strings or numbers; dates as epoch seconds. Checked against the
   * deployment's schema at preview. Default `{}`. Updated in place (the whole map is sent).
   */
  customMetadata?: pulumi.Input<Record<string, pulumi.Input<string | number>>>;
  /** Where the data comes from. Required unless `adoptExistingId` is set. Changing it replaces the asset. */
  source?: pulumi.Input<DataAssetSourceArgs>;
  /** Only with a `computation` source: write the results to your S3 bucket. Changing it replaces the asset. */
  target?: pulumi.Input<DataAssetTargetArgs>;
  /**
   * What `pulumi destroy` (or a replacement) does: `"archive"` (default; reversible),
   * `"delete"` (archive, then delete permanently), or `"retain"` (leave it untouched).
   */
  onDelete?: pulumi.Input<"archive" | "delete" | "retain">;
  /** Wait until Code Ocean reports the asset `ready` before `up` moves on. Default `true`. */
  waitForReady?: pulumi.Input<boolean>;
  /** How long to wait for `ready`, in seconds. Default 1800. A timeout keeps the asset in the stack; the next `up` resumes waiting. */
  readyTimeoutSeconds?: pulumi.Input<number>;
  /**
   * Take an existing asset (made by hand, or by a script) under management instead of
   * creating one: its metadata is updated to match these inputs. Pulumi's `import` does not
   * work for dynamic providers; this is the way to adopt. Changing it replaces.
   */
  adoptExistingId?: pulumi.Input<string>;
}

/** The source of an asset as Code Ocean reports it. */
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

/** The declared source as stored in outputs (a GCP client secret is never included). */
export interface DataAssetSource {
  /** S3 source, defaults filled. */
  aws?: { bucket: string; prefix: string; keepOnExternalStorage: boolean; public: boolean };
  /** GCS source, without the client secret. */
  gcp?: { bucket: string; prefix: string; clientId: string };
  /** Computation source. */
  computation?: { id: string; path: string };
}

/**
 * A Code Ocean data asset: a versioned folder of data imported from S3 or GCS, or captured
 * from a run's results, that capsules and pipelines mount under `/data`.
 *
 * `pulumi up` creates it and waits until Code Ocean reports it ready; metadata changes update
 * it in place; source or target changes replace it; `pulumi destroy` archives it (see
 * `onDelete`). Configure the provider with `codeocean:domain` and a secret `codeocean:token`.
 */
export class DataAsset extends pulumi.dynamic.Resource {
  /** Display name. */
  declare readonly name: pulumi.Output<string>;
  /** Default mount folder under `/data`. */
  declare readonly mount: pulumi.Output<string>;
  /** Description (`""` when none). */
  declare readonly description: pulumi.Output<string>;
  /** Tags. */
  declare readonly tags: pulumi.Output<string[]>;
  /** Custom metadata values by field name. */
  declare readonly customMetadata: pulumi.Output<Record<string, string | number>>;
  /** The declared source with defaults filled (`null` for an adopted asset declared without one). */
  declare readonly source: pulumi.Output<DataAssetSource | null>;
  /** The declared target, or `null`. */
  declare readonly target: pulumi.Output<{ aws: { bucket: string; prefix: string } } | null>;
  /** What destroy does: `archive`, `delete` or `retain`. */
  declare readonly onDelete: pulumi.Output<"archive" | "delete" | "retain">;
  /** Whether `up` waits for `ready`. */
  declare readonly waitForReady: pulumi.Output<boolean>;
  /** The readiness timeout in seconds. */
  declare readonly readyTimeoutSeconds: pulumi.Output<number>;
  /** The adopted asset's id, or `""`. */
  declare readonly adoptExistingId: pulumi.Output<string>;
  /** `draft`, `ready` or `failed`. */
  declare readonly state: pulumi.Output<string>;
  /** `dataset`, `result`, `combined` or `model`. */
  declare readonly type: pulumi.Output<string>;
  /** Creation time, epoch seconds. */
  declare readonly created: pulumi.Output<number>;
  /** Last use, epoch seconds; 0 = never. */
  declare readonly lastUsed: pulumi.Output<number>;
  /** Size in bytes; -1 while unknown. */
  declare readonly size: pulumi.Output<number>;
  /** Number of files; -1 while unknown. */
  declare readonly files: pulumi.Output<number>;
  /** Owner's user id. */
  declare readonly owner: pulumi.Output<string>;
  /** Whether the files stay in the customer's bucket. */
  declare readonly external: pulumi.Output<boolean>;
  /** Whether the asset is archived in Code Ocean (seen on refresh; the next `up` unarchives it). */
  declare readonly archived: pulumi.Output<boolean>;
  /** Where Code Ocean says the data lives. */
  declare readonly sourceBucket: pulumi.Output<SourceBucket>;
  /** For result assets: capsule, commit, run script, docker image, input assets and computation. */
  declare readonly provenance: pulumi.Output<Record<string, unknown>>;
  /** Why Code Ocean failed to create the asset (`""` unless `state` is `failed`). */
  declare readonly failureReason: pulumi.Output<string>;

  constructor(name: string, args: DataAssetArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dataAssetShim,
      name,
      {
        // Every input key must be present (undefined if not given) for its output to exist.
        ...INPUT_KEYS,
        ...args,
        ...splitClientSecret(args?.source),
        ...OUTPUT_ONLY,
      },
      opts,
      "codeocean",
      "DataAsset",
    );
  }

  /** Looks up an existing data asset by id, read-only (destroying the stack leaves it alone). */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    opts?: pulumi.CustomResourceOptions,
  ): DataAsset {
    return new DataAsset(name, undefined as unknown as DataAssetArgs, { ...opts, id });
  }
}

const INPUT_KEYS = {
  name: undefined,
  mount: undefined,
  description: undefined,
  tags: undefined,
  customMetadata: undefined,
  target: undefined,
  onDelete: undefined,
  waitForReady: undefined,
  readyTimeoutSeconds: undefined,
  adoptExistingId: undefined,
};

const OUTPUT_ONLY = {
  state: undefined,
  type: undefined,
  created: undefined,
  lastUsed: undefined,
  size: undefined,
  files: undefined,
  owner: undefined,
  external: undefined,
  archived: undefined,
  sourceBucket: undefined,
  provenance: undefined,
  failureReason: undefined,
};

/**
 * The GCP client secret travels as its own secret input, so the state encrypts it and the
 * rest of the source stays readable in diffs; outputs never contain it. A source given as a
 * plain object without `gcp` (the common case) is passed as it is, at no cost.
 */
function splitClientSecret(source: DataAssetArgs["source"]): Record<string, unknown> {
  if (source === undefined) return {};
  const plain =
    typeof source === "object" && !pulumi.Output.isInstance(source) && !(source instanceof Promise);
  if (plain && !("gcp" in source)) return { source };
  const s = pulumi.output(source);
  return {
    source: pulumi.unsecret(s.apply(withoutClientSecret)),
    gcpClientSecret: pulumi.secret(s.apply((v) => v?.gcp?.clientSecret ?? "")),
  };
}

function withoutClientSecret<S extends pulumi.Unwrap<DataAssetSourceArgs> | undefined>(s: S): S {
  if (!s?.gcp || s.gcp.clientSecret === undefined) return s;
  const { clientSecret: _secret, ...gcp } = s.gcp;
  return { ...s, gcp } as S;
}
