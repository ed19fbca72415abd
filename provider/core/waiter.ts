/**
 * Waiting for Code Ocean to finish asynchronous work (an asset import, a mount).
 *
 * The schedule is a pure function of the time already waited, so tests and the benchmark
 * evaluate it without servers:
 * - first poll after `firstPollMs` (a fresh asset is never ready sooner in practice);
 * - then every `max(minIntervalMs, fraction × elapsed)`, capped at `maxIntervalMs`.
 * Each interval is shortened by up to `jitter` (never lengthened), so the detection lag
 * for an asset that becomes ready at T stays below max(minInterval, fraction × T) even in the
 * worst jitter draw, while many waiters started together spread out instead of polling in
 * lock-step. Compared with a fixed 5 s poll this detects fast assets sooner and makes far
 * fewer calls for slow ones (see bench/).
 *
 * Both kinds of waiting run on this one loop: an asset's import (GET the asset) and a
 * mount's preparation (re-post the attachment, see resources/attachQueue.ts).
 */
import { CodeOceanError } from "./api/errors";

export interface PollSchedule {
  firstPollMs: number;
  minIntervalMs: number;
  /** Interval as a fraction of the time already waited. */
  fraction: number;
  maxIntervalMs: number;
  /** Up to this fraction of each delay is removed at random. */
  jitter: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = {
  firstPollMs: 2_500,
  minIntervalMs: 2_000,
  fraction: 0.2,
  maxIntervalMs: 60_000,
  jitter: 0.2,
};

/**
 * Mounts are usually ready within seconds: look sooner than for imports. No jitter: the
 * attachments to one capsule are answered by one batch POST, so waiting in lock-step makes
 * their re-posts coalesce into one call again (jitter would split them into many).
 */
export const ATTACH_POLL_SCHEDULE: PollSchedule = {
  firstPollMs: 1_000,
  minIntervalMs: 1_000,
  fraction: 0.2,
  maxIntervalMs: 30_000,
  jitter: 0,
};

/** The schedule with its first and shortest waits multiplied by `factor` (minPollIntervalSeconds). */
export function scaledSchedule(s: PollSchedule, factor: number): PollSchedule {
  return { ...s, firstPollMs: s.firstPollMs * factor, minIntervalMs: s.minIntervalMs * factor };
}

/** Delay before the next poll, given the time waited so far (0 before the first poll). */
export function nextPollDelayMs(
  elapsedMs: number,
  schedule: PollSchedule = DEFAULT_POLL_SCHEDULE,
  random: () => number = Math.random,
): number {
  const base =
    elapsedMs <= 0
      ? schedule.firstPollMs
      : Math.min(
          schedule.maxIntervalMs,
          Math.max(schedule.minIntervalMs, schedule.fraction * elapsedMs),
        );
  return base * (1 - schedule.jitter * random());
}

/**
 * What similar work took in this process. When a stack creates many assets at once, the
 * ones that finish first tell the others when to look: the first poll moves to the lower
 * quartile of observed ready times, which saves the polls that would only find `draft`
 * and keeps the shared request budget for useful calls. Never later than `maxHintMs`, so
 * an odd slow asset cannot delay detection of quick ones by much.
 */
export class ReadinessEstimate {
  private readonly samples: number[] = [];
  constructor(
    private readonly maxSamples = 50,
    private readonly maxHintMs = 30_000,
  ) {}

  record(readyAfterMs: number): void {
    this.samples.push(readyAfterMs);
    if (this.samples.length > this.maxSamples) this.samples.shift();
  }

  /** Suggested first poll, or undefined until three samples exist. */
  firstPollMs(): number | undefined {
    if (this.samples.length < 3) return undefined;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return Math.min(this.maxHintMs, sorted[Math.floor((sorted.length - 1) / 4)]);
  }
}

/** A terminal verdict for one observation: keep waiting, done, or a failure to raise. */
export type Verdict = { done: true } | { done: false } | { error: Error };

export class WaitTimeoutError extends CodeOceanError {
  constructor(
    message: string,
    readonly waitedMs: number,
  ) {
    super(message);
  }
}

export interface WaitOptions<T> {
  /** One observation (e.g. GET the asset). Its errors propagate (the client already retried). */
  poll: () => Promise<T>;
  verdict: (value: T) => Verdict;
  /** Overall deadline, counted from `startedAt`. */
  timeoutMs: number;
  /** When the work started (ms epoch); polls are scheduled relative to it. Default: now. */
  startedAt?: number;
  /** The value already known (e.g. from the create response), judged before any poll. */
  initial?: T;
  schedule?: PollSchedule;
  estimate?: ReadinessEstimate;
  /** Builds the timeout error from the last observation. */
  onTimeout: (last: T | undefined, waitedMs: number) => Error;
  /** Receives each observation (to keep the freshest state for a partial failure). */
  observe?: (value: T) => void;
  /** Stops the wait at once (the engine's Cancel): throws the signal's reason. */
  signal?: AbortSignal;
}

/** Polls until the verdict is done or an error, or the deadline passes. Returns the last observation. */
export async function waitUntil<T>(opts: WaitOptions<T>): Promise<T> {
  const startedAt = opts.startedAt ?? Date.now();
  const deadline = startedAt + opts.timeoutMs;
  let last = opts.initial;
  if (opts.signal?.aborted) throw opts.signal.reason as Error;
  const judge = (value: T): boolean => {
    opts.observe?.(value);
    const v = opts.verdict(value);
    if ("error" in v) throw v.error;
    return v.done;
  };
  if (last !== undefined && judge(last)) return last;
  let polls = 0;
  for (;;) {
    const now = Date.now();
    const elapsed = now - startedAt;
    // The first look comes firstPollMs after the start, whatever was spent getting here.
    let delay =
      polls === 0
        ? Math.max(0, nextPollDelayMs(0, opts.schedule) - elapsed)
        : nextPollDelayMs(elapsed, opts.schedule);
    const hint = polls === 0 ? opts.estimate?.firstPollMs() : undefined;
    if (hint !== undefined) delay = Math.max(delay, hint - elapsed);
    if (now + delay > deadline) {
      // One last look exactly at the deadline, so a timeout is never declared on stale data
      // (unless the deadline had passed before the first look: the last answer is that look).
      const remaining = deadline - now;
      if (remaining > 0 || last === undefined) {
        if (remaining > 0) await sleep(remaining, opts.signal);
        last = await opts.poll();
        if (judge(last)) return last;
      }
      throw opts.onTimeout(last, Date.now() - startedAt);
    }
    await sleep(delay, opts.signal);
    last = await opts.poll();
    polls++;
    if (judge(last)) {
      opts.estimate?.record(Date.now() - startedAt);
      return last;
    }
  }
}

/** Waits `ms`, or until `signal` aborts (then rejects with its reason, at once). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise((r) => setTimeout(r, ms));
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** How long a create or update may wait, and what set it (for the timeout's message). */
export interface WaitLimit {
  seconds: number;
  /** e.g. "readyTimeoutSeconds", or "customTimeouts.create" */
  setBy: string;
}
