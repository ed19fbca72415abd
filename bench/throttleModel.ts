/**
 * Section 2b — the request budget against other servers, in virtual time (pure computation).
 *
 * §2 measures one server (20 req/s, burst 20) through the real host. Here the real
 * `Throttle`, the real waiter (`waitUntil`, first poll, readiness estimate) and the real retry
 * delays drive N creates against the emulator's token bucket (`RateLimiter`) under fake
 * timers: each create is a POST, then GETs until the asset is ready 5 s after its POST; a 429
 * is retried after the server's Retry-After. Loopback round trip 8 ms. Two clients side by
 * side: ours (never told the limit) and one told it (a fixed rate equal to the server's),
 * which shows how much of the gap to the ideal is the rate and how much is detection lag.
 */
import FakeTimers from "@sinonjs/fake-timers";
import { RateLimiter } from "../emulator/faults";
import { Throttle } from "../provider/core/api/throttle";
import { DEFAULT_RETRY_POLICY, retryDelayMs } from "../provider/core/api/retry";
import { ReadinessEstimate, waitUntil } from "../provider/core/waiter";
import { Table, fmtStat, pct, stat } from "./report";

const READY_AFTER_MS = 5_000;
const ROUND_TRIP_MS = 8;

export interface ModelRun {
  wallS: number;
  idealS: number;
  calls: number;
  rateLimited: number;
}

/** Park–Miller, so every run of the bench draws the same jitter. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

export async function modelRun(
  n: number,
  server: { requestsPerSecond: number; burst: number },
  throttle: Throttle,
  seed: number,
): Promise<ModelRun> {
  const clock = FakeTimers.install({
    now: 1_000_000,
    toFake: ["setTimeout", "clearTimeout", "Date"],
  });
  const random = Math.random;
  Math.random = seeded(seed);
  try {
    const t0 = Date.now();
    const { requestsPerSecond, burst } = server;
    const bucket = new RateLimiter({ requestsPerSecond, burst, retryAfter: true }, () =>
      Date.now(),
    );
    let calls = 0;
    const request = async (): Promise<number> => {
      for (let retry = 0; ; retry++) {
        const release = await throttle.acquire();
        calls++;
        await new Promise((r) => setTimeout(r, ROUND_TRIP_MS));
        const decision = bucket.take();
        release();
        if (decision.ok) {
          throttle.onSuccess();
          return Date.now();
        }
        throttle.onRateLimited();
        const after = decision.retryAfterSeconds ?? undefined;
        await new Promise((r) => setTimeout(r, retryDelayMs(retry, DEFAULT_RETRY_POLICY, after)));
      }
    };
    const estimate = new ReadinessEstimate();
    const create = async () => {
      const posted = await request();
      await waitUntil({
        poll: async () => (await request()) >= posted + READY_AFTER_MS,
        verdict: (ready) => ({ done: ready }),
        timeoutMs: 600_000,
        estimate,
        onTimeout: () => new Error("model: not ready"),
      });
    };
    let done = false;
    const all = Promise.all(Array.from({ length: n }, create)).then(() => (done = true));
    while (!done) await clock.tickAsync(5);
    await all;
    const rps = server.requestsPerSecond;
    return {
      wallS: (Date.now() - t0) / 1000,
      idealS: Math.max((n - 1) / rps + READY_AFTER_MS / 1000, (2 * n) / rps),
      calls,
      rateLimited: throttle.stats.rateLimited,
    };
  } finally {
    Math.random = random;
    clock.uninstall();
  }
}

const SERVERS = [
  { requestsPerSecond: 20, burst: 20, note: "§2's server" },
  { requestsPerSecond: 20, burst: 1, note: "no burst" },
  { requestsPerSecond: 20, burst: 60, note: "large burst" },
  { requestsPerSecond: 10, burst: 10, note: "= our starting rate" },
  { requestsPerSecond: 5, burst: 5, note: "below our starting rate" },
  { requestsPerSecond: 50, burst: 50, note: "" },
];

export async function throttleModelTable(quick: boolean): Promise<{ table: Table; data: unknown }> {
  const sizes = quick ? [20, 50] : [20, 50, 200];
  const seeds = quick ? 3 : 5;
  const rows: string[][] = [];
  const data: Record<string, unknown> = {};
  for (const server of SERVERS) {
    for (const n of sizes) {
      const ours: ModelRun[] = [];
      const told: ModelRun[] = [];
      for (let s = 1; s <= seeds; s++) {
        ours.push(await modelRun(n, server, new Throttle(), s * 104_729));
        told.push(
          await modelRun(
            n,
            server,
            new Throttle({ requestsPerSecond: server.requestsPerSecond, adaptive: false }),
            s * 104_729,
          ),
        );
      }
      const ratio = (rs: ModelRun[]) => stat(rs.map((r) => r.wallS / r.idealS));
      const share = (rs: ModelRun[]) => stat(rs.map((r) => r.rateLimited / r.calls));
      rows.push([
        `${server.requestsPerSecond} / ${server.burst}${server.note ? ` (${server.note})` : ""}`,
        String(n),
        fmtStat(ratio(ours), 2),
        pct(share(ours).max),
        fmtStat(ratio(told), 2),
        pct(share(told).max),
      ]);
      data[`${server.requestsPerSecond}/${server.burst}/${n}`] = { ours, told };
    }
  }
  return {
    table: {
      title: "2b. The request budget against other servers (virtual time; informational)",
      head: [
        "server req/s / burst",
        "N",
        "ours: wall ÷ ideal",
        "ours: 429s (worst)",
        "told the limit: wall ÷ ideal",
        "told: 429s (worst)",
      ],
      rows,
      notes: [
        `Median (min–max) over ${seeds} jitter seeds. The real Throttle, waiter and retry delays under fake timers against the emulator's token bucket; ` +
          "assets ready 5 s after their POST; ideal as in §2 with the server's rate.",
        "told the limit = a client with a fixed rate equal to the server's (not a setting of ours: codeocean:requestsPerSecond only sets the starting rate): the floor the poll schedule leaves.",
      ],
    },
    data,
  };
}
