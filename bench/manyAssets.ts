/**
 * Section 2 — many DataAssets created at once, through the real dynamic-provider host.
 *
 * Per run: a fresh emulator (assets ready 5 s after creation; the whole API limited to
 * 20 requests/s, 429 with Retry-After above it) and a fresh provider host configured with
 * only domain and token — the provider is never told the server's limit. All N inputs are
 * checked first (as the engine does at registration), then N `create` calls are sent at
 * once, as the engine does with unbounded parallelism. Figures come from the emulator's
 * journal.
 */
import { JournalEntry } from "../emulator";
import {
  READY_AFTER_MS,
  SERVER_RPS,
  assetArgs,
  withBenchEmulator,
  withConfiguredHost,
  idealSeconds,
  journalFigures,
  providerTexts,
  checkThenCreateAll,
} from "./harness";
import {
  Bar,
  BenchContext,
  SectionResult,
  Table,
  bar,
  fmtStat,
  num,
  pct,
  quantile,
  ratio as ratioText,
  stat,
} from "./report";
import { throttleModelTable } from "./throttleModel";

export interface ManyAssetsRun {
  n: number;
  wallS: number;
  idealS: number;
  calls: number;
  posts: number;
  gets: number;
  rateLimited: number;
  errorAnswers: number;
  failedCreates: number;
  /** Assets the emulator holds after the run (a retried create could make duplicates). */
  assetsCreated: number;
  notReady: number;
  /** Median over assets of (first GET seeing it ready − the moment it became ready), s. */
  detectionLagS: number;
  /** When the last successful POST arrived, s after the creates were sent. */
  lastPostS: number;
  firstError?: string;
}

/** When each asset became ready and when a GET first saw it ready (from the journal). */
function detectionLags(entries: JournalEntry[]): number[] {
  const readyAt = new Map<string, number>();
  for (const e of entries)
    if (e.route === "POST /data_assets" && e.status === 200 && e.assetId)
      readyAt.set(e.assetId, e.time + READY_AFTER_MS);
  const seen = new Map<string, number>();
  for (const e of entries) {
    if (e.route !== "GET /data_assets/:id" || e.status !== 200 || !e.assetId) continue;
    const r = readyAt.get(e.assetId);
    if (r !== undefined && e.time >= r && !seen.has(e.assetId)) seen.set(e.assetId, e.time - r);
  }
  return [...seen.values()].map((ms) => ms / 1000);
}

export async function manyAssetsRun(n: number, tag: string): Promise<ManyAssetsRun> {
  return withBenchEmulator({}, (emu) =>
    withConfiguredHost(emu, async (host) => {
      const { dataAsset } = await providerTexts();
      const run = await checkThenCreateAll(
        host,
        emu,
        "DataAsset",
        Array.from({ length: n }, (_, i) => ({
          __provider: dataAsset,
          ...assetArgs(`${tag}-${i}`, i),
        })),
        300_000,
      );
      const journal = emu.admin.journal();
      const f = journalFigures(journal);
      const assets = emu.admin.assets();
      return {
        n,
        wallS: run.wallS,
        idealS: idealSeconds(n),
        calls: f.calls,
        posts: f.byRoute["POST /data_assets"] ?? 0,
        gets: f.byRoute["GET /data_assets/:id"] ?? 0,
        rateLimited: f.rateLimited,
        errorAnswers: f.errors,
        failedCreates: run.failedCreates,
        assetsCreated: assets.length,
        notReady: assets.filter((a) => a.state !== "ready").length,
        detectionLagS: quantile(detectionLags(journal), 0.5),
        lastPostS:
          Math.max(
            0,
            ...journal
              .filter((e) => e.route === "POST /data_assets" && e.status === 200)
              .map((e) => e.time - run.startedEpoch),
          ) / 1000,
        ...(run.firstError ? { firstError: run.firstError } : {}),
      };
    }),
  );
}

