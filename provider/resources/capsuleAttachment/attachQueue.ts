/**
 * Attach and detach calls, coalesced per capsule or pipeline.
 *
 * Pulumi creates independent resources in parallel, and the attach API takes a list. Every
 * request to one target that arrives within a short window goes out in one POST, and one
 * call at a time per target, so 50 attachments to a capsule cost a handful of calls instead
 * of 50 racing ones. Waiting for a mount runs on the one waiter (waiter.ts): each attachment
 * re-posts itself on the attach schedule — the documented way to learn that `ready` turned
 * true — and those re-posts coalesce here too.
 */
import type { TargetKind } from "../../core/api/client";
import { APIError, CodeOceanError, NotFoundError } from "../../core/api/errors";
import type { AttachResult } from "../../core/api/schemas";
import type { ProviderRuntime } from "../../core/runtime";
import type { AttachmentIndex } from "./attachmentIndex";
import { WaitLimit, waitUntil } from "../../core/waiter";

/** A batch is sent this long after the first request arrives at an idle target. */
const BATCH_WINDOW_MS = 20;

/** An attachment failed after Code Ocean accepted it: the caller must record it. */
export class AttachWaitError extends CodeOceanError {
  constructor(
    message: string,
    readonly last: AttachResult,
  ) {
    super(message);
  }
}

interface Post {
  assetId: string;
  mount?: string;
  /** Whether the asset is attached there already, asked when the post was queued (see AttachmentIndex). */
  found: Promise<boolean>;
  resolve: (r: Posted) => void;
  reject: (e: unknown) => void;
}

/** Code Ocean's answer to one attach, and whether the asset was attached there before it. */
interface Posted {
  result: AttachResult;
  found: boolean;
}

/** How an attachment should be made. */
export interface AttachOptions {
  wait: boolean;
  limit: WaitLimit;
  /** Look first whether it exists already; `onFound` hears the answer before any wait. */
  checkFound: boolean;
  onFound?: (found: boolean) => void;
}

interface Detach {
  assetId: string;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class AttachQueue {
  private posts: Post[] = [];
  private detaches: Detach[] = [];
  /** Assets with an attach under way (posted, or waiting for their mount). */
  private readonly attaching = new Set<string>();
  private running = false;

  constructor(
    private readonly ctx: { rt: ProviderRuntime; attachments: AttachmentIndex },
    private readonly kind: TargetKind,
    private readonly targetId: string,
    private readonly onIdle: () => void,
  ) {}

  /** Attaches the asset and, with `wait`, waits until its mount is ready or the timeout passes. */
  async attach(
    assetId: string,
    mount: string | undefined,
    { wait, limit, checkFound, onFound }: AttachOptions,
  ): Promise<AttachResult> {
    if (this.attaching.has(assetId)) {
      throw new CodeOceanError(
        `data asset ${assetId} is already being attached to ${this.kind} ${this.targetId} by another resource`,
      );
    }
    this.attaching.add(assetId);
    try {
      const requestedAt = Date.now();
      // Errors of the first post are the caller's to judge (it may never have been processed).
      const first = await this.post(assetId, mount, checkFound);
      onFound?.(first.found);
      let last = first.result;
      if (!wait || last.ready) return last;
      // Polls are timed from the answer, which every attachment of one batch shares, so their
      // re-posts coalesce again; the deadline still counts from the request.
      const answeredAt = Date.now();
      try {
        return await waitUntil<AttachResult>({
          initial: last,
          poll: () => this.post(assetId, mount, false).then((p) => p.result),
          verdict: (r) => ({ done: r.ready }),
          observe: (r) => (last = r),
          startedAt: answeredAt,
          timeoutMs: limit.seconds * 1000 - (answeredAt - requestedAt),
          signal: this.ctx.rt.cancelled,
          schedule: this.ctx.rt.schedules.attach,
          onTimeout: () =>
            new AttachWaitError(
              `Data asset ${assetId} is attached to ${this.kind} ${this.targetId} at mount "${last.mount}", but the mount was not ready after ${limit.seconds} s (${limit.setBy}). ` +
                `The attachment is recorded in the stack; the next \`pulumi up\` checks again. Raise ${limit.setBy}, or set waitForReady: false.`,
              last,
            ),
        });
      } catch (error) {
        if (error instanceof AttachWaitError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new AttachWaitError(
          `Data asset ${assetId} is attached to ${this.kind} ${this.targetId}, but checking its mount failed: ${message}`,
          last,
        );
      }
    } finally {
      this.attaching.delete(assetId);
      this.idleCheck();
    }
  }

  detach(assetId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.detaches.push({ assetId, resolve, reject });
      this.kick();
    });
  }

