/**
 * Section 7 — the native plugin through the real engine (Pulumi CLI + Automation API, inline
 * programs, a throwaway file:// backend), against a no-op native provider measured in the
 * same invocation.
 *
 * Preview of P unchanged DataAssets (created by an `up` against the emulator), three ways in
 * the same rounds: the dynamic classes (`pulumi-codeocean`), the plugin's classes
 * (`pulumi-codeocean/native`, served by bin/pulumi-resource-codeocean), and a no-op native
 * provider (bench/noopPlugin: served by the same server, its check returns the inputs, its
 * diff finds no change) whose resource a program registers exactly as the plugin's DataAsset
 * registers itself — the same arguments and keys, stack captures off — so that the ratio
 * isolates what our provider costs. Then, where the time goes: each plugin started as the
 * engine starts it, then check + diff over gRPC for every resource of the exported stacks, and
 * the same calls made on the providers in-process (no gRPC, no server) (7b); and more previews
 * of each stack cut into phases at the engine's events (7c).
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import type * as grpcJs from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import { DataAsset } from "pulumi-codeocean";
import * as native from "pulumi-codeocean/native";
import { withoutStackCaptures } from "../provider/faces/register";
import type { PluginProvider, Props } from "../provider/faces/plugin/types";
import { projectSettings } from "../scripts/lib/pulumiCli";
import { builtRegistration } from "./engine";
import {
  PROJECT,
  REPO_ROOT,
  SERVER_RPS,
  TOKEN,
  assetArgs,
  benchEmulator,
  engineSession,
  journalFigures,
  timed,
} from "./harness";
import { NOOP_PACKAGE, NOOP_TYPE } from "./noopPlugin/provider";
import {
  Bar,
  BenchContext,
  SectionResult,
  Stat,
  Table,
  bar,
  fmtStat,
  num,
  ratio,
  stat,
  withTimeout,
} from "./report";
import { compileTree } from "./stateWeight";

const OP_TIMEOUT_MS = 600_000;
const BAR = 1.1;

const NOOP_SRC = path.join(REPO_ROOT, "bench", "noopPlugin");
/** Where the launcher bench/noopPlugin/pulumi-resource-noop looks for the compiled plugin. */
const NOOP_OUT = path.join(REPO_ROOT, "dist", "bench", "noopPlugin");
const LAUNCHERS = {
  native: path.join(REPO_ROOT, "bin", "pulumi-resource-codeocean"),
  noop: path.join(NOOP_SRC, "pulumi-resource-noop"),
};

const VARIANTS = {
  dynamic: "DataAsset, dynamic (pulumi-codeocean)",
  native: "DataAsset, native (pulumi-codeocean/native, our plugin)",
  noop: `no-op native provider (${NOOP_TYPE}, the bar's baseline)`,
} as const;
type Variant = keyof typeof VARIANTS;
const ORDER = Object.keys(VARIANTS) as Variant[];
type Plugin = "native" | "noop";

/** Compiles the no-op plugin next to the built dist/provider it imports. */
export function compileNoopPlugin(): void {
  compileTree(NOOP_SRC, NOOP_OUT);
}

/** The no-op resource, registered as the plugin's DataAsset registers itself (resources.ts). */
class NoopThing extends pulumi.CustomResource {
  constructor(name: string, args: Record<string, unknown>) {
    const { inputs, outputs } = builtRegistration().keys;
    const restore = withoutStackCaptures();
    try {
      super(NOOP_TYPE, name, { ...inputs, ...args, ...outputs });
    } finally {
      restore();
    }
  }
}

function program(v: Variant, count: number) {
  return async () => {
    for (let i = 0; i < count; i++) {
      const args = assetArgs(`pv-${v}-${i}`, i);
      const name = `asset-${i}`;
      if (v === "dynamic") new DataAsset(name, args);
      else if (v === "native") new native.DataAsset(name, args);
      else new NoopThing(name, args);
    }
  };
}

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Props;
  outputs?: Props;
}

