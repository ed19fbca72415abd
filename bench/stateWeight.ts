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
 * - State bytes per DataAsset after a real `pulumi up` (when the CLI is present), the same
 *   declaration as a dynamic resource (`pulumi-codeocean`) and as a native one
 *   (`pulumi-codeocean/native`, through the plugin): the state file's growth, and the resource's
 *   entry in `pulumi stack export` (compact JSON) split into inputs, outputs, stack trace and
 *   the rest.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { DataAsset } from "pulumi-codeocean";
import * as native from "pulumi-codeocean/native";
import { RunningEmulator, startEmulator } from "../emulator";
import { projectSettings } from "../scripts/lib/pulumiCli";
import { serializeProvider, startHost } from "../test/helpers/host";
import {
  PROJECT,
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
/** Issue 20: a native DataAsset's entry in the exported state, "≤ 3 KB" read as 3,000 bytes. */
const NATIVE_ENTRY_LIMIT = 3000;

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

/** One resource's entry in `pulumi stack export` (compact JSON), in bytes, by part. */
export interface EntryBytes {
  entry: number;
  inputs: number;
  outputs: number;
  /** `stackTrace`, the program's call stack the SDK records with each resource. */
  stackTrace: number;
  /** Everything else: urn, id, type, parent, provider, dependencies, dates, keys and braces. */
  other: number;
}

export interface FaceStateBytes {
  /** (state file with the assets − the same stack empty) ÷ assets. */
  fileBytesPerAsset: number;
  /** Mean over the DataAssets of the stack. */
  entry: EntryBytes;
}

export interface StateBytes {
  assets: number;
  dynamic: FaceStateBytes;
  native: FaceStateBytes;
  /** The dynamic resource's `__provider` text (stored in its inputs and again in its outputs). */
  providerBytes: number;
}

const jsonBytes = (v: unknown) => (v === undefined ? 0 : Buffer.byteLength(JSON.stringify(v)));

function entryBytes(entries: Record<string, unknown>[]): EntryBytes {
  const mean = (f: (r: Record<string, unknown>) => number) =>
    entries.reduce((a, r) => a + f(r), 0) / Math.max(1, entries.length);
  const entry = mean(jsonBytes);
  const inputs = mean((r) => jsonBytes(r.inputs));
  const outputs = mean((r) => jsonBytes(r.outputs));
  const stackTrace = mean((r) => jsonBytes(r.stackTrace));
  return { entry, inputs, outputs, stackTrace, other: entry - inputs - outputs - stackTrace };
}

/**
 * `assets` DataAssets declared the same way, once with the dynamic class and once with the
 * plugin's, each in its own stack of one backend: the state file's growth and the entries.
 */
export async function stateBytes(cliDir: string, assets: number): Promise<StateBytes> {
  const emu = await startEmulator({ port: 0, readyAfterMs: 0 });
  // The plugin pulumi-resource-codeocean (bin/) as a project plugin, for the native stack.
  const session = await engineSession(cliDir, emu, projectSettings(PROJECT));
  try {
    const face = async (name: "dynamic" | "native"): Promise<FaceStateBytes> => {
      let count = 0;
      const stack = await session.stack(`state-${name}`, async () => {
        for (let i = 0; i < count; i++) {
          const args = assetArgs(`state-${i}`, i);
          if (name === "dynamic") new DataAsset(`asset-${i}`, args);
          else new native.DataAsset(`asset-${i}`, args);
        }
      });
      await timed("empty up", 300_000, (signal) => stack.up({ signal }));
      const empty = session.stateFileBytes(`state-${name}`);
      count = assets;
      await timed(`up of ${assets} ${name} assets`, 300_000, (signal) =>
        stack.up({ signal, parallel: assets }),
      );
      const full = session.stateFileBytes(`state-${name}`);
      const deployment = (await stack.exportStack()).deployment as {
        resources?: Record<string, unknown>[];
      };
      const entries = (deployment.resources ?? []).filter((r) =>
        String(r.type).endsWith(":DataAsset"),
      );
      if (entries.length !== assets)
        throw new Error(`the ${name} stack holds ${entries.length} DataAssets, not ${assets}`);
      return { fileBytesPerAsset: (full - empty) / assets, entry: entryBytes(entries) };
    };
    return {
      assets,
      dynamic: await face("dynamic"),
      native: await face("native"),
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
      ...(state
        ? (["dynamic", "native"] as const).map((face) => {
            const f = state![face];
            const e = f.entry;
            return [
              `state bytes per DataAsset after \`up\`, ${face === "dynamic" ? "dynamic (pulumi-codeocean)" : "native (pulumi-codeocean/native)"}`,
              `${num(e.entry, 0)} B entry in \`stack export\` (compact): inputs ${num(e.inputs, 0)}, outputs ${num(e.outputs, 0)}, stackTrace ${num(e.stackTrace, 0)}, other ${num(e.other, 0)}` +
                (face === "dynamic"
                  ? `, of which 2 × ${state!.providerBytes} B \`__provider\``
                  : "") +
                `; state file +${num(f.fileBytesPerAsset, 0)} B; ${state!.assets} assets`,
            ];
          })
        : [["state bytes per DataAsset after `up`", stateNote ?? "–"]]),
    ],
    notes: [
      "The two builds copy provider/ twice, change dataAssetProvider.ts, capsuleAttachmentProvider.ts and waiter.ts in one copy, " +
        "compile both the same way (TypeScript transpileModule) and serialize each copy's shims.",
      "State bytes: the same declaration (an external S3 dataset) with each face's DataAsset, in two stacks of one backend; " +
        "an entry's parts are the compact JSON of its inputs, outputs and stackTrace, other is the rest of the entry (urn, id, type, parent, provider, dependencies, dates, keys); " +
        "the state file is pretty-printed, hence larger.",
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
    bar(
      4,
      `native DataAsset's entry in the exported state ≤ ${NATIVE_ENTRY_LIMIT.toLocaleString("en-US")} B (3 KB)`,
      state
        ? `${num(state.native.entry.entry, 0)} B (dynamic: ${num(state.dynamic.entry.entry, 0)} B)`
        : "not run",
      `≤ ${NATIVE_ENTRY_LIMIT.toLocaleString("en-US")} B`,
      state ? state.native.entry.entry <= NATIVE_ENTRY_LIMIT : null,
      state ? `${state.assets} assets, compact JSON from \`pulumi stack export\`` : undefined,
      state
        ? `Of its ${num(state.native.entry.entry, 0)} B: inputs ${num(state.native.entry.inputs, 0)}, outputs ${num(state.native.entry.outputs, 0)}, stackTrace ${num(state.native.entry.stackTrace, 0)}, other ${num(state.native.entry.other, 0)}.`
        : undefined,
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
