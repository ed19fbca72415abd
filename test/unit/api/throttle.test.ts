import { DEFAULT_THROTTLE, Throttle } from "../../../provider/core/api/throttle";
import { RateLimiter } from "../../../emulator/faults";

const T0 = 1_700_000_000_000;

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
});
afterEach(() => {
  jest.useRealTimers();
});

/** Starts `n` acquires now; records when each was granted (ms after T0). */
function startMany(throttle: Throttle, n: number) {
  const grantedAt: number[] = [];
  const releases: (() => void)[] = [];
  const all = Array.from({ length: n }, (_, i) =>
    throttle.acquire().then((release) => {
      grantedAt[i] = Date.now() - T0;
      releases[i] = release;
    }),
  );
  return { grantedAt, releases, all: Promise.all(all) };
}

describe("Throttle", () => {
  it("starts at the configured rate with the documented defaults", () => {
    expect(new Throttle().currentRate).toBe(DEFAULT_THROTTLE.requestsPerSecond);
    expect(new Throttle().options).toEqual(DEFAULT_THROTTLE);
    expect(new Throttle({ requestsPerSecond: 3 }).currentRate).toBe(3);
  });

  it("never has more than maxConcurrent requests in flight", async () => {
    const throttle = new Throttle({ requestsPerSecond: 1000, maxConcurrent: 3, adaptive: false });
    let inFlight = 0;
    let maxSeen = 0;
    const durations = [50, 10, 30, 70, 20, 5, 40, 15, 60, 25];
    const run = async (ms: number) => {
      const release = await throttle.acquire();
      inFlight++;
      maxSeen = Math.max(maxSeen, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      release();
    };
    const all = Promise.all(durations.map(run));
    await jest.advanceTimersByTimeAsync(1_000);
    await all;
    expect(maxSeen).toBe(3);
    expect(throttle.stats.maxInFlight).toBe(3);
    expect(throttle.stats.granted).toBe(durations.length);
    expect(inFlight).toBe(0);
  });

  it("a queued request starts as soon as one in flight is released, and release is idempotent", async () => {
    const throttle = new Throttle({ requestsPerSecond: 1000, maxConcurrent: 1, adaptive: false });
    const first = await throttle.acquire();
    let secondGranted = false;
    const second = throttle.acquire().then((r) => {
      secondGranted = true;
      return r;
    });
    await jest.advanceTimersByTimeAsync(100);
    expect(secondGranted).toBe(false);
    first();
    first(); // a double release must not free a second slot
    await jest.advanceTimersByTimeAsync(10);
    expect(secondGranted).toBe(true);
    let thirdGranted = false;
    void throttle.acquire().then(() => (thirdGranted = true));
    await jest.advanceTimersByTimeAsync(100);
    expect(thirdGranted).toBe(false);
    (await second)();
    await jest.advanceTimersByTimeAsync(10);
    expect(thirdGranted).toBe(true);
  });

  it("spaces grants at 1/rate", async () => {
    const throttle = new Throttle({ requestsPerSecond: 10, maxConcurrent: 100, adaptive: false });
    const { grantedAt, all } = startMany(throttle, 5);
    await jest.advanceTimersByTimeAsync(1_000);
    await all;
    expect(grantedAt).toEqual([0, 100, 200, 300, 400]);
  });

  it("does not make an idle client wait", async () => {
    const throttle = new Throttle({ requestsPerSecond: 2, adaptive: false });
    const { grantedAt, all } = startMany(throttle, 1);
    await jest.advanceTimersByTimeAsync(0);
    await all;
    expect(grantedAt).toEqual([0]);
    await jest.advanceTimersByTimeAsync(5_000);
    const later = startMany(throttle, 1);
    await jest.advanceTimersByTimeAsync(0);
    await later.all;
    expect(later.grantedAt).toEqual([5_000]);
  });

  describe("onRateLimited", () => {
    it("cuts the rate to 0.4 × on the first 429 (the end of slow start), then 0.7 ×, at most once per second", async () => {
      const throttle = new Throttle({ requestsPerSecond: 10 });
      expect(throttle.inSlowStart).toBe(true);
      throttle.onRateLimited();
      expect(throttle.inSlowStart).toBe(false);
      expect(throttle.currentRate).toBeCloseTo(4, 10);
      throttle.onRateLimited();
      throttle.onRateLimited();
      expect(throttle.currentRate).toBeCloseTo(4, 10);
      await jest.advanceTimersByTimeAsync(999);
      throttle.onRateLimited();
      expect(throttle.currentRate).toBeCloseTo(4, 10);
      await jest.advanceTimersByTimeAsync(1);
      throttle.onRateLimited();
      expect(throttle.currentRate).toBeCloseTo(2.8, 10);
      expect(throttle.stats.rateLimited).toBe(5);
    });

    it("never goes below the floor", async () => {
      const throttle = new Throttle({ requestsPerSecond: 2, minRequestsPerSecond: 1 });
      for (let i = 0; i < 10; i++) {
        throttle.onRateLimited();
        await jest.advanceTimersByTimeAsync(1_000);
      }
      expect(throttle.currentRate).toBe(1);
    });

    it("leaves a one-slot gap at the new rate before the next grant", async () => {
      const throttle = new Throttle({ requestsPerSecond: 10, maxConcurrent: 100 });
      throttle.onRateLimited(); // rate 4: gap 250 ms
      const { grantedAt, all } = startMany(throttle, 2);
      await jest.advanceTimersByTimeAsync(1_000);
      await all;
      expect(grantedAt[0]).toBe(250);
      expect(grantedAt[1] - grantedAt[0]).toBe(250);
    });

    it("keeps the rate fixed when adaptive is false, but counts the 429", () => {
      const throttle = new Throttle({ requestsPerSecond: 10, adaptive: false });
      throttle.onRateLimited();
      expect(throttle.currentRate).toBe(10);
      expect(throttle.stats.rateLimited).toBe(1);
    });
  });

  describe("onSuccess", () => {
    it("does not increase the rate while demand is below it", async () => {
      const throttle = new Throttle({ requestsPerSecond: 10, maxConcurrent: 100 });
      const { all } = startMany(throttle, 1);
      await jest.advanceTimersByTimeAsync(0);
      await all;
      throttle.onSuccess();
      throttle.onSuccess();
      expect(throttle.currentRate).toBe(10);
    });

    it("doubles the rate per second of saturated traffic until the first 429 (slow start)", async () => {
      const throttle = new Throttle({ requestsPerSecond: 10, maxConcurrent: 100 });
      const { all } = startMany(throttle, 3); // the 2nd and 3rd wait for the rate
      throttle.onSuccess();
      expect(throttle.currentRate).toBeCloseTo(10 * 2 ** 0.1, 10);
      // One second's worth of answers at the current rate doubles it.
      let rate = throttle.currentRate;
      for (let i = 0; i < 50; i++) {
        throttle.onSuccess();
        expect(throttle.currentRate).toBeCloseTo(rate * 2 ** (1 / rate), 10);
        rate = throttle.currentRate;
      }
      await jest.advanceTimersByTimeAsync(1_000);
      await all;
    });

    it("after the first 429, increases the rate by 1/rate per success while saturated", async () => {
      const throttle = new Throttle({ requestsPerSecond: 25, maxConcurrent: 100 });
      throttle.onRateLimited(); // 10 req/s, slow start over
      const { all } = startMany(throttle, 3);
      throttle.onSuccess();
      expect(throttle.currentRate).toBeCloseTo(10.1, 10);
      throttle.onSuccess();
      expect(throttle.currentRate).toBeCloseTo(10.1 + 1 / 10.1, 10);
      await jest.advanceTimersByTimeAsync(1_000);
      await all;
    });

    it("a faster rate applies to requests already waiting", async () => {
      const throttle = new Throttle({ requestsPerSecond: 1, maxConcurrent: 100 });
      const { grantedAt, all } = startMany(throttle, 3);
      await jest.advanceTimersByTimeAsync(0);
      expect(grantedAt[0]).toBe(0); // the 2nd would come at 1 000 ms at 1 req/s
      for (let i = 0; i < 20; i++) throttle.onSuccess(); // 1 → ≈ 8 req/s
      expect(throttle.currentRate).toBeGreaterThan(7);
      await jest.advanceTimersByTimeAsync(1_000);
      await all;
      expect(grantedAt[1]).toBeLessThan(150);
      expect(grantedAt[2] - grantedAt[1]).toBeLessThan(150);
    });

    it("never exceeds the ceiling", async () => {
      const throttle = new Throttle({
        requestsPerSecond: 10,
        maxRequestsPerSecond: 10.25,
        maxConcurrent: 100,
      });
      const { all } = startMany(throttle, 3);
      for (let i = 0; i < 100; i++) throttle.onSuccess();
      expect(throttle.currentRate).toBe(10.25);
      await jest.advanceTimersByTimeAsync(1_000);
      await all;
    });

    it("keeps the rate fixed when adaptive is false", async () => {
      const throttle = new Throttle({ requestsPerSecond: 10, maxConcurrent: 100, adaptive: false });
      const { all } = startMany(throttle, 3);
      for (let i = 0; i < 10; i++) throttle.onSuccess();
      expect(throttle.currentRate).toBe(10);
      await jest.advanceTimersByTimeAsync(1_000);
      await all;
    });

    it("recovers after a decrease once traffic is saturated again", async () => {
      const throttle = new Throttle({ requestsPerSecond: 10, maxConcurrent: 100 });
      throttle.onRateLimited();
      const rateAfter429 = throttle.currentRate;
      expect(throttle.inSlowStart).toBe(false);
      const { all } = startMany(throttle, 3);
      throttle.onSuccess();
      expect(throttle.currentRate).toBeGreaterThan(rateAfter429);
      await jest.advanceTimersByTimeAsync(2_000);
      await all;
    });
  });
});

describe("Throttle against a server's token bucket (virtual time)", () => {
  /**
   * `n` requests at once, as many concurrent creates send them; a 429 is retried after the
   * server's Retry-After (1 s), as the transport does. Returns when the last was accepted (ms)
   * and how many 429s were answered.
   */
  async function burstAgainst(
    n: number,
    server: { requestsPerSecond: number; burst: number },
    throttle = new Throttle(),
  ) {
    const bucket = new RateLimiter({ ...server, retryAfter: true }, () => Date.now());
    let lastAccepted = 0;
    const one = async () => {
      for (;;) {
        const release = await throttle.acquire();
        await new Promise((r) => setTimeout(r, 5)); // loopback round trip
        const decision = bucket.take();
        release();
        if (decision.ok) {
          throttle.onSuccess();
          lastAccepted = Math.max(lastAccepted, Date.now() - T0);
          return;
        }
        throttle.onRateLimited();
        await new Promise((r) => setTimeout(r, (decision.retryAfterSeconds ?? 1) * 1000));
      }
    };
    const all = Promise.all(Array.from({ length: n }, one));
    await jest.advanceTimersByTimeAsync(60_000);
    await all;
    return { lastAccepted, rateLimited: throttle.stats.rateLimited, rate: throttle.currentRate };
  }

  it("finds a limit above its starting rate within seconds (50 requests, 20 req/s server)", async () => {
    const r = await burstAgainst(50, { requestsPerSecond: 20, burst: 20 });
    // At the starting 10 req/s the 50th would leave at 4.9 s; the server alone allows 1.5 s.
    expect(r.rateLimited).toBe(0);
    expect(r.lastAccepted).toBeLessThan(2_400);
  });

  it("backs off from a limit below its starting rate with few 429s (100 requests, 5 req/s server)", async () => {
    const r = await burstAgainst(100, { requestsPerSecond: 5, burst: 5 });
    // The server alone allows 100 in 19 s.
    expect(r.lastAccepted).toBeLessThan(25_000);
    expect(r.rateLimited).toBeLessThanOrEqual(15);
    expect(r.rate).toBeLessThan(8);
  });

  it("settles near a limit it overshot in slow start (400 requests, 20 req/s server)", async () => {
    const r = await burstAgainst(400, { requestsPerSecond: 20, burst: 20 });
    // The server alone allows 400 in 19 s.
    expect(r.lastAccepted).toBeLessThan(21_000);
    expect(r.rateLimited).toBeLessThanOrEqual(20);
  });
});
