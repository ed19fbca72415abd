/**
 * The packed tarball under each package manager's node_modules layout — npm (hoisted),
 * pnpm (symlinks into node_modules/.pnpm, peers linked per package) and Yarn Berry with
 * the node-modules linker — installed into a fresh program folder together with
 * @pulumi/pulumi, then `up`, an out-of-band rename, `refresh` and `destroy` through the real
 * engine. The Automation API and the program run in a child process in that folder, from
 * that folder's own node_modules, and the engine starts the provider host there: so the
 * serialized provider's `require("pulumi-codeocean/runtime")` must resolve under the
 * layout, exactly as in a user's project.
 *
 * pnpm and Yarn come from scripts/install-package-managers.sh (pinned, cached). One tarball
 * is packed for all three; installs use each manager's cache (--prefer-offline).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RunningEmulator, SEED_IDS, DEFAULT_EMULATOR_TOKEN, startEmulator } from "../../emulator";
import { cliDir, describeWithEngine } from "../helpers/engine";
import { REPO_ROOT, buildIfStale, childEnv, packInto, run } from "./helpers";

/** The @pulumi/pulumi the repo is tested with; each program gets exactly this one. */
const PULUMI_VERSION: string = require("@pulumi/pulumi/package.json").version;

/** The program, its Automation API driver and the provider host all load from `cwd`. */
const DRIVER = String.raw`
const path = require("path");
const { LocalWorkspace } = require("@pulumi/pulumi/automation");
const cfg = JSON.parse(process.env.DRIVER_CONFIG);

async function program() {
  const codeocean = require("pulumi-codeocean");
  const reads = new codeocean.DataAsset("reads", {
    name: "Reads installed with " + cfg.manager,
    mount: "reads",
    tags: [cfg.manager],
    source: { aws: { bucket: "acme-rna-reads", prefix: "runs/", keepOnExternalStorage: true } },
  });
  new codeocean.CapsuleAttachment("reads-on-capsule", {
    capsuleId: cfg.capsuleId,
    dataAssetId: reads.id,
  });
  return { readsId: reads.id, readsState: reads.state };
}

async function main() {
  // The dynamic-provider host ships inside @pulumi/pulumi; a project plugin entry tells
  // the engine where (no PATH lookup, no "using ... from $PATH" warning).
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "ci", projectName: "codeocean-consumer", program },
    {
      workDir: process.cwd(),
      envVars: cfg.env,
      projectSettings: {
        name: "codeocean-consumer",
        runtime: "nodejs",
        plugins: { providers: [{ name: "pulumi-nodejs", path: pulumiDir }] },
      },
    },
  );
  const step = process.argv[2];
  const out = { step };
  let result;
  if (step === "up") {
    await stack.setAllConfig({
      "codeocean:domain": { value: cfg.url },
      "codeocean:token": { value: cfg.token, secret: true },
      "codeocean:minPollIntervalSeconds": { value: "0.1" },
    });
    result = await stack.up();
    out.outputs = Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value]));
  } else if (step === "refresh") {
    result = await stack.refresh();
  } else if (step === "destroy") {
    result = await stack.destroy();
  } else {
    throw new Error("unknown step " + step);
  }
  out.changes = result.summary.resourceChanges;
  out.stdout = result.stdout;
  const state = (await stack.exportStack()).deployment;
  out.resources = (state.resources || [])
    .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))
    .map((r) => ({ type: r.type, id: r.id, outputs: r.outputs }));
  console.log("DRIVER-RESULT " + JSON.stringify(out));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
`;

interface DriverResult {
  step: string;
  changes: Record<string, number>;
  stdout: string;
  outputs?: Record<string, unknown>;
  resources: { type: string; id: string; outputs: Record<string, unknown> }[];
}

interface Manager {
  name: "npm" | "pnpm" | "yarn";
  install(project: string, tarball: string): Promise<void>;
  /** What tells this layout apart, checked after the install. */
  checkLayout(project: string): void;
}

