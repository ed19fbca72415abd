/**
 * The package, declared once: its resources (their field tables), its functions (the
 * lookups) and its provider configuration. The plugin serves the schema made from this, and
 * scripts/generate.ts writes from it the TypeScript declarations, provider/schema.json and the
 * reference tables.
 */
import { SETTINGS } from "../core/config";
import { VERSION } from "../version";
import { nodejsReadme, pythonReadme } from "./readmes";
import { capsuleAttachmentResource } from "./capsuleAttachment/table";
import { dataAssetResource } from "./dataAsset/table";
import {
  DataAssetInfo,
  GetDataAssetArgs,
  SearchDataAssetsArgs,
  SearchDataAssetsResult,
} from "./lookups/declaration";

const DESCRIPTION =
  "Code Ocean data assets — imported from S3 or GCS, captured from runs or Cloud Workstations, shared, archived — and their attachments to capsules and pipelines.";

export const PACKAGE = {
  name: "codeocean",
  displayName: "Code Ocean",
  version: VERSION,
  description: DESCRIPTION,
  repository: "https://github.com/codeocean/pulumi-codeocean",
  settings: SETTINGS,
  /**
   * What each SDK generator needs (scripts/gen-sdk.sh): package names and import paths.
   * `respectSchemaVersion` makes every SDK carry the schema's version (the package's), so the
   * plugin, the schema and the SDKs share one version (npm run release bumps it).
   */
  language: {
    nodejs: {
      packageName: "@codeocean/pulumi",
      packageDescription: "A Pulumi package for Code Ocean data assets and their attachments.",
      readme: nodejsReadme(DESCRIPTION, VERSION),
      respectSchemaVersion: true,
    },
    python: {
      packageName: "pulumi_codeocean",
      readme: pythonReadme(DESCRIPTION, VERSION),
      pyproject: { enabled: true },
      respectSchemaVersion: true,
    },
    go: {
      importBasePath: "github.com/codeocean/pulumi-codeocean/sdk/go/codeocean",
      generateResourceContainerTypes: true,
      respectSchemaVersion: true,
    },
  },
  resources: {
    DataAsset: {
      description:
        "A Code Ocean data asset: a versioned folder of data imported from S3 or GCS, or captured from a run's results or a Cloud Workstation session, that capsules and pipelines mount under `/data`. `pulumi up` creates it and waits until Code Ocean reports it ready; metadata changes update it in place; source or target changes replace it; `pulumi destroy` archives it (see `onDelete`).",
      fields: dataAssetResource.fields,
      deleteBeforeReplace: false,
    },
    CapsuleAttachment: {
      description:
        "One data asset attached to one capsule or pipeline, at a mount under `/data`. Create attaches and waits for the mount; delete detaches (unless the attachment was found already there). Attachments to the same capsule made in one `up` are sent together.",
      fields: capsuleAttachmentResource.fields,
      deleteBeforeReplace: true,
    },
  },
  functions: {
    getDataAsset: {
      description:
        "One data asset, by id or by its exact name (which must match exactly one live asset). Nothing is added to the stack.",
      inputs: GetDataAssetArgs,
      outputs: DataAssetInfo,
    },
    searchDataAssets: {
      description:
        "Every data asset matching all criteria given: live ones unless `archived` is true, all of them unless `limit`.",
      inputs: SearchDataAssetsArgs,
      outputs: SearchDataAssetsResult,
    },
  },
} as const;
