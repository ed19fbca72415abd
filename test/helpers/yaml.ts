/**
 * YAML programs through the real Pulumi CLI, the YAML language host and our native plugin
 * (bin/pulumi-resource-codeocean): a throwaway project per stack, a file:// backend, and the
 * CLI run as a child process so that a test can signal it and time it.
 *
 * The tools come as the other end-to-end suites get them: the CLI from findPulumiCli(), the
 * YAML host from $PULUMI_LANGUAGE_YAML_DIR (jest's global setup sets it from
 * scripts/install-pulumi-yaml.sh), PATH, or the cache that script fills.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_EMULATOR_TOKEN, RunningEmulator } from "../../emulator";
import { REPO_ROOT, findPulumiCli } from "../../scripts/lib/pulumiCli";
import { processesIn, signal } from "./processes";

export const PULUMI_YAML_VERSION = "v1.25.0";

/** The folder holding `pulumi-language-yaml`, if there is one. */
export function findYamlHost(): string | undefined {
  const has = (dir: string | undefined) =>
    !!dir && fs.existsSync(path.join(dir, "pulumi-language-yaml"));
  const fromEnv = process.env.PULUMI_LANGUAGE_YAML_DIR;
  if (has(fromEnv)) return fromEnv;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (has(dir)) return dir;
  }
  let version = process.env.PULUMI_YAML_VERSION ?? PULUMI_YAML_VERSION;
  if (!version.startsWith("v")) version = `v${version}`;
  const cacheRoot =
    process.env.PULUMI_CODEOCEAN_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-codeocean");
  const cached = path.join(cacheRoot, "pulumi-yaml", version);
  return has(cached) ? cached : undefined;
}

export const cliDir = findPulumiCli();
export const yamlHostDir = findYamlHost();
/** The folder holding the plugin executable, as a project names it in `plugins.providers`. */
export const PLUGIN_DIR = path.join(REPO_ROOT, "bin");
const PLUGIN_MAIN = path.join(REPO_ROOT, "dist", "provider", "faces", "plugin", "start.js");

