/**
 * Section 5 — through the real engine (Pulumi CLI + Automation API, inline programs, a
 * throwaway file:// backend), each figure against a trivial no-op dynamic provider measured
 * in the same invocation.
 *
 * - Preview of an unchanged stack of P DataAssets: API calls (the one credentials check, none
 *   per asset) and time ÷ the same
 *   preview of P no-op resources with the same inputs. Runs alternate ours / no-op.
 * - `up` of U new DataAssets (ready 5 s after creation, server limited to 20 req/s): wall ÷
 *   (the no-op `up` of U + ideal), ideal = max(5 s, 2U ÷ 20 req/s). Both ups run with
 *   `--parallel U`: the engine's default (4 × CPUs) would cap how many creates wait at once.
 *   In full mode one more `up` with the default parallelism shows that cap's cost.
 */
import * as os from "os";
import type { Stack } from "@pulumi/pulumi/automation";
import { DataAsset } from "pulumi-codeocean";
import type { RunningEmulator } from "../emulator";
import {
  NoopResource,
  REPO_ROOT,
  SERVER_RPS,
  assetArgs,
  benchEmulator,
  builtShims,
  configuredHost,
  engineSession,
  idealSeconds,
  journalFigures,
  timed,
} from "./harness";
import { withoutStackCaptures } from "../provider/faces/register";
import { Registration, dataAssetWithStackCaptures } from "../test/helpers/registration";
import { Bar, BenchContext, SectionResult, Table, bar, fmtStat, num, ratio, stat } from "./report";

const OP_TIMEOUT_MS = 600_000;

type Kind = "ours" | "noop";

/**
 * The stacks a preview is measured on. `ours` and `noop` make the bar; the others isolate
 * one cost each (§5b), with the same inputs and the same number of resources.
 */
const PREVIEW_VARIANTS = {
  ours: "DataAsset as shipped",
  noop: "the no-op provider (the bar's baseline)",
  oursStacks:
    "DataAsset registered as 0.2.0 did: the same shim and keys, the SDK's stack captures on",
  noopKeys: "no-op + the ~30 keys a DataAsset registers (its Outputs), stack captures on",
  noopWeight: "no-op + padding to a DataAsset's state weight",
  noopQuiet: "no-op, stack captures off",
} as const;
type Variant = keyof typeof PREVIEW_VARIANTS;
const VARIANTS = Object.keys(PREVIEW_VARIANTS) as Variant[];

let built:
  (Registration & { WithStackCaptures: ReturnType<typeof dataAssetWithStackCaptures> }) | undefined;

/** The built package's DataAsset shim and registered keys (what `DataAsset` passes the SDK), once. */
export function builtRegistration() {
  if (!built) {
    const dir = `${REPO_ROOT}/dist/provider`;
    const { dataAssetResource } = require(`${dir}/resources/dataAsset/table.js`);
    const { registeredKeys } = require(`${dir}/declare/fields.js`);
    const registration: Registration = {
      shim: builtShims().dataAsset,
      keys: registeredKeys(dataAssetResource),
    };
    built = { ...registration, WithStackCaptures: dataAssetWithStackCaptures(registration) };
  }
  return built;
}

class QuietNoopResource extends NoopResource {
  constructor(name: string, props: Record<string, unknown>) {
    const restore = withoutStackCaptures();
    try {
      super(name, props);
    } finally {
      restore();
    }
  }
}

function program(kind: Variant, prefix: string, count: number, pad = "") {
  return async () => {
    const { keys, WithStackCaptures } = builtRegistration();
    for (let i = 0; i < count; i++) {
      const args = assetArgs(`${prefix}-${i}`, i);
      const name = `asset-${i}`;
      if (kind === "ours") new DataAsset(name, args);
      else if (kind === "oursStacks") new WithStackCaptures(name, args);
      else if (kind === "noopKeys")
        new NoopResource(name, { ...keys.inputs, ...args, ...keys.outputs });
      else if (kind === "noopWeight") new NoopResource(name, { ...args, pad });
      else if (kind === "noopQuiet") new QuietNoopResource(name, args);
      else new NoopResource(name, args);
    }
  };
}

