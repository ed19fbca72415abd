/** The metadata PUT: which declared fields differ from the stored ones, and the body to send. */
import type { UpdateDataAssetParams } from "../../core/api/requests";
import type { DataAsset as RemoteAsset } from "../../core/api/schemas";
import { dataAssetResource, type DataAssetInputs, type DataAssetOutputs } from "./table";

/** The fields a metadata PUT sets. */
const METADATA = ["name", "description", "tags", "mount", "customMetadata"] as const;
export type MetadataChanges = Partial<UpdateDataAssetParams>;

/** The metadata fields whose stored value differs from the declared one, with the declared values. */
export function metadataChanges(
  current: Partial<DataAssetOutputs> | RemoteAsset,
  desired: DataAssetInputs,
): MetadataChanges {
  const changed = dataAssetResource
    .changed(current as Record<string, unknown>, desired, "update")
    .filter((k): k is (typeof METADATA)[number] => (METADATA as readonly string[]).includes(k));
  return Object.fromEntries(changed.map((k) => [k, desired[k]]));
}

/**
 * The PUT for `changes`, or undefined when nothing changed. Code Ocean marks name,
 * description, tags and mount required, so every PUT carries them; custom metadata goes
 * whole, and only when it changed.
 */
export function metadataUpdate(
  changes: MetadataChanges,
  desired: DataAssetInputs,
): UpdateDataAssetParams | undefined {
  if (!Object.keys(changes).length) return undefined;
  const { name, description, tags, mount } = desired;
  return { name, description, tags, mount, customMetadata: changes.customMetadata };
}
