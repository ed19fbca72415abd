/**
 * What the SDK suites share: the repository's plugin (bin/pulumi-resource-codeocean, built by
 * `npm run build`), a child-process runner.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** The folder holding this repository's plugin executable. */
export const PLUGIN_DIR = path.join(REPO_ROOT, "bin");

/** The plugin runs the compiled provider: fail clearly when `npm run build` has not run. */
export function assertPluginBuilt(): void {
  const start = path.join(REPO_ROOT, "dist", "provider", "faces", "plugin", "start.js");
  if (!fs.existsSync(start))
    throw new Error(`${start} is missing: run \`npm run build\` (npm test does) before this suite`);
}

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; never rejects (the exit code is in the result). */
export function run(
  file: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: opts.cwd ?? REPO_ROOT,
        env: opts.env ?? process.env,
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: "utf8",
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

/** Go on PATH or at /usr/local/go/bin: its folder, else undefined. */
export function goDir(): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(path.delimiter), "/usr/local/go/bin"]) {
    if (dir && fs.existsSync(path.join(dir, "go"))) return dir;
  }
  return undefined;
}

