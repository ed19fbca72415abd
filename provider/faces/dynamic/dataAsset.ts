import * as pulumi from "@pulumi/pulumi";
import { dataAssetResource, DataAssetOutputs } from "../../resources/dataAsset/table";
import { DeclaredKeys, OutputProperties, registeredKeys } from "../../declare/fields";
import { held } from "../../core/holder";
import { configSecrecy, withoutStackCaptures } from "./register";
import { CodeOceanError } from "../../core/api/errors";
import { RESERVED_KEYS } from "../../core/model/checks";
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
  /** A custom S3 endpoint configured in your deployment (e.g. an on-premises object store), by name. */
  endpointName?: pulumi.Input<string>;
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

/** Capture files from a running Cloud Workstation session. */
export interface CloudWorkstationSourceArgs {
  /** The session's computation id (shown in the workstation's URL and API). */
  id: pulumi.Input<string>;
  /** The folder in the session to capture, e.g. `"results/figures"`. Required. */
  path: pulumi.Input<string>;
  /** The script that ran, relative to the capsule (e.g. `"code/run"`): the asset is then a *result* with the session's lineage; without it, a dataset. */
  runScript?: pulumi.Input<string>;
}

/** Join existing external assets into one (a *combined* asset). */
export interface CombinedSourceArgs {
  /** Two or more external data assets, e.g. `[reads.id, reference.id]`. */
  dataAssetIds: pulumi.Input<pulumi.Input<string>[]>;
}

/** Where the data comes from: exactly one of `aws`, `gcp`, `computation`, `cloudWorkstation`, `combined`. Changing it replaces the asset. */
export interface DataAssetSourceArgs {
  /** An S3 bucket (dataset asset). */
  aws?: pulumi.Input<AwsSourceArgs>;
  /** A GCS bucket (dataset asset). */
  gcp?: pulumi.Input<GcpSourceArgs>;
  /** A run's results (result asset). */
  computation?: pulumi.Input<ComputationSourceArgs>;
  /** Files in a running Cloud Workstation session (a dataset, or a result with `runScript`). */
  cloudWorkstation?: pulumi.Input<CloudWorkstationSourceArgs>;
  /** Other external assets, joined (combined asset). */
  combined?: pulumi.Input<CombinedSourceArgs>;
}

/** Where a computation's results go in your own S3 bucket. */
export interface S3TargetArgs {
  /** The bucket name, without `s3://`. */
  bucket: pulumi.Input<string>;
  /** Key prefix to write the results under. */
  prefix: pulumi.Input<string>;
  /** A custom S3 endpoint configured in your deployment, by name. */
  endpointName?: pulumi.Input<string>;
}

/** Store a computation's results in your own S3 bucket instead of Code Ocean (an *external result*). */
export interface DataAssetTargetArgs {
  /** The S3 bucket and key prefix to write the results to. */
  aws: pulumi.Input<S3TargetArgs>;
}

/** A user's access to the asset. */
export interface UserPermissionArgs {
  /** The user's e-mail address. */
  email: pulumi.Input<string>;
  /** `"owner"`, `"editor"` or `"viewer"`. */
  role: pulumi.Input<"owner" | "editor" | "viewer">;
}

/** A group's access to the asset. */
export interface GroupPermissionArgs {
  /** The group's name. */
  group: pulumi.Input<string>;
  /** `"owner"`, `"editor"`, `"viewer"` or `"discoverable"` (found by search, not readable). */
  role: pulumi.Input<"owner" | "editor" | "viewer" | "discoverable">;
}

/**
 * Who may see and change the asset. Given, the provider owns the asset's sharing: it sets
 * exactly this set once the asset is ready, and a share added or removed in the web UI
 * shows as drift. Updated in place.
 */
export interface DataAssetPermissionsArgs {
  /** Users and their roles. Default `[]` (the owner keeps its access). */
  users?: pulumi.Input<pulumi.Input<UserPermissionArgs>[]>;
  /** Groups and their roles. Default `[]`. */
  groups?: pulumi.Input<pulumi.Input<GroupPermissionArgs>[]>;
  /** What everyone in the deployment may do: `"viewer"`, `"discoverable"` or `"none"` (default). */
  everyone?: pulumi.Input<"viewer" | "discoverable" | "none">;
  /** Also share related assets with the users and groups added. Default `false`. */
  shareAssets?: pulumi.Input<boolean>;
}

/** A run parameter as the exported capsule or pipeline received it. */
export interface RunParameterArgs {
  /** The parameter's label. */
  name?: pulumi.Input<string>;
  /** The parameter's name on the command line. */
  paramName?: pulumi.Input<string>;
  /** Its value. */
  value: pulumi.Input<string>;
}

