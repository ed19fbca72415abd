/**
 * Section 6 — a refresh of many DataAssets through the real dynamic-provider host.
 *
 * Per run: N assets created through a host against an emulator without a rate limit, a
 * tenth of them archived out of band, then a fresh host (a refresh is a new Pulumi
 * operation, so a new provider process) reads them all, at the engine's default parallelism
 * (4 × CPU cores), against the server limited to 20 requests/s. Figures come from the
 * emulator's journal; archived assets must still be seen as archived.
 */
import * as os from "os";
import {
  SERVER_RPS,
  assetArgs,
  withBenchEmulator,
  withConfiguredHost,
  checkThenCreateAll,
  journalFigures,
  providerTexts,
} from "./harness";
import { BenchContext, SectionResult, Table, bar, fmtStat, num, stat } from "./report";

interface RefreshRun {
  n: number;
  wallS: number;
  calls: number;
  searches: number;
  rateLimited: number;
  archived: number;
  archivedSeen: number;
  wrong: number;
}

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function refreshRun(n: number, tag: string): Promise<RefreshRun> {
  return withBenchEmulator({ readyAfterMs: 0, rateLimit: null }, async (emu) => {
    const { dataAsset } = await providerTexts();
    const created = await withConfiguredHost(emu, async (maker) => {
      const run = await checkThenCreateAll(
        maker,
        emu,
        "DataAsset",
        Array.from({ length: n }, (_, i) => ({
          __provider: dataAsset,
          ...assetArgs(`${tag}-${i}`, i),
        })),
        300_000,
      );
      return run.results.map((r) => {
        if (r.status === "rejected") throw r.reason;
        return r.value;
      });
    });
    const archived = new Set(created.filter((_, i) => i % 10 === 3).map((c) => c.id));
    for (const id of archived) emu.admin.updateAsset(id, { archived: true });
    emu.admin.setRateLimit({ requestsPerSecond: SERVER_RPS, retryAfter: true });
    return withConfiguredHost(emu, async (host) => {
      emu.admin.clearJournal();
      let archivedSeen = 0;
      let wrong = 0;
      const started = performance.now();
      await pool(created, 4 * os.cpus().length, async (c) => {
        const r = await host.read("DataAsset", c.id, c.properties);
        const seen = r.properties.archived === true;
        if (seen && archived.has(c.id)) archivedSeen++;
        if (seen !== archived.has(c.id) || r.id !== c.id) wrong++;
      });
      const wallS = (performance.now() - started) / 1000;
      const f = journalFigures(emu.admin.journal());
      return {
        n,
        wallS,
        calls: f.calls,
        searches: f.byRoute["POST /data_assets/search"] ?? 0,
        rateLimited: f.rateLimited,
        archived: archived.size,
        archivedSeen,
        wrong,
      };
    });
  });
}

export async function runRefresh(ctx: BenchContext): Promise<SectionResult> {
  const started = performance.now();
  const n = ctx.quick ? 40 : 200;
  const reps = ctx.quick ? 1 : 3;
  const runs: RefreshRun[] = [];
  for (let r = 0; r < reps; r++) {
    ctx.log(`  §6 refresh of ${n}, run ${r + 1}/${reps}`);
    const run = await refreshRun(n, `refresh${r}`);
    ctx.log(`     wall ${num(run.wallS, 2)} s, ${run.calls} calls (${run.searches} searches)`);
    runs.push(run);
  }
  const s = (f: (r: RefreshRun) => number) => stat(runs.map(f));
  const perAsset = s((r) => r.calls / r.n);
  const ratio = s((r) => r.wallS / (r.calls / SERVER_RPS));
  const wrong = runs.reduce((a, r) => a + r.wrong, 0);
  const table: Table = {
    title: `6. Refresh of ${n} DataAssets through the provider host (server limit ${SERVER_RPS} req/s, ${4 * os.cpus().length} reads at once)`,
    head: [
      "runs",
      "wall (s)",
      "calls/asset",
      "searches",
      "429s",
      "archived seen",
      "wall ÷ (calls ÷ limit)",
    ],
    rows: [
      [
        String(runs.length),
        fmtStat(
          s((r) => r.wallS),
          2,
        ),
        fmtStat(perAsset, 3),
        fmtStat(
          s((r) => r.searches),
          0,
        ),
        fmtStat(
          s((r) => r.rateLimited),
          0,
        ),
        runs.map((r) => `${r.archivedSeen}/${r.archived}`).join(", "),
        fmtStat(ratio, 2),
      ],
    ],
    notes: [
      "A tenth of the assets are archived by hand before the refresh; every one must come back archived, and no other.",
      "Concurrent reads share one listing of archived assets (a lone read searches by its name instead).",
    ],
  };
  return {
    number: 6,
    key: "refresh",
    title: "Refresh of many assets",
    tables: [table],
    bars: [
      bar(
        6,
        `refresh of ${n}: API calls per asset ≤ 1.1`,
        num(perAsset.median, 3),
        "≤ 1.1",
        perAsset.max <= 1.1,
      ),
      bar(
        6,
        `refresh of ${n}: archived assets detected`,
        `${wrong} wrong in ${runs.length} runs`,
        "0",
        wrong === 0,
      ),
      bar(
        6,
        `refresh of ${n}: wall ≤ 1.3 × (calls ÷ limit)`,
        `${num(ratio.median, 2)}×`,
        "≤ 1.3×",
        ratio.median <= 1.3,
      ),
    ],
    data: { runs },
    seconds: (performance.now() - started) / 1000,
  };
}
