/**
 * Which capsules and pipelines use a data asset, read back the only way Code Ocean allows:
 * `POST /capsules/search` (or `/pipelines/search`) with the asset's id as the query lists
 * those that have it attached (shared/codeocean-api.md, Reading attachments back). Limits:
 * it sees only what the token may see, it gives no mount, and it is a search — so an absence
 * is confirmed by a second search seconds later before anything is concluded from it.
 *
 * One search per asset answers every question about that asset asked while it is under way
 * (a refresh of a reference dataset attached to 50 capsules costs one call); the answer is
 * not kept after that, and the provider's own attach and detach calls drop one under way. A deployment without capsule search (an older server answering 404 or
 * 400 to the route) is remembered, and callers fall back to what they did before it existed.
 */
import { CodeOceanClient, TargetKind } from "../../core/api/client";
import { BadRequestError, NotFoundError } from "../../core/api/errors";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class AttachmentIndex {
  private readonly users = new Map<string, Promise<Set<string> | undefined>>();
  private unsupported = new Set<TargetKind>();

  constructor(
    private readonly client: () => CodeOceanClient,
    /** The wait before a second look confirms an absence (scaled like retries). */
    private readonly confirmDelayMs: number,
  ) {}

  /**
   * The ids of the capsules (or pipelines) that have the asset attached; undefined when this
   * deployment cannot answer (no capsule search).
   */
  targetsUsing(kind: TargetKind, assetId: string): Promise<Set<string> | undefined> {
    const key = `${kind}|${assetId}`;
    let answer = this.users.get(key);
    if (!answer) {
      // Shared by the questions asked while it is under way (a refresh's reads, a batch of
      // attaches), never kept afterwards: the next question gets a fresh answer.
      answer = this.search(kind, assetId);
      this.users.set(key, answer);
      const settled = () => {
        if (this.users.get(key) === answer) this.users.delete(key);
      };
      answer.then(settled, settled);
    }
    return answer;
  }

  /**
   * Whether the asset is attached to the target, an absence confirmed by a second search
   * after a wait; undefined when this deployment cannot answer.
   */
  async isAttached(
    kind: TargetKind,
    targetId: string,
    assetId: string,
  ): Promise<boolean | undefined> {
    const first = await this.targetsUsing(kind, assetId);
    if (first === undefined || first.has(targetId)) return first && true;
    // Not listed: look again after a wait, archived capsules too (search leaves them out).
    this.forget(kind, assetId);
    await sleep(this.confirmDelayMs);
    const [live, archived] = await Promise.all([
      this.targetsUsing(kind, assetId),
      this.search(kind, assetId, true),
    ]);
    if (live === undefined) return undefined;
    return live.has(targetId) || archived?.has(targetId) === true;
  }

  /** The provider attached or detached the asset itself: the next question asks again. */
  forget(kind: TargetKind, assetId: string): void {
    this.users.delete(`${kind}|${assetId}`);
  }

  private async search(
    kind: TargetKind,
    assetId: string,
    archived?: boolean,
  ): Promise<Set<string> | undefined> {
    if (this.unsupported.has(kind)) return undefined;
    const ids = new Set<string>();
    try {
      for await (const t of this.client().searchComputeTargets(kind, assetId, { archived }))
        ids.add(t.id);
      return ids;
    } catch (error) {
      // The route itself is missing (an older deployment): say "cannot tell", once.
      if (
        (error instanceof NotFoundError || error instanceof BadRequestError) &&
        error.path.endsWith("/search")
      ) {
        this.unsupported.add(kind);
        return undefined;
      }
      throw error;
    }
  }
}
