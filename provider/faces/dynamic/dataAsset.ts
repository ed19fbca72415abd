/**
 * The dynamic face's DataAsset: the class a TypeScript program declares, registered as a
 * Pulumi dynamic resource whose serialized provider is a stub that loads the installed
 * package at run time (shim.ts). Its arguments and outputs are the declared ones
 * (types.generated.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { dataAssetResource } from "../../resources/dataAsset/table";
import { OutputProperties, registeredKeys } from "../../declare/fields";
import type { DataAssetArgs, DataAssetOutputs, DataAssetSourceArgs } from "../types.generated";
import { held } from "../../core/holder";
import { configSecrecy, withoutStackCaptures } from "./register";
import { CodeOceanError } from "../../core/api/errors";
import { RESERVED_KEYS } from "../../core/model/checks";
import { runtimeShim } from "./shim";

/** The serialized provider (see shim.ts). */
export const dataAssetShim = runtimeShim("dataAssetProvider");

export type * from "../types.generated";

/** The outputs, each declared in the field table (resources/dataAsset/table.ts). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- outputs derive from the declarations
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
