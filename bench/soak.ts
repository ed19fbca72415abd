/**
 * Soak: many data assets through create → update → refresh → delete against the emulator
 * with ~5 % of all requests hit by injected faults of every kind, then the invariants:
 * - 0 lost: every asset the emulator holds is known to the run (or archived);
 * - 0 duplicated: the server created exactly one asset per resource;
 * - 0 leaked: the token appears in no error, log line, output or partial failure.
 *
 * Provider methods are called directly, configured from the environment, as the
 * dynamic-provider host calls them. A step that fails is retried the way Pulumi would on the
 * next `up`: a partial failure is recorded (id and properties kept) and continued with diff
 * and update; a plain failure is simply run again. Not part of CI.
 *
 *   npm run soak [-- --assets 500 --concurrency 25 --fault-rate 0.05 --seed 42]
 *
 * Exits 0 only when every resource finished and the invariants hold.
 */
import * as util from "util";
import { startEmulator } from "../emulator";
import type { FaultRule, RunningEmulator } from "../emulator";
import { PartialFailure } from "../provider/resources/partialFailure";
import { currentRuntime, dataAssetProvider as da } from "../provider/faces/dynamic/runtime";

type Props = Record<string, unknown>;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number`);
  return n;
}

const ASSETS = arg("assets", 500);
const CONCURRENCY = arg("concurrency", 25);
const FAULT_RATE = arg("fault-rate", 0.05);
const SEED = arg("seed", 42);
const MAX_UPS = arg("max-ups", 40);

const TOKEN = "cop_soakRunToken_Zq81vKx3Lp";
const BASIC = Buffer.from(`${TOKEN}:`).toString("base64");
/** Some servers and proxies echo the request: the provider must mask it. */
const ECHO = `upstream rejected the request (Authorization: Basic ${BASIC}, token=${TOKEN})`;
const PROVIDER = "exports.handler = __f0; /* soak stand-in for the serialized shim */";

/** Every fault the emulator knows, with equal shares of the fault rate. */
const FAULT_MIX: { label: string; rule: Omit<FaultRule, "probability" | "route"> }[] = [
  { label: "429 Retry-After", rule: { kind: "status", status: 429, retryAfterSeconds: 1 } },
  { label: "429", rule: { kind: "status", status: 429 } },
  { label: "500 (echo)", rule: { kind: "status", status: 500, message: ECHO } },
  { label: "502 (echo)", rule: { kind: "status", status: 502, message: ECHO } },
  { label: "503", rule: { kind: "status", status: 503 } },
  { label: "504 (echo)", rule: { kind: "status", status: 504, message: ECHO } },
  { label: "html", rule: { kind: "html", status: 502 } },
  { label: "reset-before", rule: { kind: "reset-before" } },
  { label: "reset-after", rule: { kind: "reset-after" } },
  { label: "hang-before", rule: { kind: "hang-before" } },
  { label: "hang-after", rule: { kind: "hang-after" } },
  { label: "malformed", rule: { kind: "malformed" } },
  { label: "latency", rule: { kind: "latency", latencyMs: 300 } },
];

/** Per-rule probability so that 1 - Π(1 - p) = FAULT_RATE (rules are drawn in order). */
function faultRules(): FaultRule[] {
  const p = 1 - Math.pow(1 - FAULT_RATE, 1 / FAULT_MIX.length);
  return FAULT_MIX.map(({ rule }) => ({ ...rule, route: "*", probability: p }));
}

// ---------------------------------------------------------------------------------------
// The simulated stack

type Step = "create" | "update" | "refresh" | "delete" | "done";
const STEPS: Step[] = ["create", "update", "refresh", "delete", "done"];

interface Resource {
  index: number;
  name: string;
  onDelete: "archive" | "delete" | "retain";
  step: Step;
  /** What Pulumi's state holds for it (after create, or a partial failure). */
  state?: { id: string; outs: Props; initErrors: boolean };
  /** Every id the provider ever reported for this resource. */
  ids: Set<string>;
}

const ops: Record<string, number> = {};
const failures: Record<string, number> = {};
const texts: string[] = []; // every error, log line and output, scanned for the token
let partialFailures = 0;
let maskedEchoes = 0;

const count = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

function declared(r: Resource, version: 1 | 2): Props {
  return {
    __provider: PROVIDER,
    name: r.name,
    mount: r.name,
    description: version === 1 ? "soak asset" : "soak asset, updated",
    tags: version === 1 ? ["soak"] : ["soak", "updated"],
    // A third of the assets carry custom metadata, so check's schema look-up is exercised.
    customMetadata:
      r.index % 3 === 0 ? { "subject id": `S-${r.index}`, replicates: version === 1 ? 1 : 2 } : {},
    source: {
      aws: { bucket: "acme-soak-reads", prefix: `run-${r.index}/`, keepOnExternalStorage: true },
    },
    onDelete: r.onDelete,
  };
}

async function op<T>(name: string, run: () => Promise<T>): Promise<T> {
  count(ops, name);
  return run();
}

async function checked(olds: Props, news: Props): Promise<Props> {
  const r = await op("check", () => da.check(olds, news));
  if (r.failures.length) throw new Error(`check failed: ${JSON.stringify(r.failures)}`);
  return r.inputs;
}

/** The next step of one resource, as the next `pulumi up` (or refresh/destroy) would run it. */
async function advance(r: Resource): Promise<void> {
  switch (r.step) {
    case "create": {
      const inputs = await checked(r.state?.outs ?? {}, declared(r, 1));
      if (r.state) {
        // Recorded with init errors by an earlier up: diff, then update.
        const diff = await op("diff", () => da.diff(r.state!.id, r.state!.outs, inputs));
        if (diff.changes) await update(r, inputs);
      } else {
        const { id, outs } = await op("create", () => da.create(inputs));
        r.ids.add(id);
        r.state = { id, outs: { ...outs, __provider: PROVIDER }, initErrors: false };
        texts.push(JSON.stringify(outs));
      }
      r.state!.initErrors = false;
      return;
    }
    case "update": {
      const inputs = await checked(r.state!.outs, declared(r, 2));
      const diff = await op("diff", () => da.diff(r.state!.id, r.state!.outs, inputs));
      if (diff.replaces.length)
        throw new Error(`unexpected replace of ${r.name}: ${diff.replaces}`);
      if (diff.changes) await update(r, inputs);
      return;
    }
    case "refresh": {
      const { id, props, inputs } = await op("read", () => da.read(r.state!.id, r.state!.outs));
      texts.push(JSON.stringify(props), JSON.stringify(inputs));
      if (id === "") {
        // Dropped from the state although nothing deleted it: that would lose the asset.
        count(failures, "refresh dropped a live asset");
        r.state = undefined;
        r.step = "done";
        return;
      }
      r.state!.outs = { ...props, __provider: PROVIDER };
      return;
    }
    case "delete": {
      await op("delete", () => da.delete(r.state!.id, r.state!.outs));
      r.state = undefined;
      return;
    }
  }
}

async function update(r: Resource, inputs: Props): Promise<void> {
  try {
    const { outs } = await op("update", () => da.update(r.state!.id, r.state!.outs, inputs));
    r.state!.outs = { ...outs, __provider: PROVIDER };
    texts.push(JSON.stringify(outs));
  } catch (error) {
    if (error instanceof PartialFailure) r.state!.outs = error.properties;
    throw error;
  }
}

function recordFailure(r: Resource, error: unknown): void {
  const e = error as Error;
  const dumped = `${util.inspect(e, { depth: 20, breakLength: Infinity })}\n${e?.stack ?? ""}`;
  texts.push(dumped);
  if (String(e?.message).includes("Basic ***")) maskedEchoes++;
  const kind = e?.constructor?.name ?? typeof e;
  count(failures, `${r.step}: ${kind}`);
  if (error instanceof PartialFailure) {
    partialFailures++;
    r.ids.add(error.id);
    texts.push(JSON.stringify(error.properties));
    if (r.step === "create" && !r.state)
      r.state = { id: error.id, outs: error.properties, initErrors: true };
  }
}

async function pool<T>(items: T[], n: number, work: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

// ---------------------------------------------------------------------------------------
// Invariants

function invariants(emu: RunningEmulator, resources: Resource[]) {
  const owner = new Map<string, Resource>();
  let duplicated = 0;
  for (const r of resources) {
    if (r.ids.size > 1) duplicated += r.ids.size - 1;
    for (const id of r.ids) owner.set(id, r);
  }
  // What the server created, from its journal (a create hidden by a fault is journaled too).
  const created = new Map<string, string>();
  for (const e of emu.admin.journal())
    if (e.route === "POST /data_assets" && e.assetId) created.set(e.assetId, e.path);
  const createdPerName = new Map<string, number>();
  const assets = new Map(emu.admin.assets().map((a) => [a.id, a]));
  for (const id of created.keys()) {
    const a = assets.get(id);
    const name = a?.name ?? owner.get(id)?.name ?? `(deleted ${id})`;
    createdPerName.set(name, (createdPerName.get(name) ?? 0) + 1);
  }
  for (const n of createdPerName.values()) if (n > 1) duplicated += n - 1;

  const lost: string[] = [];
  for (const a of assets.values()) {
    const r = owner.get(a.id);
    const retained = r?.onDelete === "retain" && r.step === "done";
    if (!a.archived && !retained && !(r && r.state?.id === a.id))
      lost.push(`${a.id} (${a.name}, ${a.state})`);
  }
  // Every server-side create must belong to some resource.
  for (const id of created.keys()) if (!owner.has(id)) lost.push(`${id} (created, never known)`);

  const leaked = texts.filter((t) => t.includes(TOKEN) || t.includes(BASIC)).length;
  const incomplete = resources.filter((r) => r.step !== "done").length;
  return {
    lost: [...new Set(lost)],
    duplicated,
    leaked,
    incomplete,
    serverCreates: created.size,
  };
}

// ---------------------------------------------------------------------------------------

function table(rows: [string, string | number][]): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join("\n");
}

async function main(): Promise<void> {
  const started = Date.now();
  const emu = await startEmulator({
    port: 0,
    tokens: [TOKEN],
    readyAfterMs: 200,
    attachReadyAfterMs: 100,
    faultSeed: SEED,
  });
  Object.assign(process.env, {
    CODEOCEAN_DOMAIN: emu.url,
    CODEOCEAN_API_TOKEN: TOKEN,
    CODEOCEAN_MIN_POLL_INTERVAL_SECONDS: "0.1",
    CODEOCEAN_REQUEST_TIMEOUT_SECONDS: "2",
    CODEOCEAN_REQUESTS_PER_SECOND: "200",
    CODEOCEAN_MAX_CONCURRENT_REQUESTS: "32",
  });
  // The provider's own log lines (e.g. a schema look-up that failed) are kept and scanned.
  const logs: string[] = [];
  console.error = (...a: unknown[]) => void logs.push(a.map(String).join(" "));
  console.warn = console.error;

  const resources: Resource[] = Array.from({ length: ASSETS }, (_, i) => ({
    index: i,
    name: `soak-${String(i).padStart(4, "0")}`,
    onDelete: i % 10 === 9 ? "retain" : i % 2 ? "delete" : "archive",
    step: "create",
    ids: new Set(),
  }));

  emu.admin.setFaults(faultRules());
  let ups = 0;
  const stepDone: Record<string, number> = {};
  while (resources.some((r) => r.step !== "done") && ups < MAX_UPS) {
    ups++;
    const pending = resources.filter((r) => r.step !== "done");
    await pool(pending, CONCURRENCY, async (r) => {
      // Each `up` moves every resource as far as it gets; a failure waits for the next up.
      while (r.step !== "done") {
        try {
          await advance(r);
          count(stepDone, r.step);
          r.step = STEPS[STEPS.indexOf(r.step) + 1];
        } catch (error) {
          recordFailure(r, error);
          return;
        }
      }
    });
    process.stdout.write(
      `  up ${ups}: ${resources.filter((r) => r.step === "done").length}/${ASSETS} done, ` +
        `${currentRuntime().client.stats.requests} requests, ${currentRuntime().client.stats.retries} retries, ${Math.round((Date.now() - started) / 1000)} s\n`,
    );
  }
  emu.admin.clearFaults();
  texts.push(...logs);

  const journal = emu.admin.journal();
  const injected: Record<string, number> = {};
  for (const e of journal)
    if (e.fault)
      count(
        injected,
        e.fault === "status" || e.fault === "html" ? `${e.fault} ${e.status}` : e.fault,
      );
  const inv = invariants(emu, resources);
  // The provider runtime's throttle: the one budget every resource spent.
  const throttle = currentRuntime().client.throttle;
  const seconds = (Date.now() - started) / 1000;
  await emu.stop();

  const totalOps = Object.values(ops).reduce((a, b) => a + b, 0);
  const totalFailures = Object.values(failures).reduce((a, b) => a + b, 0);
  const ok =
    inv.lost.length === 0 && inv.duplicated === 0 && inv.leaked === 0 && inv.incomplete === 0;
  console.log(
    [
      "",
      `Soak: ${ASSETS} assets, concurrency ${CONCURRENCY}, fault rate ${FAULT_RATE * 100} % over ${FAULT_MIX.length} fault kinds (seed ${SEED})`,
      "",
      "operations (provider method calls)",
      table([
        ...Object.entries(ops).map(([k, v]) => [k, v] as [string, number]),
        ["total", totalOps],
        ["ups (rounds) needed", ups],
      ]),
      "",
      "HTTP (client transport)",
      table([
        ["requests", currentRuntime().client.stats.requests],
        ["retries", currentRuntime().client.stats.retries],
        ["429 answers", currentRuntime().client.stats.rateLimited],
        [
          "adaptive request rate at the end",
          `${throttle.currentRate.toFixed(1)} req/s (started at 200; injected 429s lower it)`,
        ],
        ["errors surfaced by the transport", currentRuntime().client.stats.errors],
        ["requests the emulator journaled", journal.length],
        ["server-side creates", inv.serverCreates],
      ]),
      "",
      "faults injected (emulator journal)",
      table([
        ...Object.entries(injected).map(([k, v]) => [k, v] as [string, number]),
        ["total", Object.values(injected).reduce((a, b) => a + b, 0)],
        [
          "share of requests",
          `${((100 * Object.values(injected).reduce((a, b) => a + b, 0)) / journal.length).toFixed(1)} %`,
        ],
      ]),
      "",
      "failures surfaced to Pulumi (retried on the next up)",
      table([
        ...Object.entries(failures).map(([k, v]) => [k, v] as [string, number]),
        ["total", totalFailures],
        ["of which partial failures (recorded in state)", partialFailures],
        ["errors quoting a masked echo of the token", maskedEchoes],
        ["provider log lines", logs.length],
      ]),
      "",
      "invariants",
      table([
        ["lost (live asset unknown to the stack)", inv.lost.length],
        ["duplicated (extra asset for one resource)", inv.duplicated],
        ["leaked (token in an error, log or output)", inv.leaked],
        ["resources not finished", inv.incomplete],
      ]),
      ...(inv.lost.length ? ["", "lost:", ...inv.lost.slice(0, 20).map((l) => `  ${l}`)] : []),
      "",
      `wall time ${seconds.toFixed(1)} s — ${ok ? "PASS" : "FAIL"}`,
    ].join("\n"),
  );
  process.exit(ok ? 0 : 1);
}

main().catch((e: unknown) => {
  process.stderr.write(`soak crashed: ${String((e as Error)?.stack ?? e)}\n`);
  process.exit(2);
});
