/**
 * Whether data assets are archived, for many reads at once.
 *
 * The asset object has no archived flag: archived assets are only found by search. A read
 * on its own asks search for archived assets with its name (one call). When several reads
 * are under way together — a refresh runs the engine's parallelism's worth at once — one
 * listing of every archived asset answers them all, and the reads that follow for a short
 * while: a refresh of 200 assets costs 200 GETs and a page or two of search, not 400 calls.
 * The provider's own archive and unarchive calls keep the listing true.
 */
import { CodeOceanClient, nameQuery } from "../api/client";
import type { DataAsset as RemoteAsset } from "../api/schemas";

/** From this many reads under way at once, one listing is cheaper than a search per asset. */
const LISTING_FROM = 3;
/** How long a listing answers later reads; longer than a large refresh's gaps between reads. */
const LISTING_TTL_MS = 10_000;

export class ArchivedIndex {
  private reading = 0;
  private listing: { at: number; ids: Promise<Set<string>> } | undefined;

  constructor(private readonly client: () => CodeOceanClient) {}

  /** Runs one read; reads under way together decide how archived state is looked up. */
  async during<T>(read: () => Promise<T>): Promise<T> {
    this.reading++;
    try {
      return await read();
    } finally {
      this.reading--;
    }
  }

  isArchived(asset: RemoteAsset): Promise<boolean> {
    const fresh = this.listing && Date.now() - this.listing.at < LISTING_TTL_MS;
    // A listing once made (a large refresh) keeps being the cheaper way.
    if (!fresh && (this.reading >= LISTING_FROM || this.listing)) {
      const ids = this.listAll();
      this.listing = { at: Date.now(), ids };
      // A failed listing is not kept: the next read tries again.
      ids.catch(() => (this.listing = undefined));
    }
    return this.listing ? this.listing.ids.then((ids) => ids.has(asset.id)) : this.byName(asset);
  }

  /** The provider archived or unarchived an asset itself. */
  noteArchived(id: string, archived: boolean): void {
    void this.listing?.ids.then((ids) => (archived ? ids.add(id) : ids.delete(id)));
  }

  private async listAll(): Promise<Set<string>> {
    const ids = new Set<string>();
    for await (const a of this.client().searchDataAssets({ archived: true, limit: 1000 }))
      ids.add(a.id);
    return ids;
  }

  private async byName(asset: RemoteAsset): Promise<boolean> {
    for await (const a of this.client().searchDataAssets({
      query: nameQuery(asset.name),
      archived: true,
      limit: 1000,
    })) {
      if (a.id === asset.id) return true;
    }
    return false;
  }
}