export interface PreviewRun {
  apiCalls: number;
  unchanged: boolean;
  /** Seconds per variant in this round (ours and noop included). */
  variants: Record<Variant, number>;
}

/** Replaces Pulumi's secret envelopes (ciphertext in an export) by "", so the host can take them. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") {
    if ("4dabf18193072939515e22adb298388d" in v) return "";
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

interface StateResource {
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/**
 * What a preview asks of the provider host per resource (check, then diff against the stored
 * outputs), for every resource of an exported stack at once; ms per resource, warm host.
 */
async function hostCheckDiffMs(
  emu: RunningEmulator,
  stacks: { kind: Kind; type: string; resources: StateResource[] }[],
  reps: number,
): Promise<Record<Kind, number[]>> {
  const host = await configuredHost(emu);
  const times: Record<Kind, number[]> = { ours: [], noop: [] };
  try {
    const call = async (type: string, r: StateResource) => {
      const inputs = plain(r.inputs ?? {}) as Record<string, unknown>;
      const checked = await host.check(type, inputs, inputs);
      await host.diff(
        type,
        r.id ?? "",
        plain(r.outputs ?? {}) as Record<string, unknown>,
        checked.inputs,
      );
    };
    for (const s of stacks) await call(s.type, s.resources[0]); // warm: deserialize + configure
    for (let r = 0; r < reps; r++) {
      for (const s of r % 2 ? [...stacks].reverse() : stacks) {
        const t0 = performance.now();
        await Promise.all(s.resources.map((res) => call(s.type, res)));
        times[s.kind].push((performance.now() - t0) / s.resources.length);
      }
    }
  } finally {
    await host.stop();
  }
  return times;
}

export interface UpRun {
  oursS: number;
  noopS: number;
  idealS: number;
  ratio: number;
  calls: number;
  rateLimited: number;
  created: number;
  parallel: number | "default";
}

