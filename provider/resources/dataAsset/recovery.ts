/**
 * Creates that an interrupted run left behind, taken over instead of made twice.
 *
 * Code Ocean has no idempotency key, and a create holds its new asset's id only in memory
 * while it waits for the import (minutes): if the CLI or the provider host is killed then,
 * Pulumi's state never learns the id, and the next `up` would create the asset again. So
 * before posting, a create looks for an asset that an earlier run posted for the same
 * declaration and takes it over (with a warning naming its id). What makes a candidate:
 *
 * - it matches everything the create would post that Code Ocean echoes: name, mount,
 *   description, tags, custom metadata, and where the data comes from (bucket and prefix,
 *   computation, combined parts, result lineage) — a hand-made asset rarely matches all;
 * - it is live (search leaves archived assets out); a failed one is taken too, last (its
 *   create then fails as the first did, and the next `up` replaces it and archives it);
 * - it was created within `takeOverWindowSeconds` (default a day; 0 turns this off);
 * - this process has not seen it as part of the stack: the engine calls diff, read, update
 *   or delete with the id of every asset the stack holds that it touches, so the old asset of
 *   a create-before-delete replacement is never taken by its own replacement;
 * - nobody in this process took it already (two identical resources take two assets), and
 *   the newest candidate goes first.
 *
 * Hazards that remain, and why they are acceptable: an identical asset made by hand, or by
 * another stack, within the window is taken over — never silently: the warning names it, and
 * an asset this process later sees as another resource's (a diff or read with that id) fails
 * that call loudly instead of being managed twice.
 *
 * Cost: one search for many names at once. A name is covered by exactly one search, and
 * every create of that name waits for it before posting, so a search never sees (and
 * offers) an asset this process is posting. The names checks announced as new are searched
 * together, so an `up` of 200 assets costs a handful of searches, not 200.
 */
import { CodeOceanClient } from "../../core/api/client";
import { nameQuery } from "../../core/api/search";
import { CodeOceanError } from "../../core/api/errors";
import type { DataAsset as RemoteAsset } from "../../core/api/schemas";
import type { DataAssetInputs } from "./table";
import { sameSet, sameValue } from "../../declare/fields";

/** Names one search asks for at most (Code Ocean ORs a repeated `name:` field). */
const NAMES_PER_SEARCH = 40;
/** Planned names a flush adds to the waiting ones, at most (the rest wait for their creates). */
const NAMES_PER_FLUSH = 5 * NAMES_PER_SEARCH;
/** Creates that arrive within this long share one search. */
const BATCH_WINDOW_MS = 20;

const trimSlashes = (p: string) => p.replace(/^\/+|\/+$/g, "");

/** Whether `asset` is what posting `inputs` creates, as far as Code Ocean echoes it. */
export function sameDeclaration(inputs: DataAssetInputs, asset: RemoteAsset): boolean {
  const metadataSets = (m: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(m).map(([k, v]) => [k, Array.isArray(v) ? [...v].map(String).sort() : v]),
    );
  if (
    asset.name !== inputs.name ||
    asset.mount !== inputs.mount ||
    asset.description !== inputs.description ||
    !sameSet(asset.tags, inputs.tags) ||
    !sameValue(metadataSets(asset.customMetadata), metadataSets(inputs.customMetadata))
  )
    return false;
  const { aws, gcp, computation, cloudWorkstation, combined } = inputs.source ?? {};
  const bucket = asset.sourceBucket;
  const inBucket = (origin: string, name: string, prefix: string) =>
    bucket?.origin === origin &&
    bucket.bucket === name &&
    trimSlashes(bucket.prefix) === trimSlashes(prefix);
  if (inputs.target) {
    const t = inputs.target.aws;
    if (!computation || !inBucket("aws", t.bucket, t.prefix)) return false;
  }
  if (inputs.resultsInfo) {
    const r = inputs.resultsInfo;
    if (asset.type !== "result") return false;
    if ((r.capsuleId ?? "") !== asset.provenance.capsule) return false;
    if ((r.pipelineId ?? "") !== asset.provenance.pipeline) return false;
  }
  if (aws)
    return (
      inBucket("aws", aws.bucket, aws.prefix) && bucket!.external === aws.keepOnExternalStorage
    );
  if (gcp) return inBucket("gcp", gcp.bucket, gcp.prefix);
  if (computation)
    return asset.type === "result" && asset.provenance.computation === computation.id;
  // Captured from a session: internal; a result with the session's lineage when a script ran.
  if (cloudWorkstation)
    return cloudWorkstation.runScript
      ? asset.type === "result" &&
          asset.provenance.computation === cloudWorkstation.id &&
          asset.provenance.runScript === cloudWorkstation.runScript
      : asset.type === "dataset" && bucket?.origin !== "aws" && bucket?.origin !== "gcp";
  if (combined)
    return asset.type === "combined" && sameSet(asset.containedDataAssetIds, combined.dataAssetIds);
  return false;
}

