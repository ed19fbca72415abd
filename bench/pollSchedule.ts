/**
 * Section 1 — the poll schedule against its two anchors, by pure computation.
 *
 * An asset becomes ready T seconds after the provider sends its POST. For each T we compute
 * when each strategy first sees it ready (detection lag) and how many GETs it made:
 * - ours: `nextPollDelayMs` with DEFAULT_POLL_SCHEDULE, called exactly as `waitUntil` calls it
 *   (the POST's answer takes POST_RTT_S and starts the wait; the first look comes firstPollMs
 *   after it, later delays are computed from the time waited so far). Its jitter is drawn from a seeded PRNG, DRAWS times;
 *   we report the median and the worst case over the draws.
 * - fixed 5 s: the official Code Ocean SDK's `wait_until_ready` (GET at once, then every 5 s).
 * - doubling: Terraform's StateChangeConf style (GET at once, then 100 ms, 200 ms, … capped
 *   at 10 s). Both anchors start when the POST's answer arrives and have no randomness.
 */
import { DEFAULT_POLL_SCHEDULE, nextPollDelayMs } from "../provider/core/waiter";
import { mulberry32 } from "../emulator/faults";
import { Bar, BenchContext, SectionResult, Table, bar, num, quantile } from "./report";

export const READY_TIMES_S = [2, 10, 30, 60, 300, 1800];
const DRAWS = 10_000;
const SEED = 0x5eed;
/** Round trip of the create POST: our waiter's clock starts at its answer. */
const POST_RTT_S = 0.1;

export interface Detection {
  /** Seconds from ready to the first poll that sees it. */
  lag: number;
  gets: number;
  /**
   * Deterministic anchors only: the mean lag if the ready moment fell anywhere in the poll
   * interval that contains T (half that interval), i.e. without the luck of T's phase.
   */
  phaseMeanLag?: number;
}

/**
 * Our schedule as waitUntil runs it: time 0 is when the POST is sent; the wait is timed from
 * its answer (Code Ocean's acceptance); the first look comes firstPollMs (less jitter) after
 * that, then nextPollDelayMs(time waited).
 */
export function ours(readyS: number, random: () => number): Detection {
  const accepted = POST_RTT_S;
  let t = accepted + nextPollDelayMs(0, DEFAULT_POLL_SCHEDULE, random) / 1000;
  let gets = 1;
  while (t < readyS) {
    t += nextPollDelayMs((t - accepted) * 1000, DEFAULT_POLL_SCHEDULE, random) / 1000;
    gets++;
  }
  return { lag: t - readyS, gets };
}

/** The official SDK: GET right after the POST's answer, then every 5 s. */
export function fixed5s(readyS: number): Detection {
  let t = POST_RTT_S;
  let gets = 1;
  while (t < readyS) {
    t += 5;
    gets++;
  }
  return { lag: t - readyS, gets, phaseMeanLag: 2.5 };
}

/** Terraform-style: GET right after the POST's answer, then 0.1 s, doubling, capped at 10 s. */
export function doubling(readyS: number): Detection {
  let t = POST_RTT_S;
  let gets = 1;
  let wait = 0.1;
  let last = 0;
  while (t < readyS) {
    last = wait;
    t += wait;
    gets++;
    wait = Math.min(10, wait * 2);
  }
  return { lag: t - readyS, gets, phaseMeanLag: last / 2 };
}

export interface ScheduleRow {
  T: number;
  lagLimit: number;
  ours: {
    lagMedian: number;
    lagWorst: number;
    lagBest: number;
    getsMedian: number;
    getsWorst: number;
    getsBest: number;
  };
  fixed5s: Detection;
  doubling: Detection;
  /** Draws whose lag exceeded max(2 s, 0.2·T). */
  lagViolations: number;
}

