/**
 * Reading the estate for codeocean-adopt: the search (live assets, then archived ones when
 * asked), then each ready asset's sharing, through the package's client (retries, the
 * adaptive request budget, redaction), with progress lines for large estates.
 */
import { effectivePermissions } from "../resources/dataAsset/table";
import type { CodeOceanClient } from "../core/api/client";
import type { UnreadableResult } from "../core/api/search";
import type { DataAsset, Permissions } from "../core/api/schemas";
import { assetBasics } from "../resources/dataAsset/view";
import type { AdoptedAsset } from "./generate";

export interface Selection {
  /** Code Ocean's search syntax, e.g. `"reads"` or `name:"GRCh38"`. */
  query?: string;
  /** Every one of these tags. */
  tags: string[];
  /** Archived assets too (live ones only otherwise). */
  includeArchived: boolean;
}

/** Search results a page holds (the progress line comes once a page). */
export const PAGE_SIZE = 100;
/** Sharing reads in flight at once (the client's request budget still applies). */
const PERMISSION_READS = 8;

/**
 * The search query for a selection: the tags as `tag:"…"` terms, then the query. A tag that
 * holds a quote cannot be quoted; it is only checked on the results.
 */
export function searchQuery(s: Selection): string | undefined {
  const tags = s.tags.filter((t) => !t.includes('"')).map((t) => `tag:"${t}"`);
  const terms = [...tags, ...(s.query ? [s.query] : [])];
  return terms.join(" ") || undefined;
}

/** Every asset the selection finds, with its sharing (owner's own entry left out). */
export async function collectAssets(
  client: CodeOceanClient,
  selection: Selection,
  progress: (line: string) => void,
): Promise<AdoptedAsset[]> {
  const found = new Map<string, { asset: DataAsset; archived: boolean }>();
  const query = searchQuery(selection);
  for (const archived of selection.includeArchived ? [false, true] : [false]) {
    const skipped = (r: UnreadableResult) =>
      progress(
        `skipped asset ${r.id ?? "(without an id)"}: this version of pulumi-codeocean cannot read it (${r.detail})`,
      );
    for await (const asset of client.searchDataAssets(
      { query, archived, limit: PAGE_SIZE },
      { onUnreadable: skipped },
    )) {
      // Search is fuzzy; the tags asked for are checked exactly.
      if (!selection.tags.every((t) => asset.tags.includes(t))) continue;
      if (found.has(asset.id)) continue;
      found.set(asset.id, { asset, archived });
      if (found.size % PAGE_SIZE === 0) progress(`found ${found.size} assets…`);
    }
  }
  if (found.size % PAGE_SIZE !== 0) progress(`found ${found.size} assets`);

  const entries = [...found.values()];
  const ready = entries.filter((e) => e.asset.state === "ready");
  const sharing = new Map<string, Permissions>();
  let read = 0;
  const every = Math.max(1, Math.ceil(ready.length / 20));
  await pool(ready, PERMISSION_READS, async ({ asset }) => {
    sharing.set(asset.id, await client.getPermissions(asset.id));
    read++;
    if (read % every === 0 || read === ready.length)
      progress(`reading sharing ${read}/${ready.length}`);
  });
  return entries.map(({ asset, archived }) => {
    const listed = sharing.get(asset.id);
    return toAdopted(asset, archived, listed ? withoutOwner(listed, asset.ownerEmail) : null);
  });
}

/**
 * The sharing as a declaration states it: Code Ocean lists the owner among the users, and
 * that entry (role owner, the asset's owner e-mail; without one, the first owner) is not
 * declared — as the provider reads it back (effectivePermissions).
 */
export function withoutOwner(listed: Permissions, ownerEmail: string): AdoptedAsset["permissions"] {
  const nothingDeclared = { users: [], groups: [], everyone: "none", shareAssets: false };
  const { users, groups, everyone } = effectivePermissions(
    listed,
    { ownerEmail } as DataAsset,
    nothingDeclared,
  );
  return { users, groups, everyone };
}

export function toAdopted(
  a: DataAsset,
  archived: boolean,
  permissions: AdoptedAsset["permissions"],
): AdoptedAsset {
  return {
    ...assetBasics(a),
    archived,
    sourceBucket: a.sourceBucket,
    computation: a.provenance.computation,
    containedDataAssetIds: a.containedDataAssetIds,
    permissions,
  };
}

/** Runs `fn` over `items`, at most `size` at once; the first failure stops the rest. */
async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
