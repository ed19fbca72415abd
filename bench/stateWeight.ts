/**
 * Section 4 — what each resource costs in Pulumi's state and at host start.
 *
 * - The serialized `__provider` of both resource types (stored twice per resource).
 * - The same text from two builds that differ only in provider code: provider/ is copied
 *   twice to a scratch folder, the implementation files of one copy are changed, both copies
 *   are compiled the same way, and the shims of each are serialized and compared.
 * - Host cold start: spawning the dynamic-provider host (reported apart), then the configure
 *   RPC and the first `check`, which deserializes `__provider`, runs the provider's
 *   configure (loading the installed implementation) and checks one DataAsset.
 * - State-file bytes per DataAsset after a real `pulumi up` (when the CLI is present).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { DataAsset } from "pulumi-codeocean";
import { RunningEmulator, startEmulator } from "../emulator";
import { serializeProvider, startHost } from "../test/helpers/host";
import {
  REPO_ROOT,
  TOKEN,
  assetArgs,
  builtShims,
  engineSession,
  providerTexts,
  timed,
} from "./harness";
import {
  Bar,
  BenchContext,
  SectionResult,
  Table,
  bar,
  fmtStat,
  num,
  stat,
  withTimeout,
} from "./report";

const KIB = 1024;

/** Strings that would mean implementation code (or configuration) got into `__provider`. */
const FORBIDDEN = [
  "zod",
  "safeParse",
  "node-fetch",
  "waitUntil",
  "getClient",
  "Throttle",
  "BENCH_CHANGED_IMPLEMENTATION",
  TOKEN,
  "127.0.0.1",
];

// ---------------------------------------------------------------------------------------
// Two builds

export function compileTree(srcRoot: string, outRoot: string): void {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    resolveJsonModule: true,
  };
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        const out = ts.transpileModule(fs.readFileSync(file, "utf8"), {
          compilerOptions: options,
          fileName: file,
        });
        const target = path.join(outRoot, path.relative(srcRoot, file)).replace(/\.ts$/, ".js");
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, out.outputText);
      }
    }
  };
  walk(srcRoot);
}

/** Changes the implementation (not the shims): new exports and a changed message. */
function changeImplementation(providerDir: string): string[] {
  const changed: string[] = [];
  for (const rel of [
    "resources/dataAsset/provider.ts",
    "resources/capsuleAttachment/provider.ts",
    "core/waiter.ts",
  ]) {
    const file = path.join(providerDir, rel);
    if (!fs.existsSync(file)) continue;
    let src = fs.readFileSync(file, "utf8");
    src = src.replace(/Code Ocean could not/g, "Code Ocean failed to");
    src += `\nexport const BENCH_CHANGED_IMPLEMENTATION = () => "build b of ${rel}";\n`;
    fs.writeFileSync(file, src);
    changed.push(rel);
  }
  return changed;
}

export interface BuildsComparison {
  identical: { dataAsset: boolean; capsuleAttachment: boolean };
  /** The scratch builds' shims serialize to the same text as `npm run build`'s. */
  sameAsMainBuild: boolean;
  implementationDiffers: boolean;
  changedFiles: string[];
  forbiddenFound: string[];
  requiresRuntime: boolean;
}

