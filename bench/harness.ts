/**
 * What the server-backed sections share: the emulator, the real dynamic-provider host
 * (test/helpers/host.ts), the serialized shims of the built package, journal arithmetic, and
 * the Pulumi engine (Automation API, inline programs, throwaway file:// backend).
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, ProjectSettings, Stack } from "@pulumi/pulumi/automation";
import {
  DEFAULT_EMULATOR_TOKEN,
  EmulatorOptions,
  JournalEntry,
  RunningEmulator,
  startEmulator,
} from "../emulator";
import { EngineEnv, REPO_ROOT, engineEnv } from "../scripts/lib/pulumiCli";
import { Host, serializeProvider, startHost } from "../test/helpers/host";
import { withTimeout } from "./report";

export { REPO_ROOT, DEFAULT_EMULATOR_TOKEN as TOKEN };

/** The emulator of sections 2 and 5: assets ready 5 s after creation, 20 requests/s with Retry-After. */
export const READY_AFTER_MS = 5_000;
export const SERVER_RPS = 20;

export function benchEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({
    port: 0,
    readyAfterMs: READY_AFTER_MS,
    rateLimit: { requestsPerSecond: SERVER_RPS, retryAfter: true },
    ...opts,
  });
}

/** Runs `fn` against a fresh bench emulator (`opts` over benchEmulator's), stopped afterwards. */
export async function withBenchEmulator<T>(
  opts: EmulatorOptions,
  fn: (emu: RunningEmulator) => Promise<T>,
): Promise<T> {
  const emu = await benchEmulator(opts);
  try {
    return await fn(emu);
  } finally {
    await emu.stop();
  }
}

/**
 * The best any client could do for N creates against a server limited to 20 requests/s,
 * in seconds, counting the creates themselves: every POST passes the limit ((N − 1) ÷ 20 s
 * for the last one to leave, the server's burst aside), the last asset is ready 5 s after its
 * POST, and at least 2 calls per asset (the POST and one GET that sees it ready) pass the
 * limit in all.
 */
export const idealSeconds = (assets: number) =>
  Math.max((assets - 1) / SERVER_RPS + READY_AFTER_MS / 1000, (2 * assets) / SERVER_RPS);

/** The built package as a user installs it (node_modules/pulumi-codeocean → this checkout). */
export function builtShims(root = REPO_ROOT): {
  dataAsset: pulumi.dynamic.ResourceProvider;
  capsuleAttachment: pulumi.dynamic.ResourceProvider;
} {
  const dir = path.join(root, "dist", "provider", "faces", "dynamic");
  return {
    dataAsset: require(path.join(dir, "dataAsset.js")).dataAssetShim,
    capsuleAttachment: require(path.join(dir, "capsuleAttachment.js")).capsuleAttachmentShim,
  };
}

let cachedProviders: { dataAsset: string; capsuleAttachment: string } | undefined;

/** The `__provider` texts the SDK stores for each resource type. */
export async function providerTexts(): Promise<{ dataAsset: string; capsuleAttachment: string }> {
  if (!cachedProviders) {
    const shims = builtShims();
    cachedProviders = {
      dataAsset: await serializeProvider(shims.dataAsset),
      capsuleAttachment: await serializeProvider(shims.capsuleAttachment),
    };
  }
  return cachedProviders;
}

/** DataAsset inputs as a program would declare them (an external S3 dataset). */
export function assetArgs(name: string, i: number) {
  return {
    name,
    mount: `m${i}`,
    tags: ["bench"],
    source: {
      aws: { bucket: "acme-rna-reads", prefix: `runs/${i}/`, keepOnExternalStorage: true },
    },
  };
}

/** A fresh provider host configured for `emu` the way the engine does it (stack config). */
export async function configuredHost(emu: RunningEmulator): Promise<Host> {
  const host = await withTimeout("starting the provider host", 60_000, startHost());
  try {
    await host.configure({
      "codeocean:domain": emu.url,
      "codeocean:token": DEFAULT_EMULATOR_TOKEN,
    });
  } catch (error) {
    await host.stop();
    throw error;
  }
  return host;
}

/** Runs `fn` with a fresh provider host configured for `emu`, stopped afterwards. */
export async function withConfiguredHost<T>(
  emu: RunningEmulator,
  fn: (host: Host) => Promise<T>,
): Promise<T> {
  const host = await configuredHost(emu);
  try {
    return await fn(host);
  } finally {
    await host.stop();
  }
}

export interface ConcurrentCreates {
  results: PromiseSettledResult<{ id: string; properties: Record<string, unknown> }>[];
  wallS: number;
  /** Epoch ms when the creates started (journal times are epoch ms). */
  startedEpoch: number;
  failedCreates: number;
  /** The first rejection's message, when there was one. */
  firstError?: string;
}

