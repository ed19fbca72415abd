import type { DataAsset, MetadataValue, SourceBucket } from "../../core/api/schemas";

/** `sourceBucket` when Code Ocean gives none (outputs never hold null there). */
export const NO_SOURCE_BUCKET: SourceBucket = {
  origin: "",
  bucket: "",
  prefix: "",
  external: false,
};

/** What every camelCase view of a data asset carries (lookups, codeocean-adopt). */
export interface AssetBasics {
  /** The asset's id. */
  id: string;
  /** Display name. */
  name: string;
  /** Default mount folder under `/data`. */
  mount: string;
  /** Description (`""` when none). */
  description: string;
  /** Tags. */
  tags: string[];
  /** Custom metadata values by field name. */
  customMetadata: Record<string, MetadataValue>;
  /** `draft`, `ready` or `failed`. */
  state: string;
  /** `dataset`, `result`, `combined` or `model`. */
  type: string;
}

export function assetBasics(a: DataAsset): AssetBasics {
  return {
    id: a.id,
    name: a.name,
    mount: a.mount,
    description: a.description,
    tags: a.tags,
    customMetadata: a.customMetadata,
    state: a.state,
    type: a.type,
  };
}
