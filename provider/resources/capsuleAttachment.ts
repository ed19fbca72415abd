import * as pulumi from "@pulumi/pulumi";
import { runtimeShim } from "./shim";

/** The serialized provider (see shim.ts). */
export const capsuleAttachmentShim = runtimeShim("capsuleAttachmentProvider");

export interface CapsuleAttachmentArgs {
  /** The capsule to attach to. Exactly one of `capsuleId` and `pipelineId`. Changing it replaces. */
  capsuleId?: pulumi.Input<string>;
  /** The pipeline to attach to. Exactly one of `capsuleId` and `pipelineId`. Changing it replaces. */
  pipelineId?: pulumi.Input<string>;
  /** The data asset to attach, typically `someDataAsset.id`. Changing it replaces. */
  dataAssetId: pulumi.Input<string>;
  /** Folder under `/data` in the capsule. Default: the data asset's own mount. Changing it replaces. */
  mount?: pulumi.Input<string>;
  /** Wait until Code Ocean reports the mount ready. Default `true`. */
  waitForReady?: pulumi.Input<boolean>;
  /** How long to wait for the mount, in seconds. Default 600. */
  readyTimeoutSeconds?: pulumi.Input<number>;
}

/**
 * One data asset attached to one capsule or pipeline, at a mount under `/data`.
 *
 * Create attaches and waits for the mount; delete detaches. Attachments to the same capsule
 * made in one `up` are sent together. Code Ocean cannot list a capsule's attachments, so
 * refresh detects a deleted capsule, pipeline or data asset, not a detach made by hand.
 */
export class CapsuleAttachment extends pulumi.dynamic.Resource {
  /** The capsule id, or `""` when attached to a pipeline. */
  declare readonly capsuleId: pulumi.Output<string>;
  /** The pipeline id, or `""` when attached to a capsule. */
  declare readonly pipelineId: pulumi.Output<string>;
  /** The attached data asset. */
  declare readonly dataAssetId: pulumi.Output<string>;
  /** The effective mount folder under `/data`. */
  declare readonly mount: pulumi.Output<string>;
  /** `capsule` or `pipeline`. */
  declare readonly targetKind: pulumi.Output<"capsule" | "pipeline">;
  /** Whether the mount was ready when last seen. */
  declare readonly ready: pulumi.Output<boolean>;
  /** Whether the asset's files stay in the customer's bucket. */
  declare readonly external: pulumi.Output<boolean>;
  /** Whether `up` waits for the mount. */
  declare readonly waitForReady: pulumi.Output<boolean>;
  /** The mount timeout in seconds. */
  declare readonly readyTimeoutSeconds: pulumi.Output<number>;

  constructor(name: string, args: CapsuleAttachmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      capsuleAttachmentShim,
      name,
      {
        // Every input key must be present (undefined if not given) for its output to exist.
        capsuleId: undefined,
        pipelineId: undefined,
        mount: undefined,
        waitForReady: undefined,
        readyTimeoutSeconds: undefined,
        ...args,
        targetKind: undefined,
        ready: undefined,
        external: undefined,
      },
      opts,
      "codeocean",
      "CapsuleAttachment",
    );
  }
}