  /** One attach request; it goes out with whatever else is queued for this target. */
  private post(assetId: string, mount: string | undefined, checkFound: boolean): Promise<Posted> {
    // Asked at once, so that the answer is in by the time the batch goes out.
    const found = checkFound
      ? this.ctx.attachments
          .targetsUsing(this.kind, assetId)
          .then((users) => users?.has(this.targetId) ?? false)
      : Promise.resolve(false);
    found.catch(() => undefined);
    return new Promise((resolve, reject) => {
      this.posts.push({ assetId, mount, found, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.run().finally(() => {
      this.running = false;
      if (this.posts.length || this.detaches.length) this.kick();
      else this.idleCheck();
    });
  }

  private idleCheck(): void {
    if (!this.running && !this.attaching.size && !this.posts.length && !this.detaches.length)
      this.onIdle();
  }

  private async run(): Promise<void> {
    while (this.posts.length || this.detaches.length) {
      await sleep(BATCH_WINDOW_MS);
      if (this.detaches.length) await this.detachBatch(this.detaches.splice(0));
      // The batch waits for the found-attached answers of everything queued; what arrives
      // meanwhile joins it, so slow answers do not split one `up`'s attachments into many POSTs.
      for (let queued = -1; queued !== this.posts.length;) {
        queued = this.posts.length;
        await Promise.allSettled(this.posts.map((p) => p.found));
      }
      if (this.posts.length) await this.attachBatch(this.posts.splice(0));
    }
  }

  private async attachBatch(batch: Post[]): Promise<void> {
    // Whether each asset was attached here already: asked for the whole batch at once, so
    // the batch still goes out as one POST.
    let found: boolean[];
    try {
      found = await Promise.all(batch.map((p) => p.found));
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    let results: AttachResult[];
    try {
      this.ctx.rt.attachStats.attachCalls++;
      results = await this.ctx.rt.client.attachDataAssets(
        this.kind,
        this.targetId,
        batch.map((p) => ({ id: p.assetId, mount: p.mount })),
      );
    } catch (error) {
      // One bad entry (an unknown asset, a mount conflict) fails the whole list: isolate it by
      // sending the entries one by one, so the others still succeed — unless the target
      // itself is gone, which fails them all.
      if (batch.length > 1 && error instanceof APIError && error.status < 500) {
        const targetGone =
          error instanceof NotFoundError &&
          !(await this.ctx.rt.client.findComputeTarget(this.kind, this.targetId).catch(() => true));
        if (!targetGone) {
          for (const p of batch) await this.attachBatch([p]);
          return;
        }
      }
      for (const p of batch) p.reject(error);
      return;
    } finally {
      for (const p of batch) this.ctx.attachments.forget(this.kind, p.assetId);
    }
    batch.forEach((p, i) => {
      const r = results.find((x) => x.id === p.assetId);
      if (r) p.resolve({ result: r, found: found[i] });
      else
        p.reject(
          new CodeOceanError(
            `Code Ocean's answer to attaching data asset ${p.assetId} to ${this.kind} ${this.targetId} did not mention it; run \`pulumi up\` again.`,
          ),
        );
    });
  }

  private async detachBatch(batch: Detach[]): Promise<void> {
    try {
      this.ctx.rt.attachStats.detachCalls++;
      await this.ctx.rt.client.detachDataAssets(this.kind, this.targetId, [
        ...new Set(batch.map((d) => d.assetId)),
      ]);
      for (const d of batch) d.resolve();
    } catch (error) {
      // The capsule or pipeline is gone: nothing is attached to it any more.
      if (error instanceof NotFoundError) for (const d of batch) d.resolve();
      else for (const d of batch) d.reject(error);
    }
  }
}