/** One process of a pipeline run. */
export interface PipelineProcessArgs {
  /** The process's name in the pipeline. */
  name: pulumi.Input<string>;
  /** The capsule the process ran. */
  capsuleId: pulumi.Input<string>;
  /** That capsule's release version. */
  version?: pulumi.Input<number>;
  /** Whether the capsule is a public app. */
  public?: pulumi.Input<boolean>;
  /** The process's parameters. */
  parameters?: pulumi.Input<pulumi.Input<RunParameterArgs>[]>;
}

/**
 * Lineage for results computed outside Code Ocean from an exported capsule or pipeline and
 * imported from a bucket: the asset becomes a *result* with provenance. Exactly one of
 * `capsuleId` and `pipelineId`. Only with an `aws` or `gcp` source. Changing it replaces.
 */
export interface ResultsInfoArgs {
  /** The capsule that computed the results. */
  capsuleId?: pulumi.Input<string>;
  /** The pipeline that computed the results. */
  pipelineId?: pulumi.Input<string>;
  /** The capsule's or pipeline's release version. */
  version?: pulumi.Input<number>;
  /** The git commit that ran. */
  commit?: pulumi.Input<string>;
  /** The script that ran, e.g. `"code/run"`. */
  runScript?: pulumi.Input<string>;
  /** The data assets the run used. */
  dataAssetIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** The run's parameters. */
  parameters?: pulumi.Input<pulumi.Input<RunParameterArgs>[]>;
  /** The Nextflow profile of a pipeline run. */
  nextflowProfile?: pulumi.Input<string>;
  /** A pipeline run's processes. */
  processes?: pulumi.Input<pulumi.Input<PipelineProcessArgs>[]>;
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
   * contain spaces). Strings or numbers; dates as epoch seconds; a list of them for a field
   * the deployment's schema marks as taking several values. Checked against the deployment's
   * schema at preview. Default `{}`. Updated in place (the whole map is sent).
   */
  customMetadata?: pulumi.Input<
    Record<string, pulumi.Input<string | number | pulumi.Input<string | number>[]>>
  >;
  /** Where the data comes from. Required unless `adoptExistingId` is set. Changing it replaces the asset. */
  source?: pulumi.Input<DataAssetSourceArgs>;
  /** Only with a `computation` source: write the results to your S3 bucket. Changing it replaces the asset. */
  target?: pulumi.Input<DataAssetTargetArgs>;
  /** Only with an `aws` or `gcp` source: where results computed outside Code Ocean came from. Changing it replaces the asset. */
  resultsInfo?: pulumi.Input<ResultsInfoArgs>;
  /**
   * `true` archives the asset once it is ready; `false` (default) keeps it, or makes it,
   * live. Refresh reads the real state; the next `up` restores the declared one. Updated in place.
   */
  archived?: pulumi.Input<boolean>;
  /** The asset's sharing, managed by the provider; absent (default): sharing is left alone. */
  permissions?: pulumi.Input<DataAssetPermissionsArgs>;
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

export type { DataAssetPermissions, DataAssetSource } from "../../resources/dataAsset/table";
export type { Provenance, SourceBucket } from "../../core/api/schemas";

/** Every input of the field table is declared above, and nothing else (checked by the compiler). */
type TableInputs = DeclaredKeys<typeof dataAssetResource.fields>;
export const argsMatchTable: [
  Exclude<keyof DataAssetArgs, TableInputs>,
  Exclude<TableInputs, keyof DataAssetArgs>,
] extends [never, never]
  ? true
  : never = true;

/** The outputs, each documented in the field table (dataAssetSchema.ts). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- outputs derive from the field table
export interface DataAsset extends OutputProperties<DataAssetOutputs> {}

/**
 * A Code Ocean data asset: a versioned folder of data imported from S3 or GCS, or captured
 * from a run's results, that capsules and pipelines mount under `/data`.
 *
 * `pulumi up` creates it and waits until Code Ocean reports it ready; metadata changes update
 * it in place; source or target changes replace it; `pulumi destroy` archives it (see
 * `onDelete`). Configure the provider with `codeocean:domain` and a secret `codeocean:token`.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class DataAsset extends pulumi.dynamic.Resource {
  constructor(name: string, args: DataAssetArgs, opts?: pulumi.CustomResourceOptions) {
    refuseReservedKeys(`DataAsset "${name}"`, args);
    warnIfTokenInPlainText();
    // Registration takes a stack trace per promise per property: see register.ts.
    const restore = withoutStackCaptures();
    try {
      super(
        dataAssetShim,
        name,
        {
          ...INPUT_KEYS,
          ...args,
          ...splitClientSecret(args?.source),
          ...OUTPUT_KEYS,
        },
        withSecretEchoes(args?.source, opts),
        "codeocean",
        "DataAsset",
      );
    } finally {
      restore();
    }
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

const { inputs: INPUT_KEYS, outputs: OUTPUT_KEYS } = registeredKeys(dataAssetResource);

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" &&
  v !== null &&
  !Array.isArray(v) &&
  !pulumi.Output.isInstance(v) &&
  !(v instanceof Promise);

/**
 * The GCP client secret travels as its own secret input, so the state encrypts it and the
 * rest of the source stays readable in diffs; outputs never contain it. A source given as a
 * plain object keeps every other part exactly as given — also a part the program made
 * secret. A source that is itself an Output (or a Promise) is kept whole, secret if any part
 * of it was.
 */