export async function runManyAssets(ctx: BenchContext): Promise<SectionResult> {
  const started = performance.now();
  const plan: [number, number][] = ctx.quick
    ? [
        [1, 2],
        [20, 2],
      ]
    : [
        [1, 5],
        [20, 5],
        [50, 5],
        [200, 3],
      ];
  const runs: Record<string, ManyAssetsRun[]> = {};
  for (const [n, reps] of plan) {
    runs[n] = [];
    for (let r = 0; r < reps; r++) {
      ctx.log(`  §2 N = ${n}, run ${r + 1}/${reps}`);
      const run = await manyAssetsRun(n, `many${n}r${r}`);
      ctx.log(
        `     wall ${num(run.wallS, 2)} s, ${run.calls} calls, ${run.rateLimited} × 429, ${run.failedCreates} failed`,
      );
      runs[n].push(run);
    }
  }

  const table: Table = {
    title: `2. Many assets at once through the provider host (ready after ${READY_AFTER_MS / 1000} s, server limit ${SERVER_RPS} req/s)`,
    head: [
      "N",
      "runs",
      "wall (s)",
      "ideal (s)",
      "wall ÷ ideal",
      "calls/asset",
      "GETs/asset",
      "429s",
      "429 share",
      "failures",
      "last POST (s)",
      "detection lag (s)",
    ],
    rows: [],
    notes: [
      "Median (min–max) over the runs. ideal = max((N − 1) ÷ 20 req/s + 5 s, 2 calls per asset ÷ 20 req/s): the creates pass the limit too. " +
        "calls include the 429-refused ones; failures = creates that failed + error answers + assets not ready or duplicated.",
      "The host gets only domain and token: the client starts at its default 10 req/s and adapts to the 429s.",
    ],
  };
  const bars: Bar[] = [];
  for (const [n] of plan) {
    const rs = runs[n];
    const s = (f: (r: ManyAssetsRun) => number) => stat(rs.map(f));
    const failures = (r: ManyAssetsRun) =>
      r.failedCreates + r.errorAnswers + r.notReady + Math.max(0, r.assetsCreated - r.n);
    const wall = s((r) => r.wallS);
    const ratio = s((r) => r.wallS / r.idealS);
    const share = s((r) => r.rateLimited / Math.max(1, r.calls));
    const totalFailures = rs.reduce((a, r) => a + failures(r), 0);
    table.rows.push([
      String(n),
      String(rs.length),
      fmtStat(wall, 2),
      num(idealSeconds(n), 1),
      fmtStat(ratio, 2),
      fmtStat(
        s((r) => r.calls / r.n),
        2,
      ),
      fmtStat(
        s((r) => r.gets / r.n),
        2,
      ),
      fmtStat(
        s((r) => r.rateLimited),
        0,
      ),
      pct(share.median),
      String(totalFailures),
      fmtStat(
        s((r) => r.lastPostS),
        1,
      ),
      fmtStat(
        s((r) => r.detectionLagS),
        2,
      ),
    ]);
    const lastPost = s((r) => r.lastPostS);
    const lag = s((r) => r.detectionLagS);
    bars.push(
      bar(
        2,
        `N = ${n}: zero failures`,
        `${totalFailures} in ${rs.length} runs`,
        "0",
        totalFailures === 0,
      ),
      bar(
        2,
        `N = ${n}: wall ≤ 1.3 × ideal`,
        `${num(wall.median, 2)} s = ${ratioText(ratio.median, 1.3)}× ideal (${num(idealSeconds(n), 2)} s)`,
        "≤ 1.3×",
        ratio.median <= 1.3,
        undefined,
        `The last POST left ${num(lastPost.median, 1)} s after the start, where a client that knew the limit would need ${num((n - 1) / SERVER_RPS, 1)} s ` +
          `(this one starts at its default 10 req/s and doubles it each second until the first 429; it is never told the server's 20), so the last asset is ready ` +
          `${num(lastPost.median + READY_AFTER_MS / 1000, 1)} s in and assets are seen a median ${num(lag.median, 1)} s after they become ready.`,
      ),
      bar(
        2,
        `N = ${n}: no duplicates`,
        String(rs.reduce((a, r) => a + Math.max(0, r.assetsCreated - r.n), 0)),
        "0",
        rs.every((r) => r.assetsCreated <= r.n),
      ),
      bar(2, `N = ${n}: 429s ≤ 5 % of calls`, pct(share.median), "≤ 5 %", share.median <= 0.05),
    );
  }
  ctx.log("  §2b the request budget against other servers (virtual time)");
  const model = await throttleModelTable(ctx.quick);
  return {
    number: 2,
    key: "manyAssets",
    title: "Many assets at once",
    tables: [table, model.table],
    bars,
    data: { runs, model: model.data },
    seconds: (performance.now() - started) / 1000,
  };
}