export async function compareBuilds(): Promise<BuildsComparison> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "codeocean-bench-builds-"));
  try {
    const texts: Record<string, { dataAsset: string; capsuleAttachment: string }> = {};
    let changedFiles: string[] = [];
    for (const variant of ["a", "b"]) {
      const root = path.join(scratch, variant);
      fs.cpSync(path.join(REPO_ROOT, "provider"), path.join(root, "provider"), {
        recursive: true,
      });
      if (variant === "b") changedFiles = changeImplementation(path.join(root, "provider"));
      compileTree(path.join(root, "provider"), path.join(root, "dist", "provider"));
      fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
      const shims = builtShims(root);
      texts[variant] = {
        dataAsset: await serializeProvider(shims.dataAsset),
        capsuleAttachment: await serializeProvider(shims.capsuleAttachment),
      };
    }
    const impl = (v: string) =>
      fs.readFileSync(
        path.join(scratch, v, "dist", "provider", "resources", "dataAsset", "provider.js"),
        "utf8",
      );
    const main = await providerTexts();
    const all = [
      texts.a.dataAsset,
      texts.a.capsuleAttachment,
      texts.b.dataAsset,
      texts.b.capsuleAttachment,
    ];
    return {
      identical: {
        dataAsset: texts.a.dataAsset === texts.b.dataAsset,
        capsuleAttachment: texts.a.capsuleAttachment === texts.b.capsuleAttachment,
      },
      sameAsMainBuild:
        texts.a.dataAsset === main.dataAsset &&
        texts.a.capsuleAttachment === main.capsuleAttachment,
      implementationDiffers: impl("a") !== impl("b"),
      changedFiles,
      forbiddenFound: FORBIDDEN.filter((f) => all.some((t) => t.includes(f))),
      requiresRuntime: all.every((t) => t.includes('require("pulumi-codeocean/runtime")')),
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// Cold start

export interface ColdStartRun {
  spawnMs: number;
  configureMs: number;
  firstCheckMs: number;
  coldMs: number;
  warmCheckMs: number;
}

export async function coldStartRun(emu: RunningEmulator, provider: string): Promise<ColdStartRun> {
  const t0 = performance.now();
  const host = await withTimeout("starting the provider host", 60_000, startHost());
  try {
    const t1 = performance.now();
    await host.configure({ "codeocean:domain": emu.url, "codeocean:token": TOKEN });
    const t2 = performance.now();
    const first = await host.check(
      "DataAsset",
      {},
      { __provider: provider, ...assetArgs("cold", 0) },
    );
    const t3 = performance.now();
    await host.check("DataAsset", {}, { __provider: provider, ...assetArgs("warm", 1) });
    const t4 = performance.now();
    if (first.failures.length) throw new Error(`check failed: ${JSON.stringify(first.failures)}`);
    return {
      spawnMs: t1 - t0,
      configureMs: t2 - t1,
      firstCheckMs: t3 - t2,
      coldMs: t3 - t1,
      warmCheckMs: t4 - t3,
    };
  } finally {
    await host.stop();
  }
}

// ---------------------------------------------------------------------------------------
// State file

export interface StateBytes {
  assets: number;
  /** (state file with the assets − the same stack empty) ÷ assets. */
  fileBytesPerAsset: number;
  /** Mean size of one DataAsset's entry in the exported deployment (compact JSON). */
  entryBytes: number;
  providerBytes: number;
}

export async function stateBytes(cliDir: string, assets: number): Promise<StateBytes> {
  const emu = await startEmulator({ port: 0, readyAfterMs: 0 });
  const session = await engineSession(cliDir, emu);
  try {
    let count = 0;
    const stack = await session.stack("state", async () => {
      for (let i = 0; i < count; i++) new DataAsset(`asset-${i}`, assetArgs(`state-${i}`, i));
    });
    await timed("empty up", 300_000, (signal) => stack.up({ signal }));
    const empty = session.stateFileBytes("state");
    count = assets;
    await timed(`up of ${assets} assets`, 300_000, (signal) =>
      stack.up({ signal, parallel: assets }),
    );
    const full = session.stateFileBytes("state");
    const deployment = (await stack.exportStack()).deployment as {
      resources?: { type: string }[];
    };
    const entries = (deployment.resources ?? []).filter((r) => r.type.endsWith(":DataAsset"));
    const entryBytes =
      entries.reduce((a, r) => a + Buffer.byteLength(JSON.stringify(r)), 0) /
      Math.max(1, entries.length);
    return {
      assets,
      fileBytesPerAsset: (full - empty) / assets,
      entryBytes,
      providerBytes: Buffer.byteLength((await providerTexts()).dataAsset),
    };
  } finally {
    await session.close();
    await emu.stop();
  }
}

// ---------------------------------------------------------------------------------------

export async function runStateWeight(
  ctx: BenchContext & { cliDir?: string },
): Promise<SectionResult> {
  const started = performance.now();
  const texts = await providerTexts();
  const sizes = {
    dataAsset: Buffer.byteLength(texts.dataAsset),
    capsuleAttachment: Buffer.byteLength(texts.capsuleAttachment),
  };
  ctx.log("  §4 two builds");
  const builds = await compareBuilds();

  const reps = ctx.quick ? 3 : 7;
  const cold: ColdStartRun[] = [];
  const emu = await startEmulator({ port: 0 });
  try {
    for (let r = 0; r < reps; r++) {
      ctx.log(`  §4 host cold start ${r + 1}/${reps}`);
      cold.push(await coldStartRun(emu, texts.dataAsset));
    }
  } finally {
    await emu.stop();
  }

  let state: StateBytes | undefined;
  let stateNote: string | undefined;
  if (ctx.cliDir) {
    ctx.log("  §4 state file after pulumi up");
    state = await stateBytes(ctx.cliDir, 20);
  } else {
    stateNote = "skipped: no Pulumi CLI (run scripts/install-pulumi-cli.sh)";
  }

  const s = (f: (r: ColdStartRun) => number) => stat(cold.map(f));
  const coldStat = s((r) => r.coldMs);
  const bothIdentical = builds.identical.dataAsset && builds.identical.capsuleAttachment;
  const table: Table = {
    title: "4. State weight and host cold start",
    head: ["measure", "value"],
    rows: [
      ["`__provider` of DataAsset (bytes)", String(sizes.dataAsset)],
      ["`__provider` of CapsuleAttachment (bytes)", String(sizes.capsuleAttachment)],
      [
        "same `__provider` text after changing provider code",
        `${bothIdentical ? "yes" : "NO"} (changed ${builds.changedFiles.join(", ")}; compiled implementation differs: ${builds.implementationDiffers ? "yes" : "no"}; same as npm run build: ${builds.sameAsMainBuild ? "yes" : "no"})`,
      ],
      [
        "implementation code in `__provider`",
        builds.forbiddenFound.length ? `FOUND: ${builds.forbiddenFound.join(", ")}` : "none",
      ],
      [
        `host process spawn → port (ms, ${reps} runs)`,
        fmtStat(
          s((r) => r.spawnMs),
          0,
        ),
      ],
      [
        "configure RPC (ms)",
        fmtStat(
          s((r) => r.configureMs),
          0,
        ),
      ],
      [
        "first check: deserialize + configure + load + check (ms)",
        fmtStat(
          s((r) => r.firstCheckMs),
          0,
        ),
      ],
      ["cold start = configure RPC + first check (ms)", fmtStat(coldStat, 0)],
      [
        "warm check, for contrast (ms)",
        fmtStat(
          s((r) => r.warmCheckMs),
          1,
        ),
      ],
      [
        "state-file bytes per DataAsset after `up`",
        state
          ? `${num(state.fileBytesPerAsset, 0)} (entry ${num(state.entryBytes, 0)} B compact, of which 2 × ${state.providerBytes} B \`__provider\`; ${state.assets} assets)`
          : (stateNote ?? "–"),
      ],
    ],
    notes: [
      "The two builds copy provider/ twice, change dataAssetProvider.ts, capsuleAttachmentProvider.ts and waiter.ts in one copy, " +
        "compile both the same way (TypeScript transpileModule) and serialize each copy's shims.",
    ],
  };
  const bars: Bar[] = [
    bar(
      4,
      "`__provider` ≤ 4 KiB per resource",
      `${sizes.dataAsset} B / ${sizes.capsuleAttachment} B (DataAsset / CapsuleAttachment)`,
      `≤ ${4 * KIB} B`,
      sizes.dataAsset <= 4 * KIB && sizes.capsuleAttachment <= 4 * KIB,
    ),
    bar(
      4,
      "same `__provider` for builds differing only in provider code",
      bothIdentical && builds.implementationDiffers && builds.forbiddenFound.length === 0
        ? "identical, no implementation code"
        : `identical: ${bothIdentical}; implementation code: ${builds.forbiddenFound.join(", ") || "none"}`,
      "identical",
      bothIdentical && builds.implementationDiffers && builds.forbiddenFound.length === 0,
    ),
    bar(
      4,
      "host cold start (configure + first call) median ≤ 300 ms",
      `${num(coldStat.median, 0)} ms (${num(coldStat.min, 0)}–${num(coldStat.max, 0)})`,
      "≤ 300 ms",
      coldStat.median <= 300,
      undefined,
      `The first check deserializes \`__provider\`, runs its configure — which loads the installed implementation, zod included — and checks: ` +
        `${num(s((r) => r.firstCheckMs).median, 0)} ms, where a warm check takes ${num(s((r) => r.warmCheckMs).median, 1)} ms. ` +
        "Timings on a shared machine vary with its load.",
    ),
  ];
  return {
    number: 4,
    key: "stateWeight",
    title: "State weight",
    tables: [table],
    bars,
    data: { sizes, builds, cold, state: state ?? null, stateNote: stateNote ?? null },
    seconds: (performance.now() - started) / 1000,
  };
}
