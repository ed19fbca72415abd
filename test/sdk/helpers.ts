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


/** What test/sdk/python_ast.py reads off the Python package (without importing it). */
export interface PythonPackage {
  classes: Record<
    string,
    {
      module: string;
      doc: string;
      init: string[];
      initDocs: string[];
      properties: Record<string, { python: string; doc: string }>;
    }
  >;
  functions: Record<string, { module: string; params: string[]; doc: string }>;
  unresolved: string[];
}

export interface PythonUses {
  aliases: string[];
  calls: { callee: string; line: number; keywords: string[] }[];
  reads: { variable: string; class: string; attribute: string; line: number }[];
}

const PYTHON_AST = path.join(__dirname, "python_ast.py");

/** The classes and functions of a Python package folder, read without running it. */
export async function readPythonPackage(python: string, dir: string): Promise<PythonPackage> {
  const ran = await run(python, [PYTHON_AST, "package", dir]);
  if (ran.code !== 0) throw new Error(`python_ast.py package ${dir}: ${ran.stderr}`);
  return JSON.parse(ran.stdout) as PythonPackage;
}

/**
 * What Python code (a file) does with `import <module> as …`: each problem a line, empty when
 * every class or function it calls exists in `pkg`, every keyword is a parameter of it, and every
 * attribute it reads off a resource is one of the resource's properties.
 */
export async function checkPythonUses(
  python: string,
  file: string,
  module: string,
  pkg: PythonPackage,
): Promise<{ problems: string[]; uses: PythonUses }> {
  const ran = await run(python, [PYTHON_AST, "calls", file, module]);
  if (ran.code !== 0) throw new Error(`python_ast.py calls ${file}: ${ran.stderr}`);
  const uses = JSON.parse(ran.stdout) as PythonUses;
  const problems: string[] = [];
  if (!uses.aliases.length) problems.push(`no \`import ${module} as …\``);
  for (const call of uses.calls) {
    const cls = pkg.classes[call.callee];
    const fn = pkg.functions[call.callee];
    const params = cls?.init ?? fn?.params;
    if (!params) {
      problems.push(`line ${call.line}: ${module} has no ${call.callee}`);
      continue;
    }
    for (const k of call.keywords)
      if (!params.includes(k)) problems.push(`line ${call.line}: ${call.callee} has no ${k}=`);
  }
  for (const read of uses.reads) {
    const props = Object.values(pkg.classes[read.class]?.properties ?? {}).map((p) => p.python);
    // Every resource also has the engine's id and urn.
    if (![...props, "id", "urn"].includes(read.attribute))
      problems.push(`line ${read.line}: ${read.class} has no property ${read.attribute}`);
  }
  return { problems, uses };
}