export function simulate(draws = DRAWS, seed = SEED): ScheduleRow[] {
  const random = mulberry32(seed);
  return READY_TIMES_S.map((T) => {
    const lags: number[] = [];
    const gets: number[] = [];
    const lagLimit = Math.max(2, 0.2 * T);
    let lagViolations = 0;
    for (let i = 0; i < draws; i++) {
      const d = ours(T, random);
      lags.push(d.lag);
      gets.push(d.gets);
      if (d.lag > lagLimit) lagViolations++;
    }
    return {
      T,
      lagLimit,
      ours: {
        lagMedian: quantile(lags, 0.5),
        lagWorst: Math.max(...lags),
        lagBest: Math.min(...lags),
        getsMedian: quantile(gets, 0.5),
        getsWorst: Math.max(...gets),
        getsBest: Math.min(...gets),
      },
      fixed5s: fixed5s(T),
      doubling: doubling(T),
      lagViolations,
    };
  });
}

export async function runPollSchedule(_ctx: BenchContext): Promise<SectionResult> {
  const started = performance.now();
  const rows = simulate();
  const table: Table = {
    title: `1. Poll schedule vs anchors (pure computation, ${DRAWS} jitter draws per T)`,
    head: [
      "T (s)",
      "lag bar (s)",
      "ours lag med / worst (s)",
      "fixed 5 s lag (s)",
      "doubling lag (s)",
      "ours GETs med / worst",
      "fixed 5 s GETs",
      "doubling GETs",
      "ours ÷ fixed GETs (worst)",
    ],
    rows: rows.map((r) => [
      String(r.T),
      `≤ ${num(r.lagLimit)}`,
      `${num(r.ours.lagMedian, 2)} / ${num(r.ours.lagWorst, 2)}`,
      `${num(r.fixed5s.lag, 2)} (${num(r.fixed5s.phaseMeanLag ?? NaN, 2)})`,
      `${num(r.doubling.lag, 2)} (${num(r.doubling.phaseMeanLag ?? NaN, 2)})`,
      `${num(r.ours.getsMedian, 0)} / ${r.ours.getsWorst}`,
      String(r.fixed5s.gets),
      String(r.doubling.gets),
      num(r.ours.getsWorst / r.fixed5s.gets, 2),
    ]),
    notes: [
      `Time 0 is when the POST is sent; its answer takes ${POST_RTT_S} s. Ours: the first look 2.5 s after the answer, then ` +
        `max(2 s, 0.2 × time waited) capped at 60 s, each delay shortened by up to 20 % jitter (DEFAULT_POLL_SCHEDULE as waitUntil runs it).`,
      "fixed 5 s = official SDK (GET at once, then every 5 s); doubling = Terraform style (GET at once, then 0.1 s doubling to a 10 s cap). " +
        "Both are deterministic, so their lag depends on luck: at a T that is a multiple of 5 s the fixed poll lands right after T. " +
        "In parentheses: their mean lag over where the ready moment falls within the poll interval containing T — the fair comparison with our median, whose jitter randomizes that phase.",
    ],
  };
  const bars: Bar[] = [];
  const worst = rows.reduce((a, r) =>
    r.ours.lagWorst / r.lagLimit > a.ours.lagWorst / a.lagLimit ? r : a,
  );
  const violations = rows.reduce((s, r) => s + r.lagViolations, 0);
  bars.push(
    bar(
      1,
      "ours: lag ≤ max(2 s, 0.2·T) at every T, every draw",
      `worst ${num(worst.ours.lagWorst, 3)} s at T = ${worst.T} (limit ${num(worst.lagLimit)}); ${violations} violations`,
      "0 violations",
      violations === 0,
    ),
  );
  for (const T of [60, 300, 1800]) {
    const r = rows.find((x) => x.T === T)!;
    const factor = T === 60 ? 1.5 : 0.5;
    const worstRatio = r.ours.getsWorst / r.fixed5s.gets;
    const medianRatio = r.ours.getsMedian / r.fixed5s.gets;
    bars.push(
      bar(
        1,
        `T = ${T} s: ours GETs ≤ ${factor} × fixed 5 s`,
        `worst ${r.ours.getsWorst} / ${r.fixed5s.gets} = ${num(worstRatio, 2)}× (median ${num(medianRatio, 2)}×)`,
        `≤ ${factor}×`,
        worstRatio <= factor,
      ),
    );
  }
  return {
    number: 1,
    key: "pollSchedule",
    title: "Poll schedule vs anchors",
    tables: [table],
    bars,
    data: { draws: DRAWS, seed: SEED, postRttS: POST_RTT_S, rows },
    seconds: (performance.now() - started) / 1000,
  };
}
