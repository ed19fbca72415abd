/** Refresh's read of a DataAsset, which also serves `DataAsset.get` and `pulumi import`. */
import { CodeOceanError } from "../../core/api/errors";
import type { ProviderRuntime } from "../../core/runtime";
import type { ArchivedIndex } from "./archivedIndex";
import { dataAssetResource as resource, effectivePermissions } from "./table";

type Props = Record<string, unknown>;

/** Refresh (or a lookup by id): what Code Ocean says now, and inputs that mirror it. */
export async function readAsset(
  rt: ProviderRuntime,
  archivedIndex: ArchivedIndex,
  id: string,
  stored: Props,
): Promise<{ id: string; props: Props; inputs?: Props }> {
  const client = rt.client;
  const asset = await client.findDataAsset(id);
  // No outputs stored: a lookup by id (`DataAsset.get`), which must fail, not come back empty.
  const lookup = stored.name === undefined && stored.state === undefined;
  if (!asset && lookup) {
    throw new CodeOceanError(
      `DataAsset.get: no data asset with id ${id}: Code Ocean answered 404 twice, seconds apart, or the token cannot see it. Check the id in Code Ocean.`,
    );
  }
  // Gone, confirmed: the engine drops it from the stack.
  if (!asset) return { id: "", props: {} as Props };
  const old = resource.withFallbacks(stored);
  const [archived, permissions] = await Promise.all([
    archivedIndex.isArchived(asset),
    // Sharing is read only where the provider manages it.
    old.permissions &&
      client.getPermissions(id).then((p) => effectivePermissions(p, asset, old.permissions!)),
  ]);
  // Settings Code Ocean does not know keep their stored values (defaults for a fresh `get`).
  const outs = resource.refreshed(stored, { asset, archived, permissions });
  // Inputs mirror the remote metadata so the next diff shows drift (e.g. a rename in the web UI).
  return { id, props: outs as unknown as Props, inputs: resource.inputsOf(outs) };
}
