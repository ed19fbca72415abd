/**
 * The Node.js SDK (sdk/nodejs) end to end: a copy is built with `tsc` (its own tsconfig, with
 * @pulumi/pulumi and typescript from this repository's node_modules: scripts/lib/sdkBuild.ts),
 * then an Automation API inline program in this process uses the built package: it creates an
 * S3-sourced asset and a capsule attachment against the emulator, a preview shows no change,
 * destroy archives and detaches. The engine finds this repository's plugin on PATH (bin/).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import type { Output } from "@pulumi/pulumi";
import { RunningEmulator, SEED_IDS, startEmulator, DEFAULT_EMULATOR_TOKEN } from "../../emulator";
import { engineEnv, EngineEnv } from "../../scripts/lib/pulumiCli";
import { buildNodeSdk } from "../../scripts/lib/sdkBuild";
import { cliDir, describeWithEngine } from "../helpers/engine";
import { assertPluginBuilt, PLUGIN_DIR } from "./helpers";

/**
 * The part of the built SDK this program uses. (Its types are not imported from sdk/nodejs:
 * the generated sources do not compile under this repository's stricter tsconfig, e.g.
 * noImplicitOverride; they compile under their own, which the build uses.)
 */
interface Sdk {
  DataAsset: new (
    name: string,
    args: {
      name: string;
      mount: string;
      tags?: string[];
      source?: { aws?: { bucket: string; prefix?: string; keepOnExternalStorage?: boolean } };
    },
  ) => { id: Output<string>; state: Output<string>; external: Output<boolean> };
  CapsuleAttachment: new (
    name: string,
    args: { dataAssetId: Output<string> | string; capsuleId?: string },
  ) => { mount: Output<string>; ready: Output<boolean> };
}

describeWithEngine("the Node.js SDK through the Automation API (sdk/nodejs, built)", () => {
  let built: string;
  let codeocean: Sdk;
  let emu: RunningEmulator;
  let engine: EngineEnv;
  let stack: Stack;
  let assetId: string;
  let destroyed = false;
  const engineOutput: string[] = [];

  beforeAll(async () => {
    assertPluginBuilt();
    built = fs.mkdtempSync(path.join(os.tmpdir(), "codeocean-sdk-nodejs-"));
    const started = Date.now();
    const bin = buildNodeSdk(path.join(built, "nodejs"));
    console.log(`sdk/nodejs built with tsc in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    codeocean = require(bin);
    emu = await startEmulator({ port: 0, readyAfterMs: 100, attachReadyAfterMs: 50 });
    engine = engineEnv(cliDir!, "codeocean-nodejs-sdk-");
    // This repository's plugin, found on PATH by the engine (and by the program's process).
    engine.env.PATH = [PLUGIN_DIR, engine.env.PATH].join(path.delimiter);
    process.env.PATH = engine.env.PATH;
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "dev", projectName: "codeocean-nodejs-sdk", program },
      {
        workDir: engine.dir,
        envVars: engine.env,
        projectSettings: { name: "codeocean-nodejs-sdk", runtime: "nodejs" },
      },
    );
    await stack.setAllConfig({
      "codeocean:domain": { value: emu.url },
      "codeocean:token": { value: DEFAULT_EMULATOR_TOKEN, secret: true },
      "codeocean:minPollIntervalSeconds": { value: "0.1" },
    });
  }, 180_000);

  afterAll(async () => {
    // A failed test leaves the stack behind: destroy it so the emulator is left clean.
    if (stack && !destroyed) await stack.destroy().catch(() => undefined);
    engine?.cleanup();
    await emu?.stop();
    if (built) fs.rmSync(built, { recursive: true, force: true });
  }, 120_000);

  /** What a user of the Node.js SDK writes. */
  async function program() {
    const reads = new codeocean.DataAsset("reads", {
      name: "RNA reads (Node.js SDK)",
      mount: "reads",
      tags: ["rna", "nodejs-sdk"],
      source: { aws: { bucket: "acme-rna-reads", prefix: "runs/", keepOnExternalStorage: true } },
    });
    const attachment = new codeocean.CapsuleAttachment("reads-on-capsule", {
      dataAssetId: reads.id,
      capsuleId: SEED_IDS.capsule,
    });
    return {
      dataAssetId: reads.id,
      state: reads.state,
      external: reads.external,
      attachmentMount: attachment.mount,
      attachmentReady: attachment.ready,
    };
  }

  const onOutput = (text: string) => engineOutput.push(text);

  it("up creates the external asset and attaches it to the capsule", async () => {
    const up = await stack.up({ onOutput });
    expect(up.summary.resourceChanges).toEqual({ create: 3 });
    assetId = up.outputs.dataAssetId.value as string;
    expect(Object.fromEntries(Object.entries(up.outputs).map(([k, o]) => [k, o.value]))).toEqual({
      dataAssetId: expect.any(String),
      state: "ready",
      external: true,
      attachmentMount: "reads",
      attachmentReady: true,
    });
    expect(emu.admin.asset(assetId)).toMatchObject({
      name: "RNA reads (Node.js SDK)",
      mount: "reads",
      tags: ["rna", "nodejs-sdk"],
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
    // The engine took the plugin from PATH, i.e. this repository's bin/.
    expect(engineOutput.join("")).toMatch(/using pulumi-resource-codeocean from \$PATH/);
  });

  it("a preview right after up changes nothing", async () => {
    emu.admin.clearJournal();
    const preview = await stack.preview({ onOutput });
    expect(preview.changeSummary).toEqual({ same: 3 });
    const writes = Object.keys(emu.admin.counts()).filter(
      (route) => !route.startsWith("GET ") && !route.endsWith("/search"),
    );
    expect(writes).toEqual([]);
  });

  it("destroy detaches the asset and archives it", async () => {
    const destroy = await stack.destroy({ onOutput });
    destroyed = true;
    expect(destroy.summary.resourceChanges).toEqual({ delete: 3 });
    expect(emu.admin.attachments()).toEqual([]);
    expect(emu.admin.asset(assetId)?.archived).toBe(true);
  });
});