/** A describe that needs the CLI and the YAML host: in CI a missing tool fails; elsewhere it skips, loudly. */
export function describeWithYaml(name: string, fn: () => void): void {
  const missing = [
    !cliDir && "the Pulumi CLI (scripts/install-pulumi-cli.sh)",
    !yamlHostDir && "the YAML language host (scripts/install-pulumi-yaml.sh)",
    !fs.existsSync(PLUGIN_MAIN) && "the built plugin (npm run build)",
  ].filter(Boolean);
  if (missing.length === 0) {
    describe(name, fn);
  } else if (process.env.CI) {
    describe(name, () => {
      it("needs its tools", () => {
        throw new Error(`Missing ${missing.join(", ")}: .ci/run provides them.`);
      });
    });
  } else {
    console.warn(`\n*** SKIPPING "${name}": missing ${missing.join(", ")}. ***\n`);
    describe.skip(name, fn);
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
}

/** One CLI run in progress. */
export interface RunningCli {
  child: ChildProcess;
  /** stdout and stderr so far, colour codes removed. */
  output(): string;
  /** When (Date.now()) the output first matched `pattern`, waiting up to `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<number>;
  done: Promise<CliResult>;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const strip = (s: string) => s.replace(ANSI, "");

export interface Resource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  initErrors?: string[];
  protect?: boolean;
  provider?: string;
}

export interface Deployment {
  resources?: Resource[];
  pending_operations?: { type: string; resource: Resource }[];
}

export interface ProjectOptions {
  emu: RunningEmulator;
  /** The YAML program after the project header: `resources:`, `variables:`, `outputs:`. */
  program: string;
  /** Extra stack config (plaintext), e.g. `{ "codeocean:takeOverWindowSeconds": "0" }`. */
  config?: Record<string, string>;
  /**
   * Where the engine finds our plugin: this checkout's bin/ named in Pulumi.yaml (default), or
   * only what `pulumi plugin install` put in the project's PULUMI_HOME ("installed").
   */
  plugin?: "repo" | "installed";
}

const STACK = "e2e";

/** Every CLI run of this process: what ran, for how long (printed by the suite). */
export const cliRuns: { project: string; args: string; ms: number }[] = [];

/** A YAML project with its own file:// backend and one stack, `e2e`, configured for `emu`. */
export class YamlProject {
  readonly root: string;
  /** The project folder (the CLI's working directory). */
  readonly dir: string;
  readonly env: Record<string, string>;
  private readonly running = new Set<ChildProcess>();

  private constructor(
    readonly name: string,
    private readonly plugin: "repo" | "installed" = "repo",
  ) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), `yaml-${name}-`));
    this.dir = path.join(this.root, name);
    for (const d of [this.dir, path.join(this.root, "backend"), path.join(this.root, "home")]) {
      fs.mkdirSync(d, { recursive: true });
    }
    // The provider falls back to CODEOCEAN_* variables: none from the developer's shell.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k, v]) => v !== undefined && !k.startsWith("CODEOCEAN_") && !k.startsWith("PULUMI_"),
      ),
    ) as Record<string, string>;
    this.env = {
      ...inherited,
      PULUMI_BACKEND_URL: `file://${path.join(this.root, "backend")}`,
      PULUMI_HOME: path.join(this.root, "home"),
      PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
      PATH: [cliDir!, process.env.PATH ?? ""].join(path.delimiter),
    };
  }

  static async create(name: string, opts: ProjectOptions): Promise<YamlProject> {
    const p = new YamlProject(name, opts.plugin);
    p.writeProgram(opts.program);
    await p.ok(["stack", "init", STACK]);
    const config: Record<string, string> = {
      "codeocean:domain": opts.emu.url,
      "codeocean:minPollIntervalSeconds": "0.1",
      // A compressed clock: retries against the emulator need not sit in real backoff.
      "codeocean:retryDelayScale": "0.1",
      ...opts.config,
    };
    await p.ok([
      "config",
      "set-all",
      ...Object.entries(config).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`]),
      "--secret",
      `codeocean:token=${DEFAULT_EMULATOR_TOKEN}`,
    ]);
    return p;
  }

  /** Pulumi.yaml: the header naming the YAML host and our plugin, then `program`. */
  writeProgram(program: string): void {
    const header = [
      `name: ${this.name}`,
      "runtime: yaml",
      "plugins:",
      "  languages:",
      "    - name: yaml",
      `      path: ${yamlHostDir}`,
      ...(this.plugin === "repo"
        ? ["  providers:", "    - name: codeocean", `      path: ${PLUGIN_DIR}`]
        : []),
      "",
    ].join("\n");
    fs.writeFileSync(this.programFile, header + program.replace(/^\n+/, ""));
  }

  get programFile(): string {
    return path.join(this.dir, "Pulumi.yaml");
  }

  /** Starts `pulumi <args> --non-interactive --color never` in the project folder. */
  start(args: string[]): RunningCli {
    const started = Date.now();
    const child = spawn(
      path.join(cliDir!, "pulumi"),
      [...args, "--non-interactive", "--color", "never"],
      { cwd: this.dir, env: this.env, stdio: ["ignore", "pipe", "pipe"] },
    );
    this.running.add(child);
    let stdout = "";
    let stderr = "";
    const waiters: { pattern: RegExp; resolve: (t: number) => void }[] = [];
    const seen = () => {
      const text = strip(stdout + stderr);
      for (const w of [...waiters]) {
        if (w.pattern.test(text)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(Date.now());
        }
      }
    };
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      seen();
    });
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      seen();
    });
    const done = new Promise<CliResult>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, sig) => {
        this.running.delete(child);
        cliRuns.push({ project: this.name, args: args.join(" "), ms: Date.now() - started });
        resolve({
          code,
          signal: sig,
          stdout: strip(stdout),
          stderr: strip(stderr),
          ms: Date.now() - started,
        });
      });
    });
    return {
      child,
      output: () => strip(stdout + stderr),
      waitForOutput: (pattern, timeoutMs = 60_000) =>
        new Promise<number>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no output matching ${pattern} in ${timeoutMs} ms`)),
            timeoutMs,
          );
          waiters.push({
            pattern,
            resolve: (t) => {
              clearTimeout(timer);
              resolve(t);
            },
          });
          seen();
        }),
      done,
    };
  }

  /** Runs `pulumi <args>` to its end (killed after `timeoutMs`). */
  async run(args: string[], timeoutMs = 120_000): Promise<CliResult> {
    const cli = this.start(args);
    const timer = setTimeout(() => signal([cli.child.pid!], "SIGKILL"), timeoutMs);
    try {
      return await cli.done;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs `pulumi <args>` and fails with its output unless it exits 0. */
  async ok(args: string[], timeoutMs?: number): Promise<CliResult> {
    const r = await this.run(args, timeoutMs);
    if (r.code !== 0) {
      throw new Error(
        `pulumi ${args.join(" ")} exited ${r.code ?? r.signal}:\n${r.stdout}\n${r.stderr}`,
      );
    }
    return r;
  }

  up(extra: string[] = []): Promise<CliResult> {
    return this.ok(["up", "--yes", "--skip-preview", ...extra]);
  }

  /**
   * `pulumi preview --json`: the change summary (every resource, the stack's included) and the
   * steps — the stack's and the changed resources' only; unchanged resources are not listed.
   */
  async previewJson(): Promise<{
    changeSummary: Record<string, number>;
    steps: { op: string; urn: string; diffReasons?: string[] }[];
  }> {
    const r = await this.ok(["preview", "--json"]);
    return JSON.parse(r.stdout);
  }

  /** `pulumi stack export` as text (what a user would grep) and parsed. */
  async exportStack(): Promise<{ text: string; deployment: Deployment }> {
    const { stdout } = await this.ok(["stack", "export"]);
    return { text: stdout, deployment: JSON.parse(stdout).deployment as Deployment };
  }

  urn(type: string, name: string): string {
    return `urn:pulumi:${STACK}::${this.name}::${type}::${name}`;
  }

  /** Every file of the file:// backend, concatenated (the state as it sits on disk). */
  backendText(): string {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else out.push(fs.readFileSync(p, "utf8"));
      }
    };
    walk(path.join(this.root, "backend"));
    return out.join("\n");
  }

  /** Processes still running in the project folder: language host and plugins a killed CLI left. */
  leftovers(pattern = /pulumi/): number[] {
    return processesIn(this.dir, pattern);
  }

  /** Stops what this project started (by pid) and removes its folder. */
  cleanup(): void {
    signal(
      [...this.running].map((c) => c.pid!),
      "SIGKILL",
    );
    signal(this.leftovers(), "SIGKILL");
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** The stack's outputs as the state holds them (a secret one as its ciphertext object). */
export function stackOutputs(d: Deployment): Record<string, unknown> {
  return (d.resources ?? []).find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {};
}

/** Custom resources of the state (no stack, no providers). */
export function customResources(d: Deployment): Resource[] {
  return (d.resources ?? []).filter(
    (r) => r.custom && !r.type.startsWith("pulumi:providers:") && r.type !== "pulumi:pulumi:Stack",
  );
}

/** Journal entries that change something in Code Ocean. */
export function writes(emu: RunningEmulator): string[] {
  return emu.admin
    .journal()
    .filter((e) => e.method !== "GET" && !e.route.endsWith("/search"))
    .map((e) => e.route);
}
