/**
 * `pulumi-codeocean/native`: the resources as the plugin `pulumi-resource-codeocean` serves
 * them (install it: see the README), for TypeScript programs — `pulumi import`,
 * `refresh --import-pending-creates`, explicit providers, Ctrl-C and customTimeouts reach the
 * provider. The same arguments and outputs as the package's dynamic classes; a stack made with
 * those moves to these without touching Code Ocean (aliases: see resources.ts).
 */
export { CapsuleAttachment, DataAsset } from "./resources";
export { Provider } from "./provider";
export type { ProviderArgs } from "./provider";
export {
  getDataAsset,
  getDataAssetOutput,
  searchDataAssets,
  searchDataAssetsOutput,
} from "./lookups";
export type { DataAssetInfo, DataAssetLookup, SearchDataAssetsArgs } from "./lookups";
export type * from "../types.generated";
export { VERSION } from "../../version";
