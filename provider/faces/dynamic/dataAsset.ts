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
import { withoutStackCaptures } from "../register";
import { isPlain, refuseReservedKeys, warnIfTokenInPlainText, withSecretEchoes } from "../args";
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