let pmBin: string;
const js = (bin: string) => fs.realpathSync(path.join(pmBin, bin));
const offline = ["--no-audit", "--no-fund", "--prefer-offline"];

const managers: Manager[] = [
  {
    name: "npm",
    install: async (project, tarball) => {
      await run(
        "npm",
        ["install", tarball, `@pulumi/pulumi@${PULUMI_VERSION}`, ...offline],
        project,
      );
    },
    checkLayout: (project) => {
      // Hoisted: real folders, no symlinks.
      expect(
        fs.lstatSync(path.join(project, "node_modules", "pulumi-codeocean")).isDirectory(),
      ).toBe(true);
    },
  },
  {
    name: "pnpm",
    install: async (project, tarball) => {
      await run(
        // pnpm's bin is its native executable once it has run (it swaps itself in).
        path.join(pmBin, "pnpm"),
        [
          "add",
          tarball,
          `@pulumi/pulumi@${PULUMI_VERSION}`,
          "--prefer-offline",
          // pnpm 11+ fails an install with unreviewed build scripts (ERR_PNPM_IGNORED_BUILDS);
          // @pulumi/pulumi's protobufjs has a postinstall that only checks versions: deny it.
          "--allow-build=!protobufjs",
        ],
        project,
      );
    },
    checkLayout: (project) => {
      // node_modules/pulumi-codeocean is a symlink into the virtual store, and its peer
      // @pulumi/pulumi is the same folder as the program's.
      const link = path.join(project, "node_modules", "pulumi-codeocean");
      expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
      expect(fs.realpathSync(link)).toContain(`${path.sep}.pnpm${path.sep}`);
      const peer = require.resolve("@pulumi/pulumi/package.json", {
        paths: [fs.realpathSync(link)],
      });
      const own = require.resolve("@pulumi/pulumi/package.json", { paths: [project] });
      expect(fs.realpathSync(peer)).toBe(fs.realpathSync(own));
    },
  },
  {
    name: "yarn",
    install: async (project, tarball) => {
      fs.writeFileSync(
        path.join(project, ".yarnrc.yml"),
        "nodeLinker: node-modules\nenableTelemetry: false\nenableGlobalCache: true\n",
      );
      fs.writeFileSync(path.join(project, "yarn.lock"), "");
      await run(
        process.execPath,
        [js("yarn"), "add", `pulumi-codeocean@file:${tarball}`, `@pulumi/pulumi@${PULUMI_VERSION}`],
        project,
        240_000,
        // Yarn makes installs immutable when it sees CI=true; this one writes a new lockfile.
        childEnv({ YARN_ENABLE_IMMUTABLE_INSTALLS: "false", YARN_ENABLE_PROGRESS_BARS: "false" }),
      );
    },
    checkLayout: (project) => {
      // The node-modules linker: no Plug'n'Play loader, a real folder, yarn's own state file.
      expect(fs.existsSync(path.join(project, ".pnp.cjs"))).toBe(false);
      expect(fs.existsSync(path.join(project, "node_modules", ".yarn-state.yml"))).toBe(true);
      expect(
        fs.lstatSync(path.join(project, "node_modules", "pulumi-codeocean")).isDirectory(),
      ).toBe(true);
    },
  },
];

