/**
 * Whether data assets are archived, for many reads at once, at a cost set by the stack and
 * not by the deployment.
 *
 * The asset object has no archived flag: archived assets are only found by search. Listing
 * every archived asset of the deployment answers any number of reads with one listing, but
 * costs what the deployment holds (20,000 archived assets of other teams are 20 pages for a
 * refresh of a 3-asset stack). So:
 *
 * - A read on its own asks search for archived assets with its name (one call).
 * - When reads come together (a refresh), one listing of the archived assets the token's user created (`ownership: created`), if
 *   it fits in a few pages, answers every read of an asset that user owns: listed means
 *   archived, unlisted means live. Other teams' archived assets never enter it.
 * - An asset owned by someone else (adopted, shared with us), or a user whose own archive is
 *   too large to list, is looked up by name: the names of the reads under way are asked in
 *   one search (`name:"a" name:"b" …`, which Code Ocean ORs), sent once every read under way
 *   is waiting for it.
 *
 * A refresh of N assets thus costs N GETs plus a constant (the listing, and one search to
 * learn the user's id when that user has archived nothing), whatever the deployment holds.
 * The provider's own archive and unarchive calls keep the listing true.
 */
import { CodeOceanClient } from "../../core/api/client";
import { nameQuery } from "../../core/api/search";
import type { DataAsset as RemoteAsset } from "../../core/api/schemas";

/** From this many reads under way at once, a listing is worth more than a search per name. */
const LISTING_FROM = 3;
/** Pages of the user's own archived assets worth listing (1,000 a page). */
const OWN_LISTING_PAGES = 3;
/** How long a listing answers later reads; longer than a large refresh's gaps between reads. */
const LISTING_TTL_MS = 30_000;
/** The longest a read waits for others to join its name search. */
const NAME_BATCH_MAX_WAIT_MS = 50;
/** Names one search asks for at most. */
const NAMES_PER_SEARCH = 40;

interface OwnListing {
  at: number;
  /** Undefined when the user's archive is too large to list. */
  ids: Promise<Set<string> | undefined>;
}

interface NameWait {
  asset: RemoteAsset;
  resolve: (archived: boolean) => void;
  reject: (error: unknown) => void;
}

export class ArchivedIndex {
  private reading = 0;
  private own: OwnListing | undefined;
  /** Owners seen in the own listing: one, the token's user, when search honours `ownership`. */
  private readonly owners = new Set<string>();
  private me: Promise<string | undefined> | undefined;
  private waiting: NameWait[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly client: () => CodeOceanClient) {}

  /** Runs one read; reads under way together share their name searches. */
  async during<T>(read: () => Promise<T>): Promise<T> {
    this.reading++;
    try {
      return await read();
    } finally {
      this.reading--;
      this.maybeFlush();
    }
  }

  async isArchived(asset: RemoteAsset): Promise<boolean> {
    // A read on its own asks about its name: one search, the listing would cost more.
    if (!this.own && this.reading < LISTING_FROM) return this.byName(asset);
    const own = await this.ownListing();
    if (own?.has(asset.id)) return true;
    if (own && asset.owner && asset.owner === (await this.myId())) return false;
    return this.byName(asset);
  }

  /** The provider archived or unarchived an asset itself. */
  noteArchived(id: string, archived: boolean): void {
    void this.own?.ids.then((ids) => (archived ? ids?.add(id) : ids?.delete(id)));
  }

  private ownListing(): Promise<Set<string> | undefined> {
    if (!this.own || Date.now() - this.own.at > LISTING_TTL_MS) {
      const listing: OwnListing = { at: Date.now(), ids: this.listOwn() };
      this.own = listing;
      // A failed listing is not kept: the next read tries again.
      listing.ids.catch(() => {
        if (this.own === listing) this.own = undefined;
      });
    }
    return this.own.ids;
  }

  private async listOwn(): Promise<Set<string> | undefined> {
    const ids = new Set<string>();
    let n = 0;
    for await (const a of this.client().searchDataAssets(
      { archived: true, ownership: "created", limit: 1000 },
      { onUnreadable: (r) => r.id && ids.add(r.id) },
    )) {
      ids.add(a.id);
      if (a.owner) this.owners.add(a.owner);
      if (++n > OWN_LISTING_PAGES * 1000) return undefined;
    }
    return ids;
  }

  /**
   * The token's user id: the one owner of its own archived assets, or else the owner of one
   * live asset it created (one search, once). Undefined when it cannot be told.
   */
  private myId(): Promise<string | undefined> {
    // A listing with several owners did not honour `ownership`: do not infer from it.
    if (this.owners.size)
      return Promise.resolve(this.owners.size === 1 ? [...this.owners][0] : undefined);
    this.me ??= (async () => {
      for await (const a of this.client().searchDataAssets(
        { ownership: "created", limit: 1 },
        { onUnreadable: () => undefined, wanted: 1 },
      ))
        return a.owner || undefined;
      return undefined;
    })();
    this.me.catch(() => (this.me = undefined));
    return this.me;
  }

  private byName(asset: RemoteAsset): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ asset, resolve, reject });
      this.timer ??= setTimeout(() => this.flush(), NAME_BATCH_MAX_WAIT_MS);
      this.maybeFlush();
    });
  }

  /** Every read under way waits for a name search: nobody else will join, so send it. */
  private maybeFlush(): void {
    if (this.waiting.length && this.waiting.length >= this.reading) this.flush();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    for (let i = 0; i < batch.length; i += NAMES_PER_SEARCH) {
      const part = batch.slice(i, i + NAMES_PER_SEARCH);
      this.searchNames(part.map((w) => w.asset.name)).then(
        (ids) => part.forEach((w) => w.resolve(ids.has(w.asset.id))),
        (error: unknown) => part.forEach((w) => w.reject(error)),
      );
    }
  }

  private async searchNames(names: string[]): Promise<Set<string>> {
    const ids = new Set<string>();
    for await (const a of this.client().searchDataAssets(
      { query: [...new Set(names)].map(nameQuery).join(" "), archived: true, limit: 1000 },
      { onUnreadable: (r) => r.id && ids.add(r.id) },
    ))
      ids.add(a.id);
    return ids;
  }
}
