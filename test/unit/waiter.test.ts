import {
  DEFAULT_POLL_SCHEDULE,
  PollSchedule,
  ReadinessEstimate,
  Verdict,
  WaitTimeoutError,
  nextPollDelayMs,
  waitUntil,
} from "../../provider/core/waiter";

const zero = () => 0;
const half = () => 0.5;
const one = () => 1;

describe("nextPollDelayMs", () => {
  it("waits firstPollMs before the first poll", () => {
    expect(nextPollDelayMs(0, DEFAULT_POLL_SCHEDULE, zero)).toBe(2_500);
    expect(nextPollDelayMs(-5, DEFAULT_POLL_SCHEDULE, zero)).toBe(2_500);
  });

  it("never polls more often than minIntervalMs (before jitter)", () => {
    for (const elapsed of [1, 100, 2_500, 5_000, 9_999]) {
      expect(nextPollDelayMs(elapsed, DEFAULT_POLL_SCHEDULE, zero)).toBe(2_000);
    }
  });

  it("grows in proportion to the time already waited", () => {
    expect(nextPollDelayMs(10_000, DEFAULT_POLL_SCHEDULE, zero)).toBe(2_000);
    expect(nextPollDelayMs(20_000, DEFAULT_POLL_SCHEDULE, zero)).toBe(4_000);
    expect(nextPollDelayMs(100_000, DEFAULT_POLL_SCHEDULE, zero)).toBe(20_000);
    expect(nextPollDelayMs(299_000, DEFAULT_POLL_SCHEDULE, zero)).toBeCloseTo(59_800, 6);
  });

  it("caps the interval at maxIntervalMs", () => {
    expect(nextPollDelayMs(300_000, DEFAULT_POLL_SCHEDULE, zero)).toBe(60_000);
    expect(nextPollDelayMs(86_400_000, DEFAULT_POLL_SCHEDULE, zero)).toBe(60_000);
  });

  it("jitter only shortens, by at most `jitter`", () => {
    for (const elapsed of [0, 1_000, 50_000, 1_000_000]) {
      const base = nextPollDelayMs(elapsed, DEFAULT_POLL_SCHEDULE, zero);
      expect(nextPollDelayMs(elapsed, DEFAULT_POLL_SCHEDULE, one)).toBeCloseTo(base * 0.8, 6);
      expect(nextPollDelayMs(elapsed, DEFAULT_POLL_SCHEDULE, half)).toBeCloseTo(base * 0.9, 6);
      for (let i = 0; i < 20; i++) {
        const d = nextPollDelayMs(elapsed, DEFAULT_POLL_SCHEDULE);
        expect(d).toBeLessThanOrEqual(base);
        expect(d).toBeGreaterThanOrEqual(base * 0.8);
      }
    }
  });

  it("follows a custom schedule", () => {
    const s: PollSchedule = {
      firstPollMs: 10,
      minIntervalMs: 5,
      fraction: 0.5,
      maxIntervalMs: 40,
      jitter: 0,
    };
    expect(nextPollDelayMs(0, s, one)).toBe(10);
    expect(nextPollDelayMs(4, s, one)).toBe(5);
    expect(nextPollDelayMs(30, s, one)).toBe(15);
    expect(nextPollDelayMs(1_000, s, one)).toBe(40);
  });

  describe("detection lag (simulated schedule)", () => {
    /** Time of the first poll at or after `readyAtMs`, minus `readyAtMs`. */
    function lag(readyAtMs: number, random: () => number): { lag: number; polls: number } {
      let t = 0;
      let polls = 0;
      for (;;) {
        t += nextPollDelayMs(t, DEFAULT_POLL_SCHEDULE, random);
        polls++;
        if (t >= readyAtMs) return { lag: t - readyAtMs, polls };
      }
    }

    const readyTimes = [2, 10, 30, 60, 300, 1800];
    const draws: [string, () => number][] = [
      ["0", zero],
      ["0.5", half],
      ["1", one],
    ];

    for (const T of readyTimes) {
      for (const [name, random] of draws) {
        it(`ready at ${T} s, random ${name}: lag ≤ max(2 s, 0.2·T)`, () => {
          const { lag: l } = lag(T * 1000, random);
          expect(l).toBeGreaterThanOrEqual(0);
          expect(l).toBeLessThanOrEqual(Math.max(2_000, 0.2 * T * 1000));
        });
      }
    }

    it("also holds for many ready times and random draws", () => {
      let seed = 42;
      const lcg = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
      for (let T = 0.5; T <= 3_600; T *= 1.37) {
        const { lag: l } = lag(T * 1000, lcg);
        expect(l).toBeLessThanOrEqual(Math.max(2_000, 0.2 * T * 1000));
      }
    });

    it("makes far fewer polls than a fixed 5 s interval for slow assets", () => {
      const { polls } = lag(1_800_000, zero);
      expect(polls).toBeLessThan(1_800 / 5 / 4);
    });
  });
});