/**
 * One preview cut at the engine's events (as this process receives them): until the default
 * provider's step (CLI and program start, the program's registrations, the plugin's start,
 * CheckConfig and Configure), then until the last resource's outputs (every check and diff),
 * then until the preview returns (summary, plugins stopped, CLI exit). Seconds.
 */
export interface PreviewPhases {
  toProvider: number;
  resources: number;
  tail: number;
}

/** The phases of a preview from the times (ms since its start) its events arrived. */
function phases(events: { ms: number; event: EngineEvent }[], totalMs: number): PreviewPhases {
  const urn = (e: EngineEvent) =>
    e.resourcePreEvent?.metadata.urn ?? e.resOutputsEvent?.metadata.urn ?? "";
  const provider = events.find((x) => urn(x.event).includes("::pulumi:providers:"));
  const outputs = events.filter(
    (x) =>
      x.event.resOutputsEvent &&
      !urn(x.event).includes("::pulumi:providers:") &&
      !urn(x.event).includes("::pulumi:pulumi:Stack::"),
  );
  const last = outputs.length ? outputs[outputs.length - 1].ms : NaN;
  const first = provider?.ms ?? NaN;
  return {
    toProvider: first / 1000,
    resources: (last - first) / 1000,
    tail: (totalMs - last) / 1000,
  };
}

export interface NativePreviewRound {
  /** Seconds per variant in this round. */
  seconds: Record<Variant, number>;
  apiCalls: Record<Variant, number>;
  unchanged: Record<Variant, boolean>;
}

// ---------------------------------------------------------------------------------------
// A plugin process, started and spoken to as the engine does (plugin/main.ts).

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = <T>(id: string): T => require(require.resolve(id, { paths: [pulumiDir] }));

interface PluginProcess {
  /** Spawn → the port on stdout. */
  startMs: number;
  call<T>(method: string, req: unknown): Promise<T>;
  /** As the engine stops a plugin: Cancel, close the connection, SIGINT; ms to its exit. */
  stop(): Promise<number>;
}

async function startPlugin(launcher: string, cwd: string): Promise<PluginProcess> {
  const grpc = fromPulumi<typeof grpcJs>("@grpc/grpc-js");
  const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
  const t0 = performance.now();
  const child: ChildProcess = spawn(launcher, [], { cwd, stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    const port = await withTimeout(
      `${path.basename(launcher)} printing its port`,
      60_000,
      new Promise<number>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("\n")) resolve(Number(out.slice(0, out.indexOf("\n")).trim()));
        });
        child.once("error", reject);
        child.once("exit", (code) => reject(new Error(`${launcher} exited (${code})`)));
      }),
    );
    const startMs = performance.now() - t0;
    const client = new providerGrpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    return {
      startMs,
      call: <T>(method: string, req: unknown) =>
        new Promise<T>((resolve, reject) =>
          client[method](
            req,
            new grpc.Metadata(),
            { deadline: Date.now() + 120_000 },
            (err: Error | null, resp: T) => (err ? reject(err) : resolve(resp)),
          ),
        ),
      async stop() {
        await new Promise((resolve) => client.cancel(new Empty(), resolve));
        client.close();
        const t = performance.now();
        child.kill("SIGINT");
        await withTimeout(`${path.basename(launcher)} stopping`, 10_000, exited).catch(() =>
          child.kill("SIGKILL"),
        );
        return performance.now() - t;
      },
    };
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
}

const { Struct } = fromPulumi<typeof import("google-protobuf/google/protobuf/struct_pb")>(
  "google-protobuf/google/protobuf/struct_pb.js",
);
const { Empty } = fromPulumi<typeof import("google-protobuf/google/protobuf/empty_pb")>(
  "google-protobuf/google/protobuf/empty_pb.js",
);
const struct = (p: Props) => Struct.fromJavaScript(p as never);

export interface PluginProfile {
  /** Spawn → port, then the Configure RPC, then the first check + diff (ms). */
  startMs: number[];
  configureMs: number[];
  firstCallMs: number[];
  /** check + diff over gRPC for every resource at once, ms per resource. */
  grpcMs: number[];
  /** The same calls on the provider object in this process, ms per resource. */
  inProcessMs: number[];
  /** Cancel, close, SIGINT → exit. */
  stopMs: number[];
}

