/**
 * The plugin's resources for TypeScript programs: `DataAsset` and `CapsuleAttachment` as
 * custom resources of the `codeocean` package (`codeocean:index:*`), served by the plugin
 * `pulumi-resource-codeocean` — the same arguments and outputs as the dynamic classes (both
 * from types.generated.ts), so that moving a program is an import change. Each carries an
 * alias to the dynamic type it replaces: a stack made with the dynamic classes moves to these
 * without touching Code Ocean (the engine sees the same resource, asks the plugin for a diff,
 * finds none, and records the new type and provider).
 */
import * as pulumi from "@pulumi/pulumi";
import { OutputProperties, registeredKeys } from "../../declare/fields";
import { capsuleAttachmentResource } from "../../resources/capsuleAttachment/table";
import { dataAssetResource } from "../../resources/dataAsset/table";
import {
  followAssetMount,
  refuseReservedKeys,
  warnIfTokenInPlainText,
  withSecretEchoes,
} from "../args";
import { withoutStackCaptures } from "../register";
import type {
  CapsuleAttachmentArgs,
  CapsuleAttachmentOutputs,
  DataAssetArgs,
  DataAssetOutputs,
} from "../types.generated";

/** The type each class had as a dynamic resource, and its type token in the package. */
const TYPES = {
  DataAsset: {
    token: "codeocean:index:DataAsset",
    dynamic: "pulumi-nodejs:dynamic/codeocean:DataAsset",
  },
  CapsuleAttachment: {
    token: "codeocean:index:CapsuleAttachment",
    dynamic: "pulumi-nodejs:dynamic/codeocean:CapsuleAttachment",
  },
} as const;

/** The options with the alias that takes over the same resource made by the dynamic class. */
function migrating(
  dynamicType: string,
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.CustomResourceOptions {
  // A lookup by id (`get`) reads an object; it has no earlier self to take over.
  if (opts?.id !== undefined) return opts;
  return { ...opts, aliases: [...(opts?.aliases ?? []), { type: dynamicType }] };
}

/** Whether `obj` is this package's DataAsset, also from another copy of the package. */
function isDataAsset(obj: unknown): obj is DataAsset {
  return (
    pulumi.CustomResource.isInstance(obj) &&
    (obj as unknown as { __pulumiType?: string }).__pulumiType === TYPES.DataAsset.token
  );
}

const DATA_ASSET_KEYS = registeredKeys(dataAssetResource);
const ATTACHMENT_KEYS = registeredKeys(capsuleAttachmentResource);

/** The outputs, each declared in the field table (resources/dataAsset/table.ts). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- outputs derive from the declarations
export interface DataAsset extends OutputProperties<DataAssetOutputs> {}

/**
 * A Code Ocean data asset, served by the plugin: a versioned folder of data imported from S3
 * or GCS, or captured from a run's results or a Cloud Workstation, that capsules and pipelines
 * mount under `/data`. `pulumi up` creates it and waits until Code Ocean reports it ready;
 * metadata changes update it in place; source or target changes replace it; `pulumi destroy`
 * archives it (see `onDelete`). `pulumi import codeocean:index:DataAsset NAME ID` adopts one.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class DataAsset extends pulumi.CustomResource {
  constructor(name: string, args: DataAssetArgs, opts?: pulumi.CustomResourceOptions) {
    if (opts?.id === undefined) refuseReservedKeys(`DataAsset "${name}"`, args);
    warnIfTokenInPlainText();
    const { inputs, outputs } = DATA_ASSET_KEYS;
    // Registration takes a stack trace per promise per property: see register.ts.
    const restore = withoutStackCaptures();
    try {
      super(
        TYPES.DataAsset.token,
        name,
        { ...inputs, ...args, ...outputs },
        migrating(TYPES.DataAsset.dynamic, withSecretEchoes(args?.source, opts)),
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

/** The outputs, each declared in the field table (resources/capsuleAttachment/table.ts). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- outputs derive from the field table
export interface CapsuleAttachment extends OutputProperties<CapsuleAttachmentOutputs> {}

/**
 * One data asset attached to one capsule or pipeline, at a mount under `/data`, served by the
 * plugin. Create attaches and waits for the mount; delete detaches; refresh sees a detach made
 * by hand. Without a mount of its own it follows the mount of a DataAsset declared in the
 * same program. `pulumi import codeocean:index:CapsuleAttachment NAME capsule:<capsuleId>:<assetId>`
 * (or `pipeline:…`) adopts one.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class CapsuleAttachment extends pulumi.CustomResource {
  constructor(name: string, args: CapsuleAttachmentArgs, opts?: pulumi.CustomResourceOptions) {
    const { inputs, outputs } = ATTACHMENT_KEYS;
    // Registration takes a stack trace per promise per property: see register.ts.
    const restore = withoutStackCaptures();
    try {
      super(
        TYPES.CapsuleAttachment.token,
        name,
        { ...inputs, ...args, ...followAssetMount(args, isDataAsset), ...outputs },
        migrating(TYPES.CapsuleAttachment.dynamic, opts),
      );
    } finally {
      restore();
    }
  }
}
