/**
 * Shared by the packaging tests: children that run outside the repo, a build that only
 * runs when dist/ is stale, and `npm pack` into a folder.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { REPO_ROOT } from "../helpers/host";

export { REPO_ROOT };

const execFileAsync = promisify(execFile);

/**
 * The environment for npm and node children. `npm test` exports its own settings as
 * npm_* variables — among them npm_config_local_prefix, the repo root, which must not leak
 * into an install meant for another folder. Registry, cache and proxy settings pass through.
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const keep =
    /^npm_config_(registry|cache|userconfig|globalconfig|.*proxy|noproxy|cafile|strict_ssl)$/i;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && !keep.test(k)) continue;
    env[k] = v;
  }
  env.NODE_PATH = "";
  return { ...env, ...extra };
}

export async function run(
  cmd: string,
  args: string[],
  cwd: string,
  timeoutMs = 240_000,
  env: NodeJS.ProcessEnv = childEnv(),
): Promise<string> {
  try {
    const { stdout } = await execFileAsync(cmd, args, {
      cwd,
      env,
      encoding: "utf8",
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    throw new Error(
      `\`${cmd} ${args.join(" ")}\` failed in ${cwd}: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`,
    );
  }
}

/** TypeScript sources of a folder, recursively, the way tsconfig.build.json selects them. */
function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(REPO_ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !f.endsWith(".test.ts"))
    .map((f) => path.posix.join(dir, f.split(path.sep).join("/")));
}

/** What `npm run build` must have put in the tarball: a .js and a .d.ts per source. */
export function expectedDist(): string[] {
  return [...sources("provider"), ...sources("emulator")]
    .flatMap((src) => {
      const out = `dist/${src.replace(/\.ts$/, "")}`;
      return [`${out}.js`, `${out}.d.ts`];
    })
    .sort();
}

/**
 * `npm run build` unless dist/ is already newer than every source. Under `npm test` the
 * build has just run, and rebuilding here would rewrite dist/ while other test files in
 * parallel workers load it.
 */
export async function buildIfStale(): Promise<void> {
  const stale = expectedDist().some((out) => {
    const src = path.join(
      REPO_ROOT,
      out.replace(/^dist\//, "").replace(/(\.d)?\.ts$|\.js$/, ".ts"),
    );
    const built = path.join(REPO_ROOT, out);
    return !fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(src).mtimeMs;
  });
  if (!stale) return;
  console.log("dist/ is older than the sources: npm run build");
  await run("npm", ["run", "build"], REPO_ROOT);
}

export interface PackInfo {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string }[];
}

/** `npm pack` of the repo (dist/ as it is) into `dest`; returns npm's report and the tarball path. */
export async function packInto(dest: string): Promise<{ pack: PackInfo; tarball: string }> {
  // --ignore-scripts: `prepare` would build again (see buildIfStale); dist/ is current here.
  const packed = await run(
    "npm",
    ["pack", "--json", "--ignore-scripts", "--pack-destination", dest],
    REPO_ROOT,
  );
  const [pack] = JSON.parse(packed) as PackInfo[];
  return { pack, tarball: path.join(dest, pack.filename) };
}
