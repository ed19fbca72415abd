/**
 * What the lookups do, over a runtime: search Code Ocean, check exactly what was asked for
 * (search is fuzzy), and answer as declared (declaration.ts). The program's face caches each
 * question per run; the plugin answers each invoke.
 */
import { nameQuery } from "../../core/api/search";
import { CodeOceanError } from "../../core/api/errors";
import type { DataAsset } from "../../core/api/schemas";
import type { ProviderRuntime } from "../../core/runtime";
import type { ObjectNode } from "../../declare/types";
import { validate } from "../../declare/validate";
import { assetBasics, NO_SOURCE_BUCKET } from "../dataAsset/view";
import { GetDataAssetArgs as GetDataAssetArgsNode } from "./declaration";
import type {
  DataAssetInfoValue as DataAssetInfo,
  GetDataAssetArgsValue as GetDataAssetArgs,
  SearchDataAssetsArgsValue as SearchDataAssetsArgs,
} from "./declaration";

export { DataAssetInfo, SearchDataAssetsArgs };

/** Arguments checked against their declaration, before any call; a CodeOceanError naming each problem. */
export function checked<T>(fn: string, declaration: ObjectNode, args: unknown): T {
  const result = validate(declaration.zod, (args ?? {}) as Record<string, unknown>);
  if (!result.ok) {
    throw new CodeOceanError(
      `${fn}: ${result.failures.map((f) => `${f.property} ${f.reason}`).join("; ")}.`,
    );
  }
  return result.value as T;
}

export function info(a: DataAsset): DataAssetInfo {
  return {
    ...assetBasics(a),
    created: a.created,
    size: a.size,
    files: a.files,
    owner: a.owner,
    external: a.sourceBucket?.external ?? false,
    sourceBucket: a.sourceBucket ?? NO_SOURCE_BUCKET,
    provenance: a.provenance,
  };
}

/** Whether an asset's custom metadata value is (or, for a list, holds) `wanted`. */
const holds = (value: unknown, wanted: string | number) =>
  Array.isArray(value) ? value.includes(wanted) : value === wanted;

/** Data assets matching every criterion given (live ones unless `archived: true`). */
export async function searchDataAssets(
  rt: ProviderRuntime,
  args: SearchDataAssetsArgs,
): Promise<DataAssetInfo[]> {
  const terms = [
    ...(args.name !== undefined ? [nameQuery(args.name)] : []),
    ...(args.tags ?? []).map((t) => `tag:"${t}"`),
    ...(args.query ? [args.query] : []),
  ];
  const wanted = Object.entries(args.customMetadata ?? {});
  const found: DataAssetInfo[] = [];
  const unreadable: string[] = [];
  for await (const a of rt.client.searchDataAssets(
    {
      query: terms.join(" ") || undefined,
      archived: args.archived ?? false,
      type: args.type,
      origin: args.origin,
      ownership: args.ownership,
      favorite: args.favorite,
      filters: [...wanted.map(([key, value]) => ({ key, value })), ...(args.filters ?? [])],
      sortField: args.sortField,
      sortOrder: args.sortOrder,
      limit: Math.min(1000, args.limit ?? 100),
    },
    { onUnreadable: (r) => unreadable.push(r.id ?? "(without an id)"), wanted: args.limit },
  )) {
    // Search is fuzzy; what was asked for exactly is checked here.
    if (args.name !== undefined && a.name !== args.name) continue;
    if (args.tags && !args.tags.every((t) => a.tags.includes(t))) continue;
    if (args.type !== undefined && a.type !== args.type) continue;
    if (!wanted.every(([k, v]) => holds(a.customMetadata[k], v))) continue;
    found.push(info(a));
    if (args.limit !== undefined && found.length >= args.limit) break;
  }
  if (unreadable.length && !found.length) {
    throw new CodeOceanError(
      `searchDataAssets: found nothing this version of pulumi-codeocean can read; Code Ocean also returned ${unreadable.length} result(s) it cannot (ids ${unreadable.slice(0, 10).join(", ")}). A newer pulumi-codeocean may read them.`,
    );
  }
  return found;
}

/** One data asset by id. A lookup concludes nothing from a 404 but that it failed: one look. */
export async function getDataAssetById(rt: ProviderRuntime, id: string): Promise<DataAssetInfo> {
  const asset = await rt.client.findDataAsset(id, { confirm: false });
  if (!asset) {
    throw new CodeOceanError(
      `getDataAsset: no data asset with id ${id} (HTTP 404), or the token cannot see it. Check the id in Code Ocean.`,
    );
  }
  return info(asset);
}

/** The one live asset a name search found, or an error saying what was found instead. */
export function onlyOne(name: string, matches: DataAssetInfo[]): DataAssetInfo {
  if (matches.length === 1) return matches[0];
  throw new CodeOceanError(
    matches.length === 0
      ? `getDataAsset: no live data asset is named "${name}". Check the name (it must match exactly), or look it up by id.`
      : `getDataAsset: ${matches.length} live data assets are named "${name}" (ids ${matches.map((m) => m.id).join(", ")}); look one up by id instead.`,
  );
}

/** `getDataAsset` as the plugin answers it: arguments checked, by id or by exact name. */
export async function getDataAsset(rt: ProviderRuntime, args: unknown): Promise<DataAssetInfo> {
  const valid = checked<GetDataAssetArgs>("getDataAsset", GetDataAssetArgsNode, args);
  if (valid.id !== undefined) return getDataAssetById(rt, valid.id);
  const name = valid.name!;
  return onlyOne(name, await searchDataAssets(rt, { name }));
}
