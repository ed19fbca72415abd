/**
 * Looking up data assets through the plugin (`codeocean:index:getDataAsset`,
 * `codeocean:index:searchDataAssets`): the same questions as the dynamic face's lookups, asked
 * of the provider — the default one, or an explicit one given as `{ provider }`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DataAssetInfo, SearchDataAssetsArgs } from "../types.generated";
import type { DataAssetLookup } from "../dynamic/lookups";

export type { DataAssetInfo, DataAssetLookup, SearchDataAssetsArgs };

/** One data asset, by id or by exact name (which must match exactly one live asset). */
export async function getDataAsset(
  lookup: DataAssetLookup,
  opts?: pulumi.InvokeOptions,
): Promise<DataAssetInfo> {
  return (await pulumi.runtime.invoke(
    "codeocean:index:getDataAsset",
    lookup,
    opts,
  )) as DataAssetInfo;
}

/** Data assets matching every criterion given (live ones unless `archived: true`). */
export async function searchDataAssets(
  args: SearchDataAssetsArgs = {},
  opts?: pulumi.InvokeOptions,
): Promise<DataAssetInfo[]> {
  const found = (await pulumi.runtime.invoke("codeocean:index:searchDataAssets", args, opts)) as {
    assets: DataAssetInfo[];
  };
  return found.assets;
}

/** `getDataAsset` for inputs that are Outputs. */
export function getDataAssetOutput(
  lookup: pulumi.Input<{ id: pulumi.Input<string> } | { name: pulumi.Input<string> }>,
  opts?: pulumi.InvokeOptions,
): pulumi.Output<DataAssetInfo> {
  return pulumi.output(lookup).apply((l) => getDataAsset(l as DataAssetLookup, opts));
}

/** `searchDataAssets` for inputs that are Outputs. */
export function searchDataAssetsOutput(
  args: pulumi.Input<SearchDataAssetsArgs> = {},
  opts?: pulumi.InvokeOptions,
): pulumi.Output<DataAssetInfo[]> {
  return pulumi.output(args).apply((a) => searchDataAssets(a as SearchDataAssetsArgs, opts));
}
