/**
 * The client-side request budget shared by every resource in one provider process (the
 * Pulumi engine runs all dynamic resources of a stack in one host process, and runs their
 * creates in parallel).
 *
 * Two limits: a cap on requests in flight, and a request rate that adapts to the server, so
 * users never have to know their deployment's rate limit. The rate starts at the configured
 * one (codeocean:requestsPerSecond, default 10) and, while requests queue for it:
 *
 * - **slow start** — until the first 429 the rate doubles per second of saturated traffic
 *   (× 2^(1/rate) per answered request), so a limit above the starting rate is found within
 *   seconds, not tens of seconds;
 * - the **first 429** ends slow start and cuts the rate to 0.4 ×: by then the rate may have
 *   overshot the limit by up to 2 × plus the server's burst allowance;
 * - after it, **AIMD**: + 1 request/s per second of saturated traffic, × 0.7 on a 429 at most
 *   once a second.
 *
 * Waiting requests form one queue served at the *current* rate: each grant comes 1/rate
 * after the previous one, so a rate change applies to requests already waiting. (0.1.0
 * booked every waiter's slot when it arrived, so a faster rate only helped requests that
 * came later — why its slow start, measured then, bought nothing for 20 creates and cost
 * 200 creates 20 %.) Spacing from the last grant also keeps waiters that a stalled event
 * loop wakes late from leaving as a burst.
 */
export interface ThrottleOptions {
  /** Starting (and, if `adaptive` is false, fixed) request rate. */
  requestsPerSecond: number;
  /** Ceiling for the adaptive rate. */
  maxRequestsPerSecond: number;
  /** Floor for the adaptive rate. */
  minRequestsPerSecond: number;
  maxConcurrent: number;
  adaptive: boolean;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  requestsPerSecond: 10,
  maxRequestsPerSecond: 100,
  minRequestsPerSecond: 0.5,
  maxConcurrent: 16,
  adaptive: true,
};

/** Growth factor per second of saturated traffic during slow start. */
const SLOW_START_GROWTH = 2;
/** Multiplier applied to the rate on the first 429 (the end of slow start). */
const SLOW_START_CUT = 0.4;
/** Multiplier applied to the rate on a later 429. */
const DECREASE = 0.7;

export class Throttle {
  readonly options: ThrottleOptions;
  private rate: number;
  private inFlight = 0;
  /** Requests waiting for a place in flight. */
  private readonly waitingForSlot: (() => void)[] = [];
  /** Requests holding a place in flight, waiting for their turn under the rate, oldest first. */
  private readonly waitingForRate: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastDecrease = -Infinity;
  private lastGrant = -Infinity;
  private slowStart = true;
  /** Figures for benchmarks and tests. */
  readonly stats = { granted: 0, rateLimited: 0, maxInFlight: 0 };

  constructor(options: Partial<ThrottleOptions> = {}) {
    this.options = { ...DEFAULT_THROTTLE, ...options };
    this.rate = this.options.requestsPerSecond;
  }

  get currentRate(): number {
    return this.rate;
  }

  /** Whether the rate is still in slow start (no 429 seen yet). */
  get inSlowStart(): boolean {
    return this.options.adaptive && this.slowStart;
  }

  /** Waits for a slot; the returned function must be called when the request finished. */
  async acquire(): Promise<() => void> {
    if (this.inFlight >= this.options.maxConcurrent) {
      await new Promise<void>((resolve) => this.waitingForSlot.push(resolve));
    } else {
      this.inFlight++;
    }
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight);
    await new Promise<void>((resolve) => {
      this.waitingForRate.push(resolve);
      this.pump();
    });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waitingForSlot.shift();
      if (next) next();
      else this.inFlight--;
    };
  }

  /** Grants what the rate allows now and sets a timer for the next grant. */
  private pump(): void {
    if (this.timer !== undefined) return;
    while (this.waitingForRate.length > 0) {
      const gap = this.lastGrant + 1000 / this.rate - Date.now();
      if (gap > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, gap);
        return;
      }
      this.lastGrant = Date.now();
      this.stats.granted++;
      this.waitingForRate.shift()!();
    }
  }

  /** The rate changed: the next grant moves with it. */
  private rescheduled(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pump();
  }

  /** A request got an answer that was not a 429. */
  onSuccess(): void {
    // Grow only while demand exceeds the rate (someone is waiting for it).
    if (!this.options.adaptive || this.waitingForRate.length === 0) return;
    const grown = this.slowStart
      ? this.rate * SLOW_START_GROWTH ** (1 / this.rate) // × 2 per second
      : this.rate + 1 / this.rate; // + 1 request/s per second
    this.rate = Math.min(this.options.maxRequestsPerSecond, grown);
    this.rescheduled();
  }

  /** The server refused a request with 429. */
  onRateLimited(): void {
    this.stats.rateLimited++;
    if (!this.options.adaptive) return;
    const now = Date.now();
    // Requests already in flight when the limit was hit will see 429s too; one decrease per
    // second keeps a single overshoot from collapsing the rate.
    if (now - this.lastDecrease < 1000) return;
    this.lastDecrease = now;
    const cut = this.slowStart ? SLOW_START_CUT : DECREASE;
    this.slowStart = false;
    this.rate = Math.max(this.options.minRequestsPerSecond, this.rate * cut);
    // Leave a one-slot gap at the new rate before the next request.
    this.lastGrant = Math.max(this.lastGrant, now);
    this.rescheduled();
  }
}
