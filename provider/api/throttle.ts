/**
 * The client-side request budget shared by every resource in one provider process (the
 * Pulumi engine runs all dynamic resources of a stack in one host process, and runs their
 * creates in parallel).
 *
 * Two limits: a cap on requests in flight, and a request rate that adapts to the server
 * (additive increase of 1 request/s per second while requests queue, a 30 % cut on a 429 at
 * most once a second), so users never have to know their deployment's rate limit. The
 * starting rate is the configured one (codeocean:requestsPerSecond, default 10). A "slow
 * start" that doubled the rate until the first 429 was measured and dropped: past a
 * server's hidden burst allowance it met a run of 429s and made 200 concurrent creates 20 %
 * slower (bench §2).
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Multiplier applied to the rate on a 429. */
const DECREASE = 0.7;

export class Throttle {
  readonly options: ThrottleOptions;
  private rate: number;
  private nextSlot = 0;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private lastDecrease = 0;
  private lastGrant = -Infinity;
  /** Whether the last granted slot had to wait for the rate (demand exceeds the rate). */
  private saturated = false;
  /** Figures for benchmarks and tests. */
  readonly stats = { granted: 0, rateLimited: 0, maxInFlight: 0 };

  constructor(options: Partial<ThrottleOptions> = {}) {
    this.options = { ...DEFAULT_THROTTLE, ...options };
    this.rate = this.options.requestsPerSecond;
  }

  get currentRate(): number {
    return this.rate;
  }

  /** Waits for a slot; the returned function must be called when the request finished. */
  async acquire(): Promise<() => void> {
    if (this.inFlight >= this.options.maxConcurrent) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.inFlight++;
    }
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight);
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.saturated = slot > now;
    this.nextSlot = slot + 1000 / this.rate;
    if (slot > now) await sleep(slot - now);
    // A stall (a busy event loop, a paused process) wakes several waiters at once, each past
    // its slot: keep the spacing from the last grant actually made, or they would leave as a
    // burst the server counts against its limit.
    for (let gap = this.lastGrant + 1000 / this.rate - Date.now(); gap > 1;) {
      await sleep(gap);
      gap = this.lastGrant + 1000 / this.rate - Date.now();
    }
    this.lastGrant = Date.now();
    this.stats.granted++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.inFlight--;
    };
  }

  /** A request got an answer that was not a 429. */
  onSuccess(): void {
    if (!this.options.adaptive || !this.saturated) return;
    // +1 request/s per second of saturated traffic: rate grows by 1/rate per request.
    this.rate = Math.min(this.options.maxRequestsPerSecond, this.rate + 1 / this.rate);
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
    this.rate = Math.max(this.options.minRequestsPerSecond, this.rate * DECREASE);
    // Leave a one-slot gap at the new rate before the next request.
    this.nextSlot = Math.max(this.nextSlot, now + 1000 / this.rate);
  }
}
