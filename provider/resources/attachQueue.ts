/**
 * Attach and detach calls, coalesced per capsule or pipeline.
 *
 * Pulumi creates independent resources in parallel, and the attach API takes a list. All
 * pending attachments to one target in this process go out together in one POST, and one
 * POST at a time per target, so 50 attachments to a capsule cost a handful of calls instead
 * of 50 racing ones. Waiting for mounts to become ready is part of the same loop: each
 * re-post of the pending entries (the documented way to learn that `ready` turned true)
 * covers every attachment still waiting.
 */
import type { CodeOceanClient, TargetKind } from "../api/client";
import { APIError, CodeOceanError, NotFoundError } from "../api/errors";
import type { AttachResult } from "../api/schemas";
import { PollSchedule, nextPollDelayMs } from "../waiter";

/** Mounts are usually ready within seconds; start looking sooner than for asset imports. */
export const ATTACH_POLL_SCHEDULE: PollSchedule = {
  firstPollMs: 1_000,
  minIntervalMs: 1_000,
  fraction: 0.2,
  maxIntervalMs: 30_000,
  jitter: 0.2,
};

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

interface Pending {
  assetId: string;
  mount?: string;
  wait: boolean;
  deadline: number;
  timeoutSeconds: number;
  last?: AttachResult;
  postedAt?: number;
  resolve: (r: AttachResult) => void;
  reject: (e: unknown) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Figures for the benchmark and tests. */
export const attachStats = { attachCalls: 0, detachCalls: 0 };

class TargetQueue {
  private readonly pending = new Map<string, Pending>();
  private readonly detaching: {
    assetId: string;
    resolve: () => void;
    reject: (e: unknown) => void;
  }[] = [];
  private running = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly client: CodeOceanClient,
    private readonly kind: TargetKind,
    private readonly targetId: string,
    private readonly onIdle: () => void,
    private readonly schedule: PollSchedule,
  ) {}

  attach(
    assetId: string,
    mount: string | undefined,
    wait: boolean,
    timeoutSeconds: number,
  ): Promise<AttachResult> {
    return new Promise((resolve, reject) => {
      if (this.pending.has(assetId)) {
        reject(
          new CodeOceanError(
            `data asset ${assetId} is already being attached to ${this.kind} ${this.targetId} by another resource`,
          ),
        );
        return;
      }
      this.pending.set(assetId, {
        assetId,
        mount,
        wait,
        timeoutSeconds,
        deadline: Date.now() + timeoutSeconds * 1000,
        resolve,
        reject,
      });
      this.kick();
    });
  }

  detach(assetId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.detaching.push({ assetId, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.wake) {
      const w = this.wake;
      this.wake = undefined;
      w();
    }
    if (!this.running) {
      this.running = true;
      void this.run().finally(() => {
        this.running = false;
        if (this.pending.size || this.detaching.length) this.kick();
        else this.onIdle();
      });
    }
  }

  /** Sleeps until `ms` passed or a new request arrives. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    await sleep(BATCH_WINDOW_MS);
    let due = true;
    while (this.pending.size || this.detaching.length) {
      if (this.detaching.length) await this.detachBatch();
      const entries = [...this.pending.values()];
      if (!entries.length) continue;
      if (!due && entries.every((p) => p.postedAt !== undefined)) {
        // Everything was posted and waits for its mount: look again on the shared schedule,
        // paced by the youngest entry, or sooner when a new request arrives.
        const youngest = Math.max(...entries.map((p) => p.postedAt!));
        const delay = nextPollDelayMs(Date.now() - youngest, this.schedule);
        const soonestDeadline = Math.min(...entries.map((p) => p.deadline));
        await this.pause(Math.max(0, Math.min(delay, soonestDeadline - Date.now())));
        await sleep(BATCH_WINDOW_MS);
        due = true;
        continue;
      }
      due = false;
      await this.attachBatch(entries);
      this.expire();
    }
  }

  private async attachBatch(batch: Pending[]): Promise<void> {
    let results: AttachResult[];
    try {
      attachStats.attachCalls++;
      results = await this.client.attachDataAssets(
        this.kind,
        this.targetId,
        batch.map((p) => ({ id: p.assetId, mount: p.mount })),
      );
    } catch (error) {
      // One bad entry (an unknown asset, a mount conflict) fails the whole list: isolate it by
      // sending the entries one by one, so the others still succeed.
      if (
        batch.length > 1 &&
        error instanceof APIError &&
        error.status < 500 &&
        !(error instanceof NotFoundError && this.isTargetMissing(error))
      ) {
        for (const p of batch) await this.attachBatch([p]);
        return;
      }
      for (const p of batch) this.fail(p, error);
      return;
    }
    for (const p of batch) {
      const r = results.find((x) => x.id === p.assetId);
      if (!r) {
        this.fail(
          p,
          new CodeOceanError(
            `Code Ocean's answer to attaching data asset ${p.assetId} to ${this.kind} ${this.targetId} did not mention it; run \`pulumi up\` again.`,
          ),
        );
        continue;
      }
      p.last = r;
      p.postedAt ??= Date.now();
      if (r.ready || !p.wait) {
        this.pending.delete(p.assetId);
        p.resolve(r);
      }
    }
  }

  private isTargetMissing(error: NotFoundError): boolean {
    return (
      /capsule|pipeline/i.test(error.serverMessage) && !/data asset/i.test(error.serverMessage)
    );
  }

  private fail(p: Pending, error: unknown): void {
    this.pending.delete(p.assetId);
    if (p.last) {
      const message = error instanceof Error ? error.message : String(error);
      p.reject(
        new AttachWaitError(
          `Data asset ${p.assetId} is attached to ${this.kind} ${this.targetId}, but checking its mount failed: ${message}`,
          p.last,
        ),
      );
    } else {
      p.reject(error);
    }
  }

  private expire(): void {
    const now = Date.now();
    for (const p of [...this.pending.values()]) {
      if (p.last && now >= p.deadline) {
        this.pending.delete(p.assetId);
        p.reject(
          new AttachWaitError(
            `Data asset ${p.assetId} is attached to ${this.kind} ${this.targetId} at mount "${p.last.mount}", but the mount was not ready after ${p.timeoutSeconds} s (readyTimeoutSeconds). ` +
              "The attachment is recorded in the stack; the next `pulumi up` checks again. Raise readyTimeoutSeconds, or set waitForReady: false.",
            p.last,
          ),
        );
      }
    }
  }

  private async detachBatch(): Promise<void> {
    const batch = this.detaching.splice(0);
    try {
      attachStats.detachCalls++;
      await this.client.detachDataAssets(this.kind, this.targetId, [
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

const queues = new Map<string, TargetQueue>();

/** The queue for one capsule or pipeline of one deployment, shared by every resource in the process. */
export function targetQueue(
  client: CodeOceanClient,
  kind: TargetKind,
  targetId: string,
  schedule: PollSchedule = ATTACH_POLL_SCHEDULE,
): TargetQueue {
  const key = `${client.baseUrl}|${kind}|${targetId}`;
  let q = queues.get(key);
  if (!q) {
    q = new TargetQueue(client, kind, targetId, () => queues.delete(key), schedule);
    queues.set(key, q);
  }
  return q;
}
