/**
 * pulumi-codeocean: Code Ocean data assets and their capsule/pipeline attachments as Pulumi
 * resources.
 */
export { DataAsset } from "./resources/dataAsset";
export type {
  AwsSourceArgs,
  CloudWorkstationSourceArgs,
  CombinedSourceArgs,
  ComputationSourceArgs,
  DataAssetArgs,
  DataAssetPermissions,
  DataAssetPermissionsArgs,
  DataAssetSource,
  DataAssetSourceArgs,
  DataAssetTargetArgs,
  GcpSourceArgs,
  GroupPermissionArgs,
  PipelineProcessArgs,
  Provenance,
  ResultsInfoArgs,
  RunParameterArgs,
  S3TargetArgs,
  SourceBucket,
  UserPermissionArgs,
} from "./resources/dataAsset";
export type { DataAssetState, DataAssetType } from "./resources/dataAssetSchema";
export { CapsuleAttachment } from "./resources/capsuleAttachment";
export type { CapsuleAttachmentArgs } from "./resources/capsuleAttachment";
export {
  getDataAsset,
  getDataAssetOutput,
  searchDataAssets,
  searchDataAssetsOutput,
} from "./lookups";
export type { DataAssetInfo, DataAssetLookup, SearchDataAssetsArgs, SearchFilter } from "./lookups";
export { CodeOceanClient } from "./api/client";
export type { ClientSettings, TargetKind } from "./api/client";
export * from "./api/errors";
export { VERSION } from "./version";
