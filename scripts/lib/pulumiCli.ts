/**
 * Finding the Pulumi CLI and preparing an environment in which the engine runs our
 * dynamic resources: used by the demo, the end-to-end tests and the benchmarks.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ProjectSettings } from "@pulumi/pulumi/automation";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const PULUMI_CLI_VERSION = "v3.274.1";

/** The folder holding a `pulumi` binary: on PATH, or in the cache that scripts/install-pulumi-cli.sh fills. */
export function findPulumiCli(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, "pulumi"))) return dir;
  }
  const cacheRoot =
    process.env.PULUMI_CODEOCEAN_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-codeocean");
  const cached = path.join(
    cacheRoot,
    "pulumi-cli",
    process.env.PULUMI_CLI_VERSION ?? PULUMI_CLI_VERSION,
  );
  return fs.existsSync(path.join(cached, "pulumi")) ? cached : undefined;
}

/** Finds the CLI, or builds it with scripts/install-pulumi-cli.sh (needs Go). */
export function ensurePulumiCli(): string {
  const found = findPulumiCli();
  if (found) return found;
  const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "install-pulumi-cli.sh")], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  return out.trim().split("\n").pop()!;
}

export interface EngineEnv {
  /** Scratch folder: the file:// backend and PULUMI_HOME live here. */
  dir: string;
  env: Record<string, string>;
  cleanup(): void;
}

/**
 * Environment for a throwaway local backend. The engine starts the dynamic-provider host
 * `pulumi-resource-pulumi-nodejs`, a shim inside @pulumi/pulumi, found on PATH.
 */
export function engineEnv(cliDir: string, prefix = "codeocean-engine-"): EngineEnv {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(dir, "backend"));
  // The engine starts plugins in the project folder; the dynamic-provider shim resolves
  // @pulumi/pulumi (and our provider resolves pulumi-codeocean) from there.
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  const pulumiPkg = path.dirname(
    require.resolve("@pulumi/pulumi/package.json", { paths: [REPO_ROOT] }),
  );
  const env = {
    PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}`,
    PULUMI_HOME: path.join(dir, "home"),
    PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PATH: [cliDir, pulumiPkg, process.env.PATH ?? ""].join(path.delimiter),
  };
  // The inline program's own process (and so the provider host's working directory) must
  // see the same PATH: the Automation API finds `pulumi` there.
  process.env.PATH = env.PATH;
  return { dir, env, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Project settings that tell the engine where the dynamic-provider host lives: the
 * `pulumi-resource-pulumi-nodejs` shim inside the program's @pulumi/pulumi, declared as a
 * project plugin (Pulumi.yaml `plugins.providers`). A normal Pulumi install ships that shim
 * next to the `pulumi` binary; the CLI built from Go modules does not, and without this the
 * engine takes the one it finds on PATH and warns "using pulumi-resource-pulumi-nodejs from
 * $PATH" once per plugin load (three times in an up + destroy).
 */
export function projectSettings(
  name: string,
  programDir = REPO_ROOT,
  /** More project plugins (a name and the folder holding its `pulumi-resource-<name>`). */
  moreProviders: { name: string; path: string }[] = [],
): ProjectSettings {
  const pulumiPkg = path.dirname(
    require.resolve("@pulumi/pulumi/package.json", { paths: [programDir] }),
  );
  // `plugins` is a Pulumi.yaml key the Automation API's type does not list; it writes the
  // settings out as they are.
  const settings: ProjectSettings & { plugins: unknown } = {
    name,
    runtime: "nodejs",
    plugins: {
      providers: [
        { name: "pulumi-nodejs", path: pulumiPkg },
        // The native plugin, for programs using pulumi-codeocean/native (bin/ holds
        // pulumi-resource-codeocean, which runs the built dist/).
        { name: "codeocean", path: path.join(REPO_ROOT, "bin") },
        ...moreProviders,
      ],
    },
  };
  return settings;
}