function splitClientSecret(source: DataAssetArgs["source"]): Record<string, unknown> {
  if (source === undefined) return {};
  if (isPlain(source)) {
    if (!("gcp" in source)) return { source };
    if (isPlain(source.gcp)) {
      const { clientSecret, ...gcp } = source.gcp as Record<string, unknown>;
      return {
        source: { ...source, gcp },
        gcpClientSecret: pulumi.secret((clientSecret ?? "") as pulumi.Input<string>),
      };
    }
  }
  const s = pulumi.output(source);
  return {
    source: s.apply(withoutClientSecret),
    gcpClientSecret: pulumi.secret(s.apply((v) => v?.gcp?.clientSecret ?? "")),
  };
}

function withoutClientSecret<S extends pulumi.Unwrap<DataAssetSourceArgs> | undefined>(s: S): S {
  if (!s?.gcp || s.gcp.clientSecret === undefined) return s;
  const { clientSecret: _secret, ...gcp } = s.gcp;
  return { ...s, gcp } as S;
}

/**
 * Outputs that repeat what Code Ocean says about the source are kept encrypted in the state
 * when the source may be secret: a failure reason may quote the request, GCP client secret
 * included, and a refresh runs in a fresh process that never saw the secret (so cannot mask
 * it); a source the program wrapped whole (`pulumi.secret({...})`, or any Output) has its
 * bucket, prefix and lineage echoed back in `sourceBucket`, `provenance` and the parts of a
 * combined asset. (A secret nested in a plain source object cannot be seen here, before it
 * resolves: wrap the whole source to keep its echoes encrypted too.)
 */
function withSecretEchoes(
  source: DataAssetArgs["source"],
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.CustomResourceOptions | undefined {
  const echoes =
    source === undefined
      ? []
      : !isPlain(source)
        ? ["failureReason", "sourceBucket", "provenance", "containedDataAssetIds"]
        : "gcp" in source
          ? ["failureReason"]
          : [];
  if (!echoes.length) return opts;
  return {
    ...opts,
    additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...echoes],
  };
}

/**
 * Keys JavaScript cannot carry as data (`__proto__` is lost on the way to the provider, where
 * check could refuse it): refused here, in the program, for the parts given as plain values.
 */
function refuseReservedKeys(resource: string, args: unknown, path = ""): void {
  if (Array.isArray(args)) {
    args.forEach((v, i) => refuseReservedKeys(resource, v, `${path}[${i}]`));
    return;
  }
  if (!isPlain(args)) return;
  for (const key of Object.keys(args)) {
    const at = path
      ? `${path}${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`
      : key;
    if (RESERVED_KEYS.has(key)) {
      throw new CodeOceanError(
        `${resource}: ${at} "${key}" cannot be used as a key (JavaScript reserves it and it would be dropped on the way to Code Ocean); rename the field`,
      );
    }
    refuseReservedKeys(resource, args[key], at);
  }
}

/**
 * A token set without `--secret` sits in plain text in Pulumi.<stack>.yaml and in the
 * engine's record of the provider's configuration in the state. Said once per program run.
 */
function warnIfTokenInPlainText(): void {
  held("warnings", pulumi.runtime.getMonitor?.(), warnTokenInPlainText);
}

function warnTokenInPlainText(): true {
  const key = "codeocean:token";
  const isSecret = configSecrecy();
  if (pulumi.runtime.getConfig(key) !== undefined && isSecret && !isSecret(key)) {
    void pulumi.log.warn(
      "codeocean:token is set in plain text: it is stored unencrypted in Pulumi.<stack>.yaml and in the stack's state (the engine records the provider's configuration there). " +
        "Set it again with `pulumi config set --secret codeocean:token <token>`, or use CODEOCEAN_API_TOKEN.",
    );
  }
  return true;
}