export class CreateRecovery {
  /** Ids the engine showed to be this stack's, or that this process created or took. */
  private readonly stackIds = new Set<string>();
  /** Ids this process posted (fresh assets: nothing else can have attached them yet). */
  private readonly created = new Set<string>();
  private readonly taken = new Map<string, string>();
  /** Names of assets checks announced as new, not yet covered by a search. */
  private readonly planned = new Set<string>();
  /** Per name, the search that covers it. */
  private readonly covered = new Map<string, Promise<RemoteAsset[]>>();
  private waiting: string[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly client: () => CodeOceanClient,
    private readonly windowSeconds: number,
    /** The runtime's warnings (ProviderRuntime.warn), which redact and deliver them. */
    private readonly warn: (message: string) => void,
  ) {}

  /** A check saw a new asset of this name: its create will want the same search. */
  notePlanned(name: string): void {
    if (this.windowSeconds > 0 && !this.covered.has(name)) this.planned.add(name);
  }

  /**
   * The engine handed this process an id that the stack holds. If a create in this process
   * took that very asset over, two resources would manage it: say so, loudly, now.
   */
  noteStackAsset(id: string): void {
    const takenBy = this.taken.get(id);
    if (takenBy !== undefined) {
      throw new CodeOceanError(
        `Data asset ${id} is in the stack already, but a create earlier in this run took it over as "${takenBy}" (it matched that declaration and looked like a leftover of an interrupted run). ` +
          "Two resources must not manage one asset: remove one of the two identical declarations, or run `pulumi state delete` on the one that took it over, then `pulumi up` again.",
      );
    }
    this.stackIds.add(id);
  }

  /** Whether the id is the stack's as far as this process knows (seen, created or taken). */
  isKnown(id: string): boolean {
    return this.stackIds.has(id);
  }

  /** This process created the asset (it can never be a leftover). */
  noteCreated(id: string): void {
    this.stackIds.add(id);
    this.created.add(id);
  }

  /** Whether this process posted the asset (not taken over, not found). */
  createdHere(id: string): boolean {
    return this.created.has(id);
  }

  /** The asset an interrupted run created for this declaration, if any; it is this resource's now. */
  async takeOver(inputs: DataAssetInputs): Promise<RemoteAsset | undefined> {
    if (this.windowSeconds <= 0) return undefined;
    const candidates = await this.candidates(inputs.name);
    // A failed leftover is taken too (its create fails as it did, and the next `up` replaces
    // and archives it) rather than left live beside a new one; a live one goes first.
    const rank = (a: RemoteAsset) => (a.state === "failed" ? 1 : 0);
    const pick = candidates
      .filter((a) => !this.stackIds.has(a.id) && sameDeclaration(inputs, a))
      .sort((a, b) => rank(a) - rank(b) || b.created - a.created)[0];
    if (!pick) return undefined;
    this.stackIds.add(pick.id);
    this.taken.set(pick.id, inputs.name);
    this.warn(
      `pulumi-codeocean: taking over data asset "${pick.name}" (id ${pick.id}, created ${new Date(pick.created * 1000).toISOString()}, state ${pick.state}) instead of creating another: ` +
        "it matches this declaration exactly and is not in the stack, so an earlier `pulumi up` that was interrupted created it. " +
        "If it is not this stack's (an identical asset made by hand or by another stack), run `pulumi state delete` on this resource (the asset is left as it is) and set codeocean:takeOverWindowSeconds to 0 before the next `pulumi up`.",
    );
    return pick;
  }

  private candidates(name: string): Promise<RemoteAsset[]> {
    const covered = this.covered.get(name);
    if (covered) return covered;
    this.planned.delete(name);
    this.waiting.push(name);
    this.flushing ??= new Promise<void>((r) => setTimeout(r, BATCH_WINDOW_MS)).then(() =>
      this.flush(),
    );
    return this.flushing.then(() => this.covered.get(name)!);
  }

  /** Sends the waiting names, and as many planned ones as fit, in searches of many names. */
  private flush(): void {
    this.flushing = undefined;
    const names = new Set(this.waiting);
    this.waiting = [];
    for (const n of this.planned) {
      if (names.size >= NAMES_PER_FLUSH) break;
      names.add(n);
    }
    const all = [...names];
    for (let i = 0; i < all.length; i += NAMES_PER_SEARCH) {
      const batch = all.slice(i, i + NAMES_PER_SEARCH);
      const found = this.search(batch);
      for (const n of batch) {
        this.planned.delete(n);
        const list = found.then((m) => m.get(n) ?? []);
        // A failed search is asked again by the next create of that name.
        list.catch(() => this.covered.delete(n));
        this.covered.set(n, list);
      }
    }
  }

  private async search(names: string[]): Promise<Map<string, RemoteAsset[]>> {
    const since = Date.now() / 1000 - this.windowSeconds;
    const byName = new Map<string, RemoteAsset[]>();
    const wanted = new Set(names);
    try {
      for await (const a of this.client().searchDataAssets(
        {
          query: names.map(nameQuery).join(" "),
          sortField: "created",
          sortOrder: "desc",
          limit: 1000,
        },
        // An asset this provider cannot read cannot be shown to match a declaration.
        { onUnreadable: () => undefined },
      )) {
        if (a.created < since) break;
        if (wanted.has(a.name)) byName.set(a.name, [...(byName.get(a.name) ?? []), a]);
      }
    } catch (error) {
      throw new CodeOceanError(
        `Before creating, the provider looks for an asset an interrupted run may have created already (so as not to create it twice), and that search failed: ${error instanceof Error ? error.message : String(error)} ` +
          "Nothing was created; run `pulumi up` again.",
      );
    }
    return byName;
  }
}
