/**
 * Sharing and the archive state, brought to the declaration once Code Ocean accepted the
 * asset (it takes both only once the asset is ready).
 */
import type { ProviderRuntime } from "../../core/runtime";
import type { ArchivedIndex } from "./archivedIndex";
import {
  DataAssetInputs,
  DataAssetPermissions,
  dataAssetResource as resource,
  storedPermissions,
} from "./table";

/** The sharing a removed `permissions` block leaves: the owner's own access, nothing else. */
const REVOKED: DataAssetPermissions = {
  users: [],
  groups: [],
  everyone: "none",
  shareAssets: false,
};

/** The calls that bring an asset's sharing and archive state to the declaration. */
export function sharingAndArchive(rt: ProviderRuntime, archivedIndex: ArchivedIndex) {
  /**
   * Sets the declared sharing when it differs from `current` (the sharing the stack manages
   * now, or null); the sharing now managed. A `permissions` block removed from a declaration
   * revokes what it granted — owner only, nobody else — which is what the preview shows
   * (`- permissions …`): the preview and the effect agree, and a removed block never leaves
   * pre-publication data shared. Never declared: the endpoints are never called.
   */
  async function applyPermissions(
    id: string,
    inputs: DataAssetInputs,
    current: DataAssetPermissions | null,
  ): Promise<DataAssetPermissions | null> {
    const declared = storedPermissions(inputs.permissions);
    if (!declared) {
      if (current) await rt.client.setPermissions(id, REVOKED);
      return null;
    }
    if (!current || !resource.fields.permissions.same(current, declared))
      await rt.client.setPermissions(id, declared);
    return declared;
  }

  /** Archives or unarchives to match the declaration; the archive state now. */
  async function applyArchived(id: string, inputs: DataAssetInputs, current: boolean) {
    if (inputs.archived !== current) await setArchived(id, inputs.archived);
    return inputs.archived;
  }

  async function setArchived(id: string, archived: boolean): Promise<void> {
    await (archived ? rt.client.archiveDataAsset(id) : rt.client.unarchiveDataAsset(id));
    archivedIndex.noteArchived(id, archived);
  }

  return { applyPermissions, applyArchived, setArchived };
}