describe("ReadinessEstimate", () => {
  it("has no hint until three samples exist", () => {
    const e = new ReadinessEstimate();
    expect(e.firstPollMs()).toBeUndefined();
    e.record(5_000);
    e.record(6_000);
    expect(e.firstPollMs()).toBeUndefined();
    e.record(7_000);
    expect(e.firstPollMs()).toBe(5_000);
  });

  it("suggests the lower quartile of observed ready times", () => {
    const e = new ReadinessEstimate();
    for (const s of [9, 1, 8, 2, 7, 3, 6, 4, 5]) e.record(s * 1_000);
    expect(e.firstPollMs()).toBe(3_000);
  });

  it("never suggests later than maxHintMs", () => {
    const e = new ReadinessEstimate(50, 30_000);
    for (const s of [40_000, 50_000, 60_000]) e.record(s);
    expect(e.firstPollMs()).toBe(30_000);
  });

  it("keeps only the latest maxSamples", () => {
    const e = new ReadinessEstimate(3);
    for (const s of [1_000, 2_000, 3_000, 10_000]) e.record(s);
    expect(e.firstPollMs()).toBe(2_000);
    e.record(20_000);
    expect(e.firstPollMs()).toBe(3_000);
  });
});

describe("waitUntil", () => {
  const T0 = 1_700_000_000_000;
  // 100 ms between polls, no jitter: the schedule is exact under fake timers.
  const schedule: PollSchedule = {
    firstPollMs: 100,
    minIntervalMs: 100,
    fraction: 0,
    maxIntervalMs: 100,
    jitter: 0,
  };

  type Obs = { state: string; n: number };
  const verdict = (o: Obs): Verdict =>
    o.state === "ready"
      ? { done: true }
      : o.state === "failed"
        ? { error: new Error(`failed at poll ${o.n}`) }
        : { done: false };

  /** A fake poll returning `states` in turn (the last one repeats), recording call times. */
  function fakePoll(states: string[]) {
    const times: number[] = [];
    const poll = jest.fn(async (): Promise<Obs> => {
      const n = times.length;
      times.push(Date.now() - T0);
      return { state: states[Math.min(n, states.length - 1)], n: n + 1 };
    });
    return { poll, times };
  }

  const timeoutError = (last: Obs | undefined, waitedMs: number) =>
    new WaitTimeoutError(`still ${last?.state ?? "?"} after ${waitedMs} ms`, waitedMs);

  beforeEach(() => jest.useFakeTimers({ now: T0 }));
  afterEach(() => jest.useRealTimers());

  it("polls on the schedule and returns the observation that is done", async () => {
    const { poll, times } = fakePoll(["draft", "draft", "ready"]);
    const observe = jest.fn();
    const p = waitUntil({
      poll,
      verdict,
      timeoutMs: 10_000,
      schedule,
      onTimeout: timeoutError,
      observe,
    });
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(p).resolves.toEqual({ state: "ready", n: 3 });
    expect(times).toEqual([100, 200, 300]);
    expect(observe.mock.calls.map(([o]) => o)).toEqual([
      { state: "draft", n: 1 },
      { state: "draft", n: 2 },
      { state: "ready", n: 3 },
    ]);
  });

  it("throws the verdict's error and stops polling", async () => {
    const { poll } = fakePoll(["draft", "failed", "ready"]);
    const p = waitUntil({ poll, verdict, timeoutMs: 10_000, schedule, onTimeout: timeoutError });
    const assertion = expect(p).rejects.toThrow("failed at poll 2");
    await jest.advanceTimersByTimeAsync(1_000);
    await assertion;
    expect(poll).toHaveBeenCalledTimes(2);
  });

  it("propagates a poll's own error", async () => {
    const poll = jest.fn().mockRejectedValue(new Error("HTTP 500"));
    const p = waitUntil({ poll, verdict, timeoutMs: 10_000, schedule, onTimeout: timeoutError });
    const assertion = expect(p).rejects.toThrow("HTTP 500");
    await jest.advanceTimersByTimeAsync(1_000);
    await assertion;
  });

  it("after the deadline, throws onTimeout's error built from a last look taken at the deadline", async () => {
    const { poll, times } = fakePoll(["draft"]);
    const onTimeout = jest.fn(timeoutError);
    const p = waitUntil({ poll, verdict, timeoutMs: 250, schedule, onTimeout });
    const assertion = expect(p).rejects.toThrow(WaitTimeoutError);
    await jest.advanceTimersByTimeAsync(1_000);
    await assertion;
    expect(times).toEqual([100, 200, 250]);
    expect(onTimeout).toHaveBeenCalledTimes(1);
    expect(onTimeout).toHaveBeenCalledWith({ state: "draft", n: 3 }, 250);
  });

  it("returns when the last look at the deadline finds it done", async () => {
    const { poll, times } = fakePoll(["draft", "draft", "ready"]);
    const onTimeout = jest.fn(timeoutError);
    const p = waitUntil({ poll, verdict, timeoutMs: 250, schedule, onTimeout });
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(p).resolves.toEqual({ state: "ready", n: 3 });
    expect(times).toEqual([100, 200, 250]);
    expect(onTimeout).not.toHaveBeenCalled();
  });

  it("looks once, immediately, when the deadline has already passed", async () => {
    const { poll, times } = fakePoll(["draft"]);
    const onTimeout = jest.fn(timeoutError);
    const p = waitUntil({
      poll,
      verdict,
      timeoutMs: 5_000,
      startedAt: T0 - 10_000,
      schedule,
      onTimeout,
    });
    const assertion = expect(p).rejects.toThrow("still draft after 10000 ms");
    await jest.advanceTimersByTimeAsync(1_000);
    await assertion;
    expect(times).toEqual([0]);
    expect(onTimeout).toHaveBeenCalledWith({ state: "draft", n: 1 }, 10_000);
  });

  it("counts the schedule from startedAt", async () => {
    const { poll, times } = fakePoll(["draft", "ready"]);
    const sched: PollSchedule = { ...schedule, fraction: 1, maxIntervalMs: 10_000 };
    const p = waitUntil({
      poll,
      verdict,
      timeoutMs: 60_000,
      startedAt: T0 - 1_000,
      schedule: sched,
      onTimeout: timeoutError,
    });
    await jest.advanceTimersByTimeAsync(10_000);
    await p;
    // The first look (due 100 ms after startedAt) is overdue: at once. Then 1 s waited →
    // interval 1 s (fraction 1).
    expect(times).toEqual([0, 1_000]);
  });

  it("returns `initial` without polling when it is already done", async () => {
    const { poll } = fakePoll(["draft"]);
    const observe = jest.fn();
    const initial = { state: "ready", n: 0 };
    await expect(
      waitUntil({
        poll,
        verdict,
        timeoutMs: 1_000,
        schedule,
        initial,
        onTimeout: timeoutError,
        observe,
      }),
    ).resolves.toBe(initial);
    expect(poll).not.toHaveBeenCalled();
    expect(observe).toHaveBeenCalledWith(initial);
  });

  it("throws the verdict's error for `initial` without polling", async () => {
    const { poll } = fakePoll(["ready"]);
    await expect(
      waitUntil({
        poll,
        verdict,
        timeoutMs: 1_000,
        schedule,
        initial: { state: "failed", n: 0 },
        onTimeout: timeoutError,
      }),
    ).rejects.toThrow("failed at poll 0");
    expect(poll).not.toHaveBeenCalled();
  });

  it("polls when `initial` is not done, and observes it first", async () => {
    const { poll } = fakePoll(["ready"]);
    const observe = jest.fn();
    const p = waitUntil({
      poll,
      verdict,
      timeoutMs: 1_000,
      schedule,
      initial: { state: "draft", n: 0 },
      onTimeout: timeoutError,
      observe,
    });
    await jest.advanceTimersByTimeAsync(500);
    await expect(p).resolves.toEqual({ state: "ready", n: 1 });
    expect(observe.mock.calls.map(([o]) => o.n)).toEqual([0, 1]);
  });

  it("moves the first poll to the estimate's hint and records the ready time", async () => {
    const estimate = new ReadinessEstimate();
    for (const s of [400, 400, 400]) estimate.record(s);
    const record = jest.spyOn(estimate, "record");
    const { poll, times } = fakePoll(["draft", "ready"]);
    const p = waitUntil({
      poll,
      verdict,
      timeoutMs: 10_000,
      schedule,
      estimate,
      onTimeout: timeoutError,
    });
    await jest.advanceTimersByTimeAsync(2_000);
    await p;
    expect(times).toEqual([400, 500]);
    expect(record).toHaveBeenCalledWith(500);
  });
});
