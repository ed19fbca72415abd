import * as pulumi from "@pulumi/pulumi";

/** What `DataAsset`'s constructor hands the SDK besides the user's arguments. */
export interface Registration {
  shim: pulumi.dynamic.ResourceProvider;
  keys: { inputs: Record<string, undefined>; outputs: Record<string, undefined> };
}

/**
 * `DataAsset` as 0.2.0 registered it: the same shim, keys and type, without
 * `withoutStackCaptures` (provider/resources/register.ts) — the "before" of its test and of
 * bench §5b.
 */
export function dataAssetWithStackCaptures({
  shim,
  keys,
}: Registration): new (name: string, args: Record<string, unknown>) => pulumi.dynamic.Resource {
  return class DataAssetWithStackCaptures extends pulumi.dynamic.Resource {
    constructor(name: string, args: Record<string, unknown>) {
      super(
        shim,
        name,
        { ...keys.inputs, ...args, ...keys.outputs },
        undefined,
        "codeocean",
        "DataAsset",
      );
    }
  };
}