describeWithEngine("the packed package under npm, pnpm and yarn, through the Pulumi engine", () => {
  let tmp: string;
  let tarball: string;
  let emu: RunningEmulator;

  beforeAll(async () => {
    await buildIfStale();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-codeocean-managers-"));
    ({ tarball } = await packInto(tmp));
    pmBin = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "install-package-managers.sh")], {
      encoding: "utf8",
      env: childEnv(),
      stdio: ["ignore", "pipe", "inherit"],
    })
      .trim()
      .split("\n")
      .pop()!;
    emu = await startEmulator({ port: 0, readyAfterMs: 100, attachReadyAfterMs: 50 });
  }, 300_000);

  afterAll(async () => {
    await emu?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const manager of managers) {
    it(`${manager.name}: install, up, refresh after an out-of-band rename, destroy`, async () => {
      const project = path.join(tmp, manager.name);
      fs.mkdirSync(project);
      fs.writeFileSync(
        path.join(project, "package.json"),
        JSON.stringify({
          name: `codeocean-consumer-${manager.name}`,
          version: "1.0.0",
          private: true,
        }),
      );
      let started = Date.now();
      await manager.install(project, tarball);
      console.log(`${manager.name} install: ${Date.now() - started} ms`);
      manager.checkLayout(project);
      const runtime = require.resolve("pulumi-codeocean/runtime", { paths: [project] });
      expect(runtime.startsWith(project)).toBe(true);

      fs.writeFileSync(path.join(project, "driver.js"), DRIVER);
      fs.mkdirSync(path.join(project, ".state"));
      // Nothing from the repo on PATH: only the CLI and this Node.js (no @pulumi/pulumi shim
      // that the engine could pick up instead of the program's own).
      const PATH = [
        cliDir!,
        path.dirname(process.execPath),
        ...(process.env.PATH ?? "").split(path.delimiter).filter((d) => !/node_modules/.test(d)),
      ].join(path.delimiter);
      const engine = {
        PATH,
        PULUMI_BACKEND_URL: `file://${path.join(project, ".state")}`,
        PULUMI_HOME: path.join(project, ".pulumi-home"),
        PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      };
      const driverConfig = JSON.stringify({
        manager: manager.name,
        url: emu.url,
        token: DEFAULT_EMULATOR_TOKEN,
        capsuleId: SEED_IDS.capsule,
        env: engine,
      });
      const step = async (name: string): Promise<DriverResult> => {
        const t0 = Date.now();
        const out = await run(
          process.execPath,
          [path.join(project, "driver.js"), name],
          project,
          240_000,
          childEnv({ ...engine, DRIVER_CONFIG: driverConfig }),
        );
        console.log(`${manager.name} ${name}: ${Date.now() - t0} ms`);
        const line = out.split("\n").find((l) => l.startsWith("DRIVER-RESULT "));
        if (!line) throw new Error(`no result from the ${name} driver:\n${out}`);
        return JSON.parse(line.slice("DRIVER-RESULT ".length)) as DriverResult;
      };

      started = Date.now();
      const up = await step("up");
      expect(up.changes).toEqual({ create: 3 });
      expect(up.stdout).not.toMatch(/warning/i);
      const id = up.outputs!.readsId as string;
      expect(up.outputs!.readsState).toBe("ready");
      expect(emu.admin.asset(id)).toMatchObject({
        name: `Reads installed with ${manager.name}`,
        state: "ready",
      });
      expect(emu.admin.attachments()).toMatchObject([{ targetId: SEED_IDS.capsule, assetId: id }]);
      // The provider in the state is the stub that loads the installed package by name.
      expect(up.resources).toHaveLength(2);
      for (const r of up.resources) {
        const text = r.outputs.__provider as string;
        expect(text).toContain('require("pulumi-codeocean/runtime")');
        expect(text).not.toContain(tmp);
        expect(text).not.toContain(REPO_ROOT);
      }

      emu.admin.updateAsset(id, { name: "Renamed by hand" });
      const refresh = await step("refresh");
      expect(refresh.changes).toMatchObject({ update: 1 });
      const refreshed = refresh.resources.find((r) => r.id === id);
      expect(refreshed?.outputs.name).toBe("Renamed by hand");

      const destroy = await step("destroy");
      expect(destroy.changes).toEqual({ delete: 3 });
      expect(destroy.resources).toEqual([]);
      expect(emu.admin.asset(id)?.archived).toBe(true);
      expect(emu.admin.attachments()).toEqual([]);
      console.log(`${manager.name} up + refresh + destroy: ${Date.now() - started} ms`);
    }, 600_000);
  }
});
