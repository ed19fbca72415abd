/**
 * `npm run bench [-- --quick] [-- --only 2,4] [-- --strict] [-- --note "text"]`
 *
 * Runs the sections of issue 5 (and §7, the native plugin, of issue 20) in order, prints one table per section and the bars with
 * PASS/FAIL, and writes bench/results/<timestamp>.json, bench/results/latest.json and
 * bench/results/latest.md (the README's Performance table). A benchmark, not a test: the exit
 * code is non-zero only when a section could not run to the end (or, with --strict, when a bar
 * is missed).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findPulumiCli } from "../scripts/lib/pulumiCli";
import { runAttachments } from "./attachments";
import { runEngine } from "./engine";
import { runManyAssets } from "./manyAssets";
import { runNativePlugin } from "./nativePlugin";
import { runPollSchedule } from "./pollSchedule";
import {
  Bar,
  BenchContext,
  SectionResult,
  barsTable,
  markdownTable,
  missedBars,
  textTable,
  verdict,
} from "./report";
import { runRefresh } from "./refresh";
import { runStateWeight } from "./stateWeight";

type Ctx = BenchContext & { cliDir?: string };

const SECTIONS: {
  number: number;
  key: string;
  title: string;
  run: (ctx: Ctx) => Promise<SectionResult>;
}[] = [
  { number: 1, key: "pollSchedule", title: "Poll schedule vs anchors", run: runPollSchedule },
  { number: 2, key: "manyAssets", title: "Many assets at once", run: runManyAssets },
  { number: 3, key: "attachments", title: "Attachments", run: runAttachments },
  { number: 4, key: "stateWeight", title: "State weight", run: runStateWeight },
  { number: 5, key: "engine", title: "Through the real engine", run: runEngine },
  { number: 6, key: "refresh", title: "Refresh of many assets", run: runRefresh },
  { number: 7, key: "nativePlugin", title: "Native plugin", run: runNativePlugin },
];

interface Args {
  quick: boolean;
  strict: boolean;
  only?: Set<number>;
  note?: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, strict: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") args.quick = true;
    else if (a === "--strict") args.strict = true;
    else if (a === "--only" || a.startsWith("--only=")) {
      const value = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (!value)
        throw new UsageError("--only needs a section: 1-7 or a name, e.g. --only 2,manyAssets");
      args.only = new Set(
        value.split(",").map((v) => {
          const s = SECTIONS.find(
            (x) => String(x.number) === v.trim() || x.key.toLowerCase() === v.trim().toLowerCase(),
          );
          if (!s)
            throw new UsageError(
              `unknown section "${v}"; use 1-7 or ${SECTIONS.map((x) => x.key).join(", ")}`,
            );
          return s.number;
        }),
      );
    } else if (a === "--note") args.note = argv[++i];
    else if (a === "--help" || a === "-h") {
      console.log(
        "npm run bench [-- --quick] [--only <1-7|name>[,…]] [--strict] [--note <text>]\n" +
          SECTIONS.map((s) => `  ${s.number}  ${s.key}: ${s.title}`).join("\n"),
      );
      process.exit(0);
    } else throw new UsageError(`unknown argument ${a} (try --help)`);
  }
  return args;
}

function command(args: Args): string {
  const extra = [
    args.quick ? "--quick" : "",
    args.only ? `--only ${[...args.only].join(",")}` : "",
  ].filter(Boolean);
  return extra.length ? `npm run bench -- ${extra.join(" ")}` : "npm run bench";
}

function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  };
}

const load = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

function markdown(
  results: SectionResult[],
  bars: Bar[],
  meta: {
    command: string;
    date: string;
    seconds: number;
    machine: ReturnType<typeof machine>;
    loadStart: number[];
    loadEnd: number[];
    loadMax: number;
    note?: string;
    cli?: string;
  },
): string {
  const m = meta.machine;
  const out = [
    `Measured with \`${meta.command}\` on ${meta.date.slice(0, 10)} (${Math.round(meta.seconds)} s in all): ` +
      `Node ${m.node}, ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB; 1-minute load average ${meta.loadStart[0]} at the start, ${meta.loadEnd[0]} at the end, up to ${meta.loadMax} during the run` +
      (meta.cli ? `; Pulumi CLI from ${meta.cli.replace(os.homedir(), "~")}` : "; no Pulumi CLI") +
      ".",
    "Each figure is the median (min–max) of the runs of this one invocation; ratios are computed within it.",
  ];
  const busiest = meta.loadMax;
  if (busiest >= m.cpus / 2)
    out.push(
      `The load average reached ${busiest} on ${m.cpus} CPUs (this run's own processes included): absolute times are noisy, ratios less so.`,
    );
  if (meta.note) out.push("", meta.note);
  for (const r of results) {
    out.push("");
    if (r.skipped || r.error) {
      out.push(
        `#### ${r.number}. ${r.title}`,
        "",
        r.skipped ? `Skipped: ${r.skipped}` : `Error: ${r.error}`,
      );
    }
    for (const t of r.tables) out.push(markdownTable(t), "");
  }
  out.push("", markdownTable(barsTable(bars)));
  const missed = missedBars(bars);
  if (missed.length) out.push("", "Missed bars:", "", ...missed.map((m) => `- ${m}`));
  const failed = bars.filter((b) => b.pass === false).length;
  const na = bars.filter((b) => b.pass === null).length;
  out.push(
    "",
    `${bars.length - failed - na} of ${bars.length} bars pass` +
      (failed ? `, ${failed} fail` : "") +
      (na ? `, ${na} not measured` : "") +
      ".",
  );
  return out.join("\n").replace(/\n{3,}/g, "\n\n") + "\n";
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const date = new Date().toISOString();
  const loadStart = load();
  // The 1-minute load average through the run: the machine may be shared.
  const loadSamples: number[] = [loadStart[0]];
  const sampler = setInterval(() => loadSamples.push(load()[0]), 5_000);
  sampler.unref();
  const cliDir = findPulumiCli();
  const ctx: Ctx = {
    quick: args.quick,
    cliDir,
    log: (line) => process.stderr.write(`${line}\n`),
  };
  ctx.log(
    `pulumi-codeocean benchmark (${args.quick ? "quick" : "full"}); Pulumi CLI: ${cliDir ?? "not found, engine figures skipped"}`,
  );

  const results: SectionResult[] = [];
  for (const s of SECTIONS) {
    if (args.only && !args.only.has(s.number)) continue;
    ctx.log(`§${s.number} ${s.title}`);
    const t0 = performance.now();
    let result: SectionResult;
    try {
      result = await s.run(ctx);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      ctx.log(`§${s.number} failed: ${message}`);
      result = {
        number: s.number,
        key: s.key,
        title: s.title,
        error: error instanceof Error ? error.message : String(error),
        tables: [],
        bars: [bar0(s.number, `section ${s.number} ran to the end`)],
        data: { stack: message },
        seconds: (performance.now() - t0) / 1000,
      };
    }
    results.push(result);
    const lines = [""];
    if (result.skipped) lines.push(`${s.number}. ${s.title}: skipped — ${result.skipped}`);
    if (result.error) lines.push(`${s.number}. ${s.title}: ERROR — ${result.error}`);
    for (const t of result.tables) lines.push(textTable(t), "");
    for (const b of result.bars) {
      const how = b.note ? ` [${b.note}]` : "";
      lines.push(`  [${verdict(b.pass)}] ${b.name}: ${b.measured} (limit ${b.limit})${how}`);
      if (b.why) lines.push(`         why: ${b.why}`);
    }
    lines.push(`  (section took ${result.seconds.toFixed(0)} s)`);
    process.stdout.write(`${lines.join("\n")}\n`);
  }

  clearInterval(sampler);
  const bars = results.flatMap((r) => r.bars);
  const seconds = (performance.now() - started) / 1000;
  const meta = {
    command: command(args),
    date,
    seconds,
    mode: args.quick ? "quick" : "full",
    machine: machine(),
    loadStart,
    loadEnd: load(),
    loadMax: Math.max(...loadSamples),
    note: args.note,
    cli: cliDir,
  };
  const dir = path.join(__dirname, "results");
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.stringify({ ...meta, bars, sections: results }, null, 2);
  const stamp = date.replace(/[:.]/g, "-");
  fs.writeFileSync(path.join(dir, `${stamp}.json`), json);
  fs.writeFileSync(path.join(dir, "latest.json"), json);
  fs.writeFileSync(path.join(dir, "latest.md"), markdown(results, bars, meta));

  process.stdout.write(`\n${textTable(barsTable(bars))}\n`);
  const failed = bars.filter((b) => b.pass === false);
  const passed = bars.filter((b) => b.pass === true).length;
  const notMeasured = bars.length - passed - failed.length;
  process.stdout.write(
    `\n${passed} of ${bars.length} bars pass` +
      (failed.length ? `, ${failed.length} fail` : "") +
      (notMeasured ? `, ${notMeasured} not measured` : "") +
      `; ${Math.round(seconds)} s. ` +
      `Written: bench/results/${stamp}.json, latest.json, latest.md\n`,
  );
  const crashed = results.some((r) => r.error);
  process.exit(crashed || (args.strict && failed.length) ? 1 : 0);
}

function bar0(section: number, name: string): Bar {
  return { section, name, measured: "error", limit: "–", pass: false };
}

main().catch((error) => {
  if (error instanceof UsageError) console.error(error.message);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