/**
 * What the engine does for N new resources of one type: check each (untimed), then create
 * all at once, timed. The emulator's journal is cleared just before the creates.
 */
export async function checkThenCreateAll(
  host: Host,
  emu: RunningEmulator,
  type: "DataAsset" | "CapsuleAttachment",
  news: Record<string, unknown>[],
  timeoutMs: number,
): Promise<ConcurrentCreates> {
  const checked = await Promise.all(
    news.map(async (props) => {
      const r = await host.check(type, {}, props);
      if (r.failures.length) throw new Error(`check failed: ${JSON.stringify(r.failures)}`);
      return r.inputs;
    }),
  );
  emu.admin.clearJournal();
  const startedEpoch = Date.now();
  const started = performance.now();
  const results = await withTimeout(
    `${news.length} ${type} creates`,
    timeoutMs,
    Promise.allSettled(checked.map((inputs) => host.create(type, inputs))),
  );
  const wallS = (performance.now() - started) / 1000;
  const rejected = results.find((r) => r.status === "rejected") as
    PromiseRejectedResult | undefined;
  return {
    results,
    wallS,
    startedEpoch,
    failedCreates: results.filter((r) => r.status === "rejected").length,
    ...(rejected ? { firstError: String(rejected.reason?.message ?? rejected.reason) } : {}),
  };
}

/** API requests of a journal, by kind. */
export function journalFigures(entries: JournalEntry[]) {
  const api = entries.filter((e) => e.path.startsWith("/api/v1"));
  return {
    calls: api.length,
    rateLimited: api.filter((e) => e.status === 429).length,
    /** Answers that were neither 2xx nor 429 (including dropped/hung requests). */
    errors: api.filter((e) => e.status !== 429 && (e.status < 200 || e.status >= 300)).length,
    byRoute: api.reduce<Record<string, number>>((acc, e) => {
      acc[e.route] = (acc[e.route] ?? 0) + 1;
      return acc;
    }, {}),
  };
}

// ---------------------------------------------------------------------------------------
// The engine

/** A trivial dynamic provider: create echoes its inputs; no check, no diff. The baseline. */
const noopProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: require("crypto").randomUUID(), outs: inputs };
  },
};

export class NoopResource extends pulumi.dynamic.Resource {
  constructor(name: string, props: Record<string, unknown>) {
    super(noopProvider, name, props, undefined, "bench", "Noop");
  }
}

export const PROJECT = "codeocean-bench";

export interface EngineSession {
  engine: EngineEnv;
  emu: RunningEmulator;
  /** An inline-program stack of this session, configured for the emulator. */
  stack(name: string, program: () => Promise<void>): Promise<Stack>;
  /** Bytes of the stack's state file in the file:// backend. */
  stateFileBytes(stack: string): number;
  close(): Promise<void>;
}

/**
 * A throwaway backend for `emu`'s stacks. Its stacks share one work folder, so one project:
 * `settings` (by default the dynamic-provider host from PATH and no plugins).
 */
export async function engineSession(
  cliDir: string,
  emu: RunningEmulator,
  settings: ProjectSettings = { name: PROJECT, runtime: "nodejs" },
): Promise<EngineSession> {
  const engine = engineEnv(cliDir, "codeocean-bench-");
  const cwd = process.cwd();
  return {
    engine,
    emu,
    async stack(name, program) {
      const stack = await withTimeout(
        `creating stack ${name}`,
        120_000,
        LocalWorkspace.createOrSelectStack(
          { stackName: name, projectName: PROJECT, program },
          {
            workDir: engine.dir,
            envVars: engine.env,
            projectSettings: settings,
          },
        ),
      );
      process.chdir(cwd);
      await stack.setAllConfig({
        "codeocean:domain": { value: emu.url },
        "codeocean:token": { value: DEFAULT_EMULATOR_TOKEN, secret: true },
      });
      return stack;
    },
    stateFileBytes(stack) {
      const file = path.join(engine.dir, "backend", ".pulumi", "stacks", PROJECT, `${stack}.json`);
      return fs.statSync(file).size;
    },
    async close() {
      process.chdir(cwd);
      engine.cleanup();
    },
  };
}

/** Runs a stack operation with a deadline; returns its wall time in ms. */
export async function timed<T>(
  what: string,
  timeoutMs: number,
  op: (signal: AbortSignal) => Promise<T>,
): Promise<{ ms: number; result: T }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const started = performance.now();
  try {
    const result = await withTimeout(what, timeoutMs + 30_000, op(controller.signal));
    return { ms: performance.now() - started, result };
  } finally {
    clearTimeout(timer);
  }
}
