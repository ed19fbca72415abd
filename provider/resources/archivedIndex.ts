/**
 * Whether data assets are archived, for many reads at once.
 *
 * The asset object has no archived flag: archived assets are only found by search. A read
 * on its own asks search for archived assets with its name (one call). When several reads
 * wait together — a refresh runs the engine's parallelism's worth of them at once — one
 * listing of every archived asset answers them all, and the reads that follow for a short
 * while: a refresh of 200 assets costs 200 GETs and a page or two of search, not 400 calls.
 * The provider's own archive and unarchive calls keep the listing true.
 */
import { CodeOceanClient, nameQuery } from "../api/client";
import type { DataAsset as RemoteAsset } from "../api/schemas";

/** Reads arriving within this window are answered together. */
const BATCH_WINDOW_MS = 20;
/** From this many reads at once, one listing is cheaper than a search per asset. */
const LISTING_FROM = 3;
/** How long a listing answers later reads; longer than a large refresh's gaps between reads. */
const LISTING_TTL_MS = 10_000;

interface Waiting {
  asset: RemoteAsset;
  resolve: (archived: boolean) => void;
  reject: (error: unknown) => void;
}

export class ArchivedIndex {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;
  private listing: { at: number; ids: Promise<Set<string>> } | undefined;

  constructor(private readonly client: () => CodeOceanClient) {}

  isArchived(asset: RemoteAsset): Promise<boolean> {
    const listing = this.freshListing();
    if (listing) return listing.then((ids) => ids.has(asset.id));
    return new Promise((resolve, reject) => {
      this.waiting.push({ asset, resolve, reject });
      this.timer ??= setTimeout(() => this.answer(), BATCH_WINDOW_MS);
    });
  }

  /** The provider archived or unarchived an asset itself. */
  noteArchived(id: string, archived: boolean): void {
    void this.listing?.ids.then((ids) => (archived ? ids.add(id) : ids.delete(id)));
  }

  private freshListing(): Promise<Set<string>> | undefined {
    return this.listing && Date.now() - this.listing.at < LISTING_TTL_MS
      ? this.listing.ids
      : undefined;
  }

  private answer(): void {
    this.timer = undefined;
    const batch = this.waiting.splice(0);
    // A listing once made (a large refresh) keeps being the cheaper way.
    if (batch.length >= LISTING_FROM || this.listing) {
      const ids = this.listAll();
      this.listing = { at: Date.now(), ids };
      // A failed listing is not kept: the next read tries again.
      ids.catch(() => (this.listing = undefined));
      for (const w of batch) ids.then((s) => w.resolve(s.has(w.asset.id)), w.reject);
      return;
    }
    for (const w of batch) this.byName(w.asset).then(w.resolve, w.reject);
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
