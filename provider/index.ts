/**
 * pulumi-codeocean: Code Ocean data assets and their capsule/pipeline attachments as Pulumi
 * resources.
 */
export { DataAsset } from "./faces/dynamic/dataAsset";
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
} from "./faces/dynamic/dataAsset";
export type { DataAssetState, DataAssetType } from "./resources/dataAsset/reportedFields";
export { CapsuleAttachment } from "./faces/dynamic/capsuleAttachment";
export type { CapsuleAttachmentArgs } from "./faces/dynamic/capsuleAttachment";
export {
  getDataAsset,
  getDataAssetOutput,
  searchDataAssets,
  searchDataAssetsOutput,
} from "./faces/dynamic/lookups";
export type {
  DataAssetInfo,
  DataAssetLookup,
  SearchDataAssetsArgs,
  SearchFilter,
} from "./faces/dynamic/lookups";
export { CodeOceanClient } from "./core/api/client";
export type { ClientSettings, TargetKind } from "./core/api/client";
export * from "./core/api/errors";
export { VERSION } from "./version";