const emptyProfile = (): PluginProfile => ({
  startMs: [],
  configureMs: [],
  firstCallMs: [],
  grpcMs: [],
  inProcessMs: [],
  stopMs: [],
});

/** What a preview asks of a plugin for one resource: check the stored inputs, diff the outputs. */
async function checkDiffGrpc(p: PluginProcess, r: StateResource): Promise<void> {
  const inputs = r.inputs ?? {};
  const checked = await p.call<providerPb.CheckResponse>(
    "check",
    new providerPb.CheckRequest()
      .setUrn(r.urn)
      .setType(r.type)
      .setOlds(struct(inputs))
      .setNews(struct(inputs)),
  );
  const diff = await p.call<providerPb.DiffResponse>(
    "diff",
    new providerPb.DiffRequest()
      .setId(r.id ?? "")
      .setUrn(r.urn)
      .setType(r.type)
      .setOlds(struct(r.outputs ?? {}))
      .setNews(checked.getInputs() ?? struct({}))
      .setOldInputs(struct(inputs)),
  );
  if (diff.getChanges() === providerPb.DiffResponse.DiffChanges.DIFF_SOME)
    throw new Error(`the diff of ${r.urn} found changes: ${diff.getDiffsList()}`);
}

/**
 * One run against a fresh plugin process, as a preview uses it: start, Configure, then check +
 * diff for every resource of an exported stack at once (as the engine sends them), then stop.
 */
async function profileRun(
  launcher: string,
  resources: StateResource[],
  config: Props,
  cwd: string,
  out: PluginProfile,
): Promise<void> {
  const p = await startPlugin(launcher, cwd);
  let stopped = false;
  try {
    out.startMs.push(p.startMs);
    let t = performance.now();
    await p.call("configure", new providerPb.ConfigureRequest().setArgs(struct(config)));
    out.configureMs.push(performance.now() - t);
    t = performance.now();
    await checkDiffGrpc(p, resources[0]);
    out.firstCallMs.push(performance.now() - t);
    t = performance.now();
    await Promise.all(resources.map((r) => checkDiffGrpc(p, r)));
    out.grpcMs.push((performance.now() - t) / resources.length);
    out.stopMs.push(await p.stop());
    stopped = true;
  } finally {
    if (!stopped) await p.stop().catch(() => undefined);
  }
}

/** The same calls on the provider object alone (no gRPC, no server), warm, `reps` times. */
async function profileInProcess(
  provider: PluginProvider,
  resources: StateResource[],
  config: Props,
  reps: number,
  out: PluginProfile,
): Promise<void> {
  await provider.configure(config);
  const checkDiff = async (r: StateResource) => {
    const methods = provider.resources[r.type];
    const ctx = { urn: r.urn, signal: new AbortController().signal };
    const inputs = r.inputs ?? {};
    const checked = await methods.check(inputs, inputs, ctx);
    await methods.diff(r.id ?? "", r.outputs ?? {}, checked.inputs, inputs, ctx);
  };
  await checkDiff(resources[0]);
  for (let rep = 0; rep < reps; rep++) {
    const t = performance.now();
    await Promise.all(resources.map(checkDiff));
    out.inProcessMs.push((performance.now() - t) / resources.length);
  }
}

// ---------------------------------------------------------------------------------------

function skippedResult(P: number): SectionResult {
  return {
    number: 7,
    key: "nativePlugin",
    title: "Native plugin",
    skipped:
      "no Pulumi CLI on PATH or in the cache: install it (scripts/install-pulumi-cli.sh) to run this section",
    tables: [],
    bars: [
      bar(
        7,
        `preview of ${P} unchanged DataAssets: native plugin ≤ ${BAR} × no-op native provider`,
        "not run",
        `≤ ${BAR}×`,
        null,
      ),
    ],
    data: {},
    seconds: 0,
  };
}

