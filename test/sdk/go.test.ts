/**
 * The Go SDK (sdk/go/codeocean) end to end: test/sdk/go-program, a Go program using it through
 * the Automation API with an inline program, built once and cached by
 * scripts/build-go-program.sh (minutes on a cold Go cache, then instant), runs `up`,
 * `preview` and `destroy` against the emulator through the real Pulumi CLI and this
 * repository's plugin (named as a project plugin). The emulator's state is checked after each.
 */
import * as path from "path";
import { RunningEmulator, SEED_IDS, startEmulator, DEFAULT_EMULATOR_TOKEN } from "../../emulator";
import { engineEnv, EngineEnv } from "../../scripts/lib/pulumiCli";
import { cliDir, describeWithEngine } from "../helpers/engine";
import { assertPluginBuilt, goDir, PLUGIN_DIR, REPO_ROOT, run } from "./helpers";

interface Report {
  command: string;
  changes: Record<string, number>;
  outputs?: Record<string, unknown>;
}

const go = goDir();

describeWithEngine("the Go SDK through the Automation API (test/sdk/go-program)", () => {
  let binary: string;
  let emu: RunningEmulator;
  let engine: EngineEnv;
  let assetId: string;
  let destroyed = false;

  beforeAll(async () => {
    assertPluginBuilt();
    if (!go) throw new Error("Go is needed to build test/sdk/go-program (https://go.dev/dl/)");
    const started = Date.now();
    const built = await run("bash", [path.join(REPO_ROOT, "scripts", "build-go-program.sh")], {
      env: { ...process.env, PATH: [go, process.env.PATH].join(path.delimiter) },
      timeoutMs: 30 * 60_000,
    });
    if (built.code !== 0) throw new Error(`build-go-program.sh failed:\n${built.stderr}`);
    binary = built.stdout.trim().split("\n").pop()!;
    console.log(`go-program ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${binary}`);
    emu = await startEmulator({ port: 0, readyAfterMs: 100, attachReadyAfterMs: 50 });
    engine = engineEnv(cliDir!, "codeocean-go-sdk-");
  }, 30 * 60_000);

  afterAll(async () => {
    // A failed test leaves the stack behind: destroy it so the emulator is left clean.
    if (binary && engine && !destroyed) await goProgram("destroy").catch(() => undefined);
    engine?.cleanup();
    await emu?.stop();
  }, 120_000);

  async function goProgram(command: string): Promise<Report> {
    const ran = await run(binary, [command], {
      env: {
        ...process.env,
        ...engine.env,
        GO_PROGRAM_WORK_DIR: engine.dir,
        CODEOCEAN_DOMAIN: emu.url,
        CODEOCEAN_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
        CODEOCEAN_CAPSULE_ID: SEED_IDS.capsule,
        CODEOCEAN_PLUGIN_DIR: PLUGIN_DIR,
      },
    });
    if (ran.code !== 0)
      throw new Error(`go-program ${command} exited ${ran.code}:\n${ran.stdout}\n${ran.stderr}`);
    // The engine's progress is on stderr; the plugin is named in Pulumi.yaml, so no PATH warning.
    expect(ran.stderr).not.toMatch(/using pulumi-resource-codeocean from \$PATH/);
    return JSON.parse(ran.stdout.trim().split("\n").pop()!) as Report;
  }

  it("up creates the external asset and attaches it to the capsule", async () => {
    const up = await goProgram("up");
    expect(up.changes).toEqual({ create: 3 }); // the stack, the asset, the attachment
    assetId = up.outputs!.dataAssetId as string;
    expect(up.outputs).toEqual({
      dataAssetId: expect.any(String),
      state: "ready",
      external: true,
      attachmentMount: "reads",
      attachmentReady: true,
    });
    expect(emu.admin.assets()).toHaveLength(1);
    expect(emu.admin.asset(assetId)).toMatchObject({
      name: "RNA reads (Go SDK)",
      mount: "reads",
      tags: ["rna", "go-sdk"],
      archived: false,
    });
    expect(emu.admin.attachments()).toEqual([
      {
        targetKind: "capsule",
        targetId: SEED_IDS.capsule,
        assetId,
        mount: "reads",
        ready: true,
        external: true,
      },
    ]);
  });

  it("a preview right after up changes nothing", async () => {
    emu.admin.clearJournal();
    const preview = await goProgram("preview");
    expect(preview.changes).toEqual({ same: 3 });
    const writes = Object.keys(emu.admin.counts()).filter(
      (route) => !route.startsWith("GET ") && !route.endsWith("/search"),
    );
    expect(writes).toEqual([]);
  });

  it("destroy detaches the asset and archives it", async () => {
    const destroy = await goProgram("destroy");
    destroyed = true;
    expect(destroy.changes).toEqual({ delete: 3 });
    expect(emu.admin.attachments()).toEqual([]);
    expect(emu.admin.asset(assetId)?.archived).toBe(true);
  });
});
