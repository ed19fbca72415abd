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
  /** Archived assets of other teams in the deployment. */
  foreign: number;
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

/** Another team's user, owner of the foreign estate. */
const OTHER_TEAM = "0f7e2d1c-aaaa-4bbb-8ccc-other0team001";

async function refreshRun(n: number, tag: string, foreign = 0): Promise<RefreshRun> {
  return withBenchEmulator({ readyAfterMs: 0, rateLimit: null }, async (emu) => {
    // Another team's archive, one of its assets with a multi-valued metadata value.
    emu.admin.importAssets(
      Array.from({ length: foreign }, (_, i) => ({
        name: `other-team-${i}`,
        archived: true,
        owner: OTHER_TEAM,
        owner_email: "other@acme.org",
        ...(i === 7 && { custom_metadata: { modality: ["ephys", "imaging"] } }),
      })),
    );
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
        foreign,
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

/** Refreshes of a small and a large stack in a deployment where other teams archived a lot. */
const FOREIGN = 20_000;

export async function runRefresh(ctx: BenchContext): Promise<SectionResult> {
  const started = performance.now();
  const n = ctx.quick ? 40 : 200;
  const reps = ctx.quick ? 1 : 3;
  const runs: RefreshRun[] = [];
  const foreignRuns: RefreshRun[] = [];
  for (let r = 0; r < reps; r++) {
    ctx.log(`  §6 refresh of ${n}, run ${r + 1}/${reps}`);
    const run = await refreshRun(n, `refresh${r}`);
    ctx.log(`     wall ${num(run.wallS, 2)} s, ${run.calls} calls (${run.searches} searches)`);
    runs.push(run);
    for (const size of [3, n]) {
      ctx.log(`  §6 refresh of ${size} beside ${FOREIGN} foreign archived, run ${r + 1}/${reps}`);
      const f = await refreshRun(size, `foreign${size}-${r}`, FOREIGN);
      ctx.log(`     wall ${num(f.wallS, 2)} s, ${f.calls} calls (${f.searches} searches)`);
      foreignRuns.push(f);
    }
  }
  const s = (rs: RefreshRun[], f: (r: RefreshRun) => number) => stat(rs.map(f));
  const perAsset = s(runs, (r) => r.calls / r.n);
  const ratio = s(runs, (r) => r.wallS / (r.calls / SERVER_RPS));
  const wrong = [...runs, ...foreignRuns].reduce((a, r) => a + r.wrong, 0);
  const row = (rs: RefreshRun[], label: string) => [
    label,
    String(rs.length),
    fmtStat(
      s(rs, (r) => r.wallS),
      2,
    ),
    fmtStat(
      s(rs, (r) => r.calls),
      0,
    ),
    fmtStat(
      s(rs, (r) => r.calls / r.n),
      3,
    ),
    fmtStat(
      s(rs, (r) => r.searches),
      0,
    ),
    fmtStat(
      s(rs, (r) => r.rateLimited),
      0,
    ),
    rs.map((r) => `${r.archivedSeen}/${r.archived}`).join(", "),
    fmtStat(
      s(rs, (r) => r.wallS / (r.calls / SERVER_RPS)),
      2,
    ),
  ];
  const small = foreignRuns.filter((r) => r.n === 3);
  const large = foreignRuns.filter((r) => r.n === n);
  // Calls beyond one per asset: the bar is 1.1 per asset plus this constant.
  const CONSTANT = 2;
  const within = (r: RefreshRun) => r.calls <= 1.1 * r.n + CONSTANT;
  const table: Table = {
    title: `6. Refresh through the provider host (server limit ${SERVER_RPS} req/s, ${4 * os.cpus().length} reads at once)`,
    head: [
      "stack",
      "runs",
      "wall (s)",
      "calls",
      "calls/asset",
      "searches",
      "429s",
      "archived seen",
      "wall ÷ (calls ÷ limit)",
    ],
    rows: [
      row(runs, `${n} assets`),
      row(small, `3 assets, ${FOREIGN} foreign archived`),
      row(large, `${n} assets, ${FOREIGN} foreign archived`),
    ],
    notes: [
      "A tenth of the stack's assets are archived by hand before the refresh; every one must come back archived, and no other.",
      `Foreign: ${FOREIGN} archived assets owned by another team (one with a multi-valued metadata value), which a refresh must neither page through nor trip over.`,
      "Reads under way together share one listing of the archived assets the token's user created, which answers every asset that user owns; a lone read searches by its name instead.",
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
        `refresh beside ${FOREIGN} foreign archived assets: calls ≤ 1.1 × assets + ${CONSTANT}`,
        `3 assets: ${fmtStat(
          s(small, (r) => r.calls),
          0,
        )} calls; ${n} assets: ${fmtStat(
          s(large, (r) => r.calls),
          0,
        )}`,
        `≤ ${num(1.1 * 3 + CONSTANT, 1)}; ≤ ${num(1.1 * n + CONSTANT, 0)}`,
        foreignRuns.every(within),
      ),
      bar(
        6,
        `refresh: archived assets detected`,
        `${wrong} wrong in ${runs.length + foreignRuns.length} runs`,
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
    data: { runs, foreignRuns },
    seconds: (performance.now() - started) / 1000,
  };
}