export async function runNativePlugin(
  ctx: BenchContext & { cliDir?: string },
): Promise<SectionResult> {
  const started = performance.now();
  const P = ctx.quick ? 20 : 200;
  const reps = ctx.quick ? 2 : 5;
  const profileReps = ctx.quick ? 2 : 3;
  if (!ctx.cliDir) return skippedResult(P);

  compileNoopPlugin();
  const emu = await benchEmulator();
  const session = await engineSession(
    ctx.cliDir,
    emu,
    projectSettings(PROJECT, REPO_ROOT, [{ name: NOOP_PACKAGE, path: NOOP_SRC }]),
  );
  const rounds: NativePreviewRound[] = [];
  const stateBytesPerResource = {} as Record<Variant, number>;
  const profiles = {} as Record<Plugin, PluginProfile>;
  const phaseRuns: Record<Variant, PreviewPhases[]> = { dynamic: [], native: [], noop: [] };
  try {
    // The stacks to preview: created once, fast (assets named pv-* are ready at once, no limit).
    ctx.log(`  §7 setting up the preview stacks (${P} resources each: ${ORDER.join(", ")})`);
    emu.admin.addOutcome({ match: { namePrefix: "pv-" }, outcome: { kind: "ready", afterMs: 0 } });
    emu.admin.setRateLimit(null);
    const stacks = {} as Record<Variant, Stack>;
    for (const v of ORDER) {
      stacks[v] = await session.stack(`native-${v}`, program(v, P));
      const up = await timed(`up of the ${v} preview stack`, OP_TIMEOUT_MS, (signal) =>
        stacks[v].up({ signal, parallel: P }),
      );
      const created = up.result.summary.resourceChanges?.create ?? 0;
      if (created < P) throw new Error(`the ${v} stack's up created ${created} of ${P}`);
      stateBytesPerResource[v] = session.stateFileBytes(`native-${v}`) / P;
    }
    emu.admin.setRateLimit({ requestsPerSecond: SERVER_RPS, retryAfter: true });

    for (let r = 0; r < reps; r++) {
      ctx.log(`  §7 preview round ${r + 1}/${reps}`);
      const round = { seconds: {}, apiCalls: {}, unchanged: {} } as NativePreviewRound;
      // Rotate and alternate the order, so a drift in machine load favours no variant.
      const rotated = [...ORDER.slice(r % ORDER.length), ...ORDER.slice(0, r % ORDER.length)];
      for (const v of r % 2 ? rotated.reverse() : rotated) {
        emu.admin.clearJournal();
        const { ms, result } = await timed(`preview of ${v}`, OP_TIMEOUT_MS, (signal) =>
          stacks[v].preview({ signal }),
        );
        round.seconds[v] = ms / 1000;
        round.apiCalls[v] = journalFigures(emu.admin.journal()).calls;
        const summary = result.changeSummary as Record<string, number>;
        round.unchanged[v] =
          summary.same === P + 1 &&
          Object.entries(summary).every(([k, n]) => k === "same" || n === 0);
      }
      rounds.push(round);
    }

    ctx.log("  §7 where the time goes: previews cut at the engine's events");
    for (let r = 0; r < profileReps; r++) {
      for (const v of r % 2 ? [...ORDER].reverse() : ORDER) {
        const events: { ms: number; event: EngineEvent }[] = [];
        const t0 = performance.now();
        const onEvent = (event: EngineEvent) => events.push({ ms: performance.now() - t0, event });
        const { ms } = await timed(`preview of ${v}`, OP_TIMEOUT_MS, (signal) =>
          stacks[v].preview({ signal, onEvent }),
        );
        phaseRuns[v].push(phases(events, ms));
      }
    }
    ctx.log("  §7 where the time goes: each plugin's start, check + diff over gRPC and in-process");
    const exported = async (v: Plugin) =>
      (
        ((await stacks[v].exportStack()).deployment as { resources?: StateResource[] }).resources ??
        []
      ).filter((r) => r.type === (v === "native" ? "codeocean:index:DataAsset" : NOOP_TYPE));
    const resources = { native: await exported("native"), noop: await exported("noop") };
    const config = { native: { domain: emu.url, token: TOKEN }, noop: {} };
    profiles.native = emptyProfile();
    profiles.noop = emptyProfile();
    for (let r = 0; r < profileReps; r++) {
      for (const p of (r % 2 ? ["noop", "native"] : ["native", "noop"]) as Plugin[])
        await profileRun(LAUNCHERS[p], resources[p], config[p], session.engine.dir, profiles[p]);
    }
    // The provider objects from the same build the launchers run.
    const built = path.join(REPO_ROOT, "dist", "provider", "faces", "plugin", "provider.js");
    await profileInProcess(
      require(built).createPluginProvider({ env: {} }),
      resources.native,
      config.native,
      profileReps,
      profiles.native,
    );
    await profileInProcess(
      require(path.join(NOOP_OUT, "provider.js")).createNoopProvider(),
      resources.noop,
      config.noop,
      profileReps,
      profiles.noop,
    );
  } finally {
    await session.close();
    await emu.stop();
  }

  const seconds = (v: Variant) => stat(rounds.map((r) => r.seconds[v]));
  // Each against the no-op of the same round, then the median over the rounds.
  const perNoop = (v: Variant) => stat(rounds.map((r) => r.seconds[v] / r.seconds.noop));
  const overNoop = (v: Variant) => stat(rounds.map((r) => r.seconds[v] - r.seconds.noop));
  const calls = (v: Variant) => Math.max(...rounds.map((r) => r.apiCalls[v]));
  const unchanged = (v: Variant) => rounds.every((r) => r.unchanged[v]);
  const nativeRatio = perNoop("native");
  const dynamicRatio = perNoop("dynamic");

  const table: Table = {
    title: `7. Native plugin: preview of ${P} unchanged DataAssets (Pulumi CLI, file:// backend)`,
    head: [
      "stack",
      "preview (s)",
      "÷ no-op native",
      "− no-op native (s)",
      "API calls",
      "state B/resource",
    ],
    rows: ORDER.map((v) => [
      VARIANTS[v] + (unchanged(v) ? "" : " (the preview reported changes!)"),
      fmtStat(seconds(v), 2),
      v === "noop" ? "–" : fmtStat(perNoop(v), 2),
      v === "noop" ? "–" : fmtStat(overNoop(v), 2),
      String(calls(v)),
      num(stateBytesPerResource[v], 0),
    ]),
    notes: [
      `${rounds.length} rounds; every round previews every stack once, in a rotating, alternating order; ÷ and − are taken within a round, the median (min–max) over rounds is shown.`,
      "The no-op provider is served by our plugin server (provider/faces/plugin/server.ts); its resource is registered with a DataAsset's arguments and keys, stack captures off, as the plugin's DataAsset is.",
      `API calls: the most any one preview made (the emulator limits the API to ${SERVER_RPS} req/s during the previews).`,
    ],
  };

  const pf = (p: Plugin, f: (x: PluginProfile) => number[]) => stat(f(profiles[p]));
  const profileRow = (what: string, f: (x: PluginProfile) => number[], digits: number) => [
    what,
    fmtStat(pf("native", f), digits),
    fmtStat(pf("noop", f), digits),
    num(pf("native", f).median - pf("noop", f).median, digits),
  ];
  const profileTable: Table = {
    title: `7b. Where a native preview's time goes (ms; ${P} resources, ${profileReps} runs)`,
    head: ["step", "our plugin", "no-op plugin", "difference"],
    rows: [
      profileRow("plugin start: spawn → port on stdout", (x) => x.startMs, 0),
      profileRow("Configure RPC", (x) => x.configureMs, 1),
      profileRow("first check + diff over gRPC", (x) => x.firstCallMs, 1),
      profileRow("check + diff over gRPC, all at once, per resource", (x) => x.grpcMs, 2),
      profileRow(
        "check + diff in-process (provider object alone), per resource",
        (x) => x.inProcessMs,
        3,
      ),
      profileRow("stop: Cancel, close, SIGINT → exit", (x) => x.stopMs, 0),
    ],
    notes: [
      "Each run starts the plugin as the engine does (its launcher, the port read from stdout), configures it, then sends check (stored inputs as olds and news) and diff (stored outputs) for every resource of the exported stack at once.",
      "In-process: the same calls on the provider objects from the same build, no gRPC and no server.",
    ],
  };

  const ph = (v: Variant, f: (x: PreviewPhases) => number) => stat(phaseRuns[v].map(f));
  const phaseDiff = (f: (x: PreviewPhases) => number) =>
    ph("native", f).median - ph("noop", f).median;
  const phaseTable: Table = {
    title: `7c. The same previews cut at the engine's events (s; ${P} resources, ${profileReps} more previews each)`,
    head: [
      "stack",
      "start → provider step",
      "provider step → last resource",
      "last resource → returned",
      "whole preview",
    ],
    rows: ORDER.map((v) => [
      VARIANTS[v],
      fmtStat(
        ph(v, (x) => x.toProvider),
        2,
      ),
      fmtStat(
        ph(v, (x) => x.resources),
        2,
      ),
      fmtStat(
        ph(v, (x) => x.tail),
        2,
      ),
      fmtStat(
        ph(v, (x) => x.toProvider + x.resources + x.tail),
        2,
      ),
    ]),
    notes: [
      "Times at which this process received the engine's events (the Automation API reads them from the CLI's event log): " +
        "until the default provider's step — the CLI's and the program's start, the program's registrations, then the plugin's start, CheckConfig and Configure; " +
        "then until the last resource's outputs — every check and diff; then until the preview returns — the summary, the plugins stopped, the CLI's exit.",
      "These previews listen to the events and are not the bar's rounds.",
    ],
  };

  const extra = (p: Plugin) =>
    pf(p, (x) => x.startMs).median +
    pf(p, (x) => x.configureMs).median +
    pf(p, (x) => x.grpcMs).median * P;
  const why =
    `Over the no-op native provider our plugin's preview took ${num(overNoop("native").median, 2)} s more for ${P} resources ` +
    `(with events: ${num(
      phaseDiff((x) => x.toProvider),
      2,
    )} s until the provider step, ${num(
      phaseDiff((x) => x.resources),
      2,
    )} s in the checks and diffs, ${num(
      phaseDiff((x) => x.tail),
      2,
    )} s after them). ` +
    `Plugin start: ${num(pf("native", (x) => x.startMs).median, 0)} ms against ${num(pf("noop", (x) => x.startMs).median, 0)} ms; ` +
    `check + diff over gRPC ${num(pf("native", (x) => x.grpcMs).median, 2)} ms against ${num(pf("noop", (x) => x.grpcMs).median, 2)} ms per resource, ` +
    `our provider's own code ${num(pf("native", (x) => x.inProcessMs).median, 3)} ms of it; ` +
    `start + configure + all calls: ${num((extra("native") - extra("noop")) / 1000, 2)} s more, at most (the calls overlap in a preview).`;
  const allUnchanged = ORDER.every(unchanged);
  const bars: Bar[] = [
    bar(
      7,
      `preview of ${P} unchanged DataAssets: native plugin ≤ ${BAR} × no-op native provider`,
      `${ratio(nativeRatio.median, BAR)}× (${num(nativeRatio.min, 2)}–${num(nativeRatio.max, 2)}); ` +
        `dynamic ${num(dynamicRatio.median, 2)}× (${num(dynamicRatio.min, 2)}–${num(dynamicRatio.max, 2)})` +
        (allUnchanged ? "" : " (a preview reported changes!)"),
      `≤ ${BAR}×`,
      nativeRatio.median <= BAR && allUnchanged,
      `${rounds.length} rounds`,
      why,
    ),
  ];
  return {
    number: 7,
    key: "nativePlugin",
    title: "Native plugin",
    tables: [table, profileTable, phaseTable],
    bars,
    data: {
      P,
      rounds,
      ratios: { nativeOverNoop: nativeRatio, dynamicOverNoop: dynamicRatio } satisfies Record<
        string,
        Stat
      >,
      stateBytesPerResource,
      profiles,
      phases: phaseRuns,
    },
    seconds: (performance.now() - started) / 1000,
  };
}
