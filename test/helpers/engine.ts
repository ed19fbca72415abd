/**
 * End-to-end tests run the real Pulumi engine (the CLI, built from Go modules by
 * scripts/install-pulumi-cli.sh) through the Automation API with inline programs, a
 * throwaway file:// backend and the emulator.
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { DEFAULT_EMULATOR_TOKEN, RunningEmulator } from "../../emulator";
import { EngineEnv, engineEnv, findPulumiCli, projectSettings } from "../../scripts/lib/pulumiCli";
import * as fs from "fs";
import * as path from "path";

export const cliDir = findPulumiCli();

/** A describe that needs the CLI: in CI a missing CLI fails; elsewhere it skips, loudly. */
export function describeWithEngine(name: string, fn: () => void): void {
  if (cliDir) {
    describe(name, fn);
  } else if (process.env.CI) {
    describe(name, () => {
      it("needs the Pulumi CLI", () => {
        throw new Error(
          "No Pulumi CLI on PATH or in the cache: run scripts/install-pulumi-cli.sh first (.ci/run does).",
        );
      });
    });
  } else {
    console.warn(
      `\n*** SKIPPING end-to-end tests "${name}": no Pulumi CLI. Run scripts/install-pulumi-cli.sh (needs Go) or install Pulumi. ***\n`,
    );
    describe.skip(name, fn);
  }
}

export interface TestStack {
  stack: Stack;
  engine: EngineEnv;
  /** Every file of the file:// backend, concatenated (the state as it sits on disk). */
  backendText(): string;
  destroyAndCleanup(): Promise<void>;
}

export async function newStack(
  projectName: string,
  program: () => Promise<Record<string, unknown>>,
  emu: RunningEmulator,
  config: Record<string, string> = {},
): Promise<TestStack> {
  const engine = engineEnv(cliDir!, `${projectName}-`);
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "e2e", projectName, program },
    {
      workDir: engine.dir,
      envVars: engine.env,
      // The dynamic-provider host as a project plugin: the engine then does not fall back to
      // (and warn about) the one on PATH.
      projectSettings: projectSettings(projectName),
    },
  );
  await stack.setAllConfig({
    "codeocean:domain": { value: emu.url },
    "codeocean:token": { value: DEFAULT_EMULATOR_TOKEN, secret: true },
    "codeocean:minPollIntervalSeconds": { value: "0.1" },
    // A compressed clock: retries against the emulator need not sit in real backoff.
    "codeocean:retryDelayScale": { value: "0.1" },
    ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v }])),
  });
  const backendText = () => readBackend(engine.dir);
  return {
    stack,
    engine,
    backendText,
    async destroyAndCleanup() {
      try {
        await stack.destroy();
      } finally {
        engine.cleanup();
      }
    },
  };
}

/** Calls that change something in Code Ocean, by route. */
export function writeCalls(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts).filter(
      ([route]) => !route.startsWith("GET ") && !route.endsWith("/search"),
    ),
  );
}

/** Every file of the file:// backend under `dir`, concatenated (the state as it sits on disk). */
export function readBackend(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(fs.readFileSync(p, "utf8"));
    }
  };
  walk(path.join(dir, "backend"));
  return out.join("\n");
}
