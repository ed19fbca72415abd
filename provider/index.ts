/**
 * pulumi-codeocean: Code Ocean data assets and their capsule/pipeline attachments as Pulumi
 * resources.
 */
export { DataAsset } from "./resources/dataAsset";
export type {
  AwsSourceArgs,
  ComputationSourceArgs,
  DataAssetArgs,
  DataAssetSource,
  DataAssetSourceArgs,
  DataAssetTargetArgs,
  GcpSourceArgs,
  Provenance,
  SourceBucket,
} from "./resources/dataAsset";
export { CapsuleAttachment } from "./resources/capsuleAttachment";
export type { CapsuleAttachmentArgs } from "./resources/capsuleAttachment";
export { CodeOceanClient } from "./api/client";
export type { ClientSettings, TargetKind } from "./api/client";
export * from "./api/errors";
export { VERSION } from "./version";
