import * as pulumi from "@pulumi/pulumi";
import { capsuleAttachmentResource } from "../../resources/capsuleAttachment/table";
import type { CapsuleAttachmentArgs, CapsuleAttachmentOutputs } from "../types.generated";
import { OutputProperties, registeredKeys } from "../../declare/fields";
import { DataAsset } from "./dataAsset";
import { withoutStackCaptures } from "../register";
import { followAssetMount } from "../args";
import { runtimeShim } from "./shim";

/** The serialized provider (see shim.ts). */
export const capsuleAttachmentShim = runtimeShim("capsuleAttachmentProvider");

export type { CapsuleAttachmentArgs };

/** The outputs, each declared in the field table (resources/capsuleAttachment/table.ts). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- outputs derive from the field table
export interface CapsuleAttachment extends OutputProperties<CapsuleAttachmentOutputs> {}

/**
 * One data asset attached to one capsule or pipeline, at a mount under `/data`.
 *
 * Create attaches and waits for the mount; delete detaches. Attachments to the same capsule
 * made in one `up` are sent together. Code Ocean cannot list a capsule's attachments, so
 * refresh detects a deleted capsule, pipeline or data asset, not a detach made by hand.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class CapsuleAttachment extends pulumi.dynamic.Resource {
  constructor(name: string, args: CapsuleAttachmentArgs, opts?: pulumi.CustomResourceOptions) {
    // Registration takes a stack trace per promise per property: see register.ts.
    const restore = withoutStackCaptures();
    try {
      super(
        capsuleAttachmentShim,
        name,
        {
          ...INPUT_KEYS,
          ...args,
          ...followAssetMount(args, (r) => r instanceof DataAsset),
          ...OUTPUT_KEYS,
        },
        opts,
        "codeocean",
        "CapsuleAttachment",
      );
    } finally {
      restore();
    }
  }
}

const { inputs: INPUT_KEYS, outputs: OUTPUT_KEYS } = registeredKeys(capsuleAttachmentResource);