export async function runEngine(ctx: BenchContext & { cliDir?: string }): Promise<SectionResult> {
  const started = performance.now();
  const P = ctx.quick ? 20 : 200;
  const U = ctx.quick ? 20 : 100;
  const previewReps = ctx.quick ? 2 : 5;
  const upReps = ctx.quick ? 1 : 3;
  if (!ctx.cliDir) {
    return {
      number: 5,
      key: "engine",
      title: "Through the real engine",
      skipped:
        "no Pulumi CLI on PATH or in the cache: install it (scripts/install-pulumi-cli.sh) to run this section",
      tables: [],
      bars: [
        bar(
          5,
          `preview of ${P} unchanged: 1 API call (the credentials check)`,
          "not run",
          "1",
          null,
        ),
        bar(5, `preview of ${P}: time ≤ 1.2 × no-op`, "not run", "≤ 1.2×", null),
        bar(5, `up of ${U} new: wall ≤ 1.3 × (no-op + ideal)`, "not run", "≤ 1.3×", null),
      ],
      data: {},
      seconds: 0,
    };
  }

  const emu = await benchEmulator();
  const session = await engineSession(ctx.cliDir, emu);
  const previews: PreviewRun[] = [];
  const ups: UpRun[] = [];
  let defaultParallelUp: UpRun | undefined;
  const stateBytesPerResource = {} as Record<Variant, number>;
  let hostMs: Record<Kind, number[]> = { ours: [], noop: [] };
  try {
    // The stacks to preview: created once, fast (assets named pv-* are ready at once, no limit).
    ctx.log(
      `  §5 setting up the preview stacks (${P} resources each, ${VARIANTS.length} variants)`,
    );
    emu.admin.addOutcome({ match: { namePrefix: "pv-" }, outcome: { kind: "ready", afterMs: 0 } });
    emu.admin.setRateLimit(null);
    const stacks = {} as Record<Variant, Stack>;
    const setUp = async (v: Variant, pad?: string) => {
      stacks[v] = await session.stack(`preview-${v}`, program(v, `pv${v}`, P, pad));
      await timed(`up of the ${v} preview stack`, OP_TIMEOUT_MS, (signal) =>
        stacks[v].up({ signal, parallel: P }),
      );
      stateBytesPerResource[v] = session.stateFileBytes(`preview-${v}`) / P;
    };
    for (const v of VARIANTS) if (v !== "noopWeight") await setUp(v);
    // The padding is stored twice (inputs and the echoed outputs), as `__provider` is.
    const padChars = Math.max(0, (stateBytesPerResource.ours - stateBytesPerResource.noop) / 2);
    await setUp("noopWeight", "x".repeat(Math.round(padChars)));
    emu.admin.setRateLimit({ requestsPerSecond: SERVER_RPS, retryAfter: true });

    for (let r = 0; r < previewReps; r++) {
      ctx.log(`  §5 preview round ${r + 1}/${previewReps}`);
      const times = {} as Record<Variant, number>;
      let apiCalls = 0;
      let unchanged = true;
      // Rotate and alternate the order, so a drift in machine load favours no variant.
      const rotated = [
        ...VARIANTS.slice(r % VARIANTS.length),
        ...VARIANTS.slice(0, r % VARIANTS.length),
      ];
      for (const v of r % 2 ? rotated.reverse() : rotated) {
        emu.admin.clearJournal();
        const { ms, result } = await timed(`preview of ${v}`, OP_TIMEOUT_MS, (signal) =>
          stacks[v].preview({ signal }),
        );
        times[v] = ms / 1000;
        if (v === "ours" || v === "oursStacks")
          apiCalls = Math.max(apiCalls, journalFigures(emu.admin.journal()).calls);
        const summary = result.changeSummary as Record<string, number>;
        const changed = Object.entries(summary).filter(([k, n]) => k !== "same" && n > 0);
        if (changed.length || summary.same !== P + 1) unchanged = false;
      }
      previews.push({
        apiCalls,
        unchanged,
        variants: times,
      });
    }

    ctx.log("  §5 where preview time goes: state size, check + diff through the host");
    const exported = async (kind: Kind) =>
      (
        ((await stacks[kind].exportStack()).deployment as { resources?: StateResource[] })
          .resources ?? []
      ).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
    hostMs = await hostCheckDiffMs(
      emu,
      [
        { kind: "ours", type: "DataAsset", resources: await exported("ours") },
        { kind: "noop", type: "Noop", resources: await exported("noop") },
      ],
      ctx.quick ? 2 : 3,
    );

    const upOnce = async (r: number, parallel: number | "default"): Promise<UpRun> => {
      const par = parallel === "default" ? undefined : parallel;
      const tag = `${r}${parallel === "default" ? "d" : ""}`;
      const noopStack = await session.stack(`up-noop-${tag}`, program("noop", `upn${tag}`, U));
      const noop = await timed("no-op up", OP_TIMEOUT_MS, (signal) =>
        noopStack.up({ signal, parallel: par }),
      );
      const oursStack = await session.stack(`up-ours-${tag}`, program("ours", `up${tag}`, U));
      emu.admin.clearJournal();
      const ours = await timed("up", OP_TIMEOUT_MS, (signal) =>
        oursStack.up({ signal, parallel: par }),
      );
      const f = journalFigures(emu.admin.journal());
      // The stacks are not destroyed: removing them keeps the backend small; the emulator goes away.
      await noopStack.workspace.removeStack(`up-noop-${tag}`, { force: true });
      await oursStack.workspace.removeStack(`up-ours-${tag}`, { force: true });
      const idealS = idealSeconds(U);
      return {
        oursS: ours.ms / 1000,
        noopS: noop.ms / 1000,
        idealS,
        ratio: ours.ms / 1000 / (noop.ms / 1000 + idealS),
        calls: f.calls,
        rateLimited: f.rateLimited,
        created: ours.result.summary.resourceChanges?.create ?? 0,
        parallel,
      };
    };
    for (let r = 0; r < upReps; r++) {
      ctx.log(`  §5 up of ${U}, run ${r + 1}/${upReps}`);
      ups.push(await upOnce(r, U));
      ctx.log(`     ${num(ups[r].oursS, 1)} s vs no-op ${num(ups[r].noopS, 1)} s`);
    }
    if (!ctx.quick) {
      ctx.log(`  §5 up of ${U} with the engine's default parallelism`);
      defaultParallelUp = await upOnce(upReps, "default");
    }
  } finally {
    await session.close();
    await emu.stop();
  }

  const pv = (f: (r: PreviewRun) => number) => stat(previews.map(f));
  const up = (f: (r: UpRun) => number) => stat(ups.map(f));
  const previewRatio = pv((r) => r.variants.ours / r.variants.noop);
  const upRatio = up((r) => r.ratio);
  const previewCalls = Math.max(...previews.map((r) => r.apiCalls));
  const allUnchanged = previews.every((r) => r.unchanged);
  // The stack resource itself is one of the creates.
  const allCreated = ups.every((r) => r.created >= U);
  const rows: string[][] = [
    [
      `preview, ${P} unchanged resources`,
      String(previews.length),
      fmtStat(
        pv((r) => r.variants.ours),
        2,
      ),
      fmtStat(
        pv((r) => r.variants.noop),
        2,
      ),
      "–",
      fmtStat(previewRatio, 2),
      String(previewCalls),
    ],
    [
      `up, ${U} new assets (--parallel ${U})`,
      String(ups.length),
      fmtStat(
        up((r) => r.oursS),
        1,
      ),
      fmtStat(
        up((r) => r.noopS),
        1,
      ),
      num(idealSeconds(U), 1),
      fmtStat(upRatio, 2),
      fmtStat(
        up((r) => r.calls),
        0,
      ),
    ],
  ];
  if (defaultParallelUp) {
    rows.push([
      `up, ${U} new assets (engine default parallelism, 4 × ${os.cpus().length} CPUs)`,
      "1",
      num(defaultParallelUp.oursS, 1),
      num(defaultParallelUp.noopS, 1),
      num(defaultParallelUp.idealS, 1),
      num(defaultParallelUp.ratio, 2),
      String(defaultParallelUp.calls),
    ]);
  }
  const table: Table = {
    title: "5. Through the real engine (Pulumi CLI, file:// backend)",
    head: ["scenario", "runs", "ours (s)", "no-op (s)", "ideal (s)", "ratio", "API calls"],
    rows,
    notes: [
      "preview ratio = ours ÷ no-op (median of paired, alternating runs); up ratio = ours ÷ (no-op up + ideal), ideal = max(5 s, 2U ÷ 20 req/s).",
      "The no-op provider echoes its inputs from create and has no check or diff; it gets the same inputs.",
      `Assets are ready ${5} s after creation; the emulator limits the API to ${SERVER_RPS} req/s during the measured previews and ups.`,
    ],
  };
  const hostStat = { ours: stat(hostMs.ours), noop: stat(hostMs.noop) };
  const variantS = (v: Variant) => stat(previews.map((r) => r.variants[v]));
  // Each variant against the no-op of the same round, then the median over the rounds.
  const overNoop = (v: Variant) => stat(previews.map((r) => r.variants[v] - r.variants.noop));
  const perNoop = (v: Variant) => stat(previews.map((r) => r.variants[v] / r.variants.noop));
  const attribution: Table = {
    title: `5b. Where the preview time goes (${P} resources, the same ${previews.length} rounds)`,
    head: ["stack", "preview (s)", "− no-op (s)", "÷ no-op", "state B/resource"],
    rows: VARIANTS.map((v) => [
      PREVIEW_VARIANTS[v],
      fmtStat(variantS(v), 2),
      v === "noop" ? "–" : fmtStat(overNoop(v), 2),
      v === "noop" ? "–" : fmtStat(perNoop(v), 2),
      num(stateBytesPerResource[v], 0),
    ]).concat([
      [
        "check + diff through the provider host, per resource, all at once (ms)",
        `ours ${fmtStat(hostStat.ours, 2)}`,
        `no-op ${fmtStat(hostStat.noop, 2)}`,
        "",
        "",
      ],
    ]),
    notes: [
      "Every round previews every stack once, in a rotating order; − and ÷ are taken within a round, the median over rounds is shown.",
      "Stack captures: Pulumi's Node SDK takes `new Error().stack` for each of the 4 promises behind every registered property; under ts-node (how the language host runs TypeScript, and how this bench runs) source-map-support maps every frame. DataAsset now registers with `Error.stackTraceLimit` at 0 (provider/resources/register.ts).",
      "check + diff replay what a preview asks of the host for each resource of the exported stacks, against a warm host.",
    ],
  };
  const split = {
    before: overNoop("oursStacks").median,
    outputs: overNoop("noopKeys").median,
    weight: overNoop("noopWeight").median,
    host: ((hostStat.ours.median - hostStat.noop.median) * P) / 1000,
    bought: stat(previews.map((r) => r.variants.oursStacks - r.variants.ours)).median,
    baseline: -overNoop("noopQuiet").median,
  };
  const previewWhy =
    `Registered as 0.2.0 did, ours took ${num(split.before, 2)} s more than the no-op for ${P} resources. ` +
    `The ~30 registered keys on a no-op cost ${num(split.outputs, 2)} s (the SDK's stack captures, 4 per key); ` +
    `our state weight on a no-op ${num(split.weight, 2)} s; our check + diff in the host at most ${num(split.host, 2)} s (the calls overlap). ` +
    `Registering without stack captures bought ${num(split.bought, 2)} s; the no-op baseline itself spends ${num(split.baseline, 2)} s on them.`;
  const bars: Bar[] = [
    bar(
      5,
      `preview of ${P} unchanged DataAssets: 1 API call (the credentials check), none per asset`,
      `${previewCalls}${allUnchanged ? "" : " (the preview reported changes!)"}`,
      "1",
      previewCalls <= 1 && allUnchanged,
    ),
    bar(
      5,
      `preview of ${P}: time ≤ 1.2 × no-op`,
      `${ratio(previewRatio.median, 1.2)}× (${num(previewRatio.min, 2)}–${num(previewRatio.max, 2)})`,
      "≤ 1.2×",
      previewRatio.median <= 1.2,
      undefined,
      previewWhy,
    ),
    bar(
      5,
      `up of ${U} new DataAssets: wall ≤ 1.3 × (no-op + ideal)`,
      `${ratio(upRatio.median, 1.3)}×${allCreated ? "" : " (not all created!)"}`,
      "≤ 1.3×",
      upRatio.median <= 1.3 && allCreated,
      `with --parallel ${U}`,
      `Ours took ${num(up((r) => r.oursS).median, 1)} s against a no-op up of ${num(up((r) => r.noopS).median, 1)} s plus the ${num(idealSeconds(U), 1)} s ideal, ` +
        `with ${num(up((r) => r.calls).median, 0)} API calls (${num(up((r) => r.rateLimited).median, 0)} refused with 429). ` +
        "The POSTs are paced by the client's adaptive rate, which starts at 10 req/s, doubles per second until the first 429 and is never told the server's 20.",
    ),
  ];
  return {
    number: 5,
    key: "engine",
    title: "Through the real engine",
    tables: [table, attribution],
    bars,
    data: {
      P,
      U,
      previews,
      ups,
      defaultParallelUp: defaultParallelUp ?? null,
      stateBytesPerResource,
      hostCheckDiffMs: hostMs,
    },
    seconds: (performance.now() - started) / 1000,
  };
}
