/**
 * Building the generated SDKs outside sdk/ (which stays exactly what the generator wrote):
 * the tests (test/sdk) and the release script (scripts/release.ts) build copies.
 *
 * - Node.js: `tsc` with the SDK's own tsconfig.json, resolving `@pulumi/pulumi`, `typescript`
 *   and `@types/node` from this repository's node_modules (a `node_modules` symlink in the
 *   copy), then package.json, README.md and LICENSE into bin/, the folder a user installs
 *   (`npm pack` there). The SDK reads its version from bin/package.json at run time.
 * - Python: setuptools' PEP 517 hooks (`setuptools.build_meta`) called directly with Debian's
 *   python3 (python3-setuptools, python3-wheel), offline: no build isolation, nothing fetched;
 *   a MANIFEST.in in the copy adds the type stubs older setuptools leave out.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Copies sdk/<lang> to `dest` (emptied first). */
export function copySdk(lang: "nodejs" | "python" | "go", dest: string, sdkRoot = REPO_ROOT): void {
  fs.rmSync(dest, { recursive: true, force: true });
  fs.cpSync(path.join(sdkRoot, "sdk", lang), dest, { recursive: true });
}

/**
 * Builds a copy of sdk/nodejs in `dest`; returns the folder to require or pack (`dest/bin`).
 * `nodeModules`: where `@pulumi/pulumi`, `typescript` and `@types/node` come from.
 */
export function buildNodeSdk(
  dest: string,
  { sdkRoot = REPO_ROOT, nodeModules = path.join(REPO_ROOT, "node_modules") } = {},
): string {
  copySdk("nodejs", dest, sdkRoot);
  fs.symlinkSync(nodeModules, path.join(dest, "node_modules"), "dir");
  execFileSync(process.execPath, [path.join(nodeModules, "typescript", "bin", "tsc"), "-p", dest], {
    cwd: dest,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const bin = path.join(dest, "bin");
  fs.copyFileSync(path.join(dest, "package.json"), path.join(bin, "package.json"));
  fs.copyFileSync(path.join(dest, "README.md"), path.join(bin, "README.md"));
  const license = path.join(sdkRoot, "LICENSE");
  if (fs.existsSync(license)) fs.copyFileSync(license, path.join(bin, "LICENSE"));
  return bin;
}

/** Debian's python3 (it has setuptools and wheel), else the first python3 on PATH. */
export function python3(): string {
  return fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

/** Whether `python` can build wheels offline (setuptools and wheel importable). */
export function canBuildWheels(python = python3()): boolean {
  try {
    execFileSync(python, ["-c", "import setuptools, wheel"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Every .py and .pyi file under `dir`. */
export function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.pyi?$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Builds a copy of sdk/python in `dest`: byte-compiles every file, then an sdist and a wheel
 * into `dest/dist`. Returns their paths.
 */
export function buildPythonSdk(
  dest: string,
  { sdkRoot = REPO_ROOT, python = python3() } = {},
): { sdist: string; wheel: string; compiled: number } {
  copySdk("python", dest, sdkRoot);
  // The generated pyproject.toml lists only py.typed and pulumi-plugin.json as package data;
  // setuptools 69 and later add *.pyi files (config/__init__.pyi) by themselves, Debian 12's
  // setuptools 66 leaves them out of the sdist and the wheel. A MANIFEST.in in the copy adds them
  // (include_package_data is on for pyproject.toml projects).
  fs.writeFileSync(path.join(dest, "MANIFEST.in"), "recursive-include pulumi_codeocean *.pyi\n");
  const files = pythonFiles(dest);
  // -B-like: compile into a scratch cache folder so the copy stays clean for the sdist.
  execFileSync(python, ["-m", "py_compile", ...files], {
    cwd: dest,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, PYTHONPYCACHEPREFIX: path.join(dest, ".pycache-check") },
  });
  fs.rmSync(path.join(dest, ".pycache-check"), { recursive: true, force: true });
  execFileSync(
    python,
    ["-c", "from setuptools import build_meta as b; b.build_sdist('dist'); b.build_wheel('dist')"],
    { cwd: dest, stdio: ["ignore", "ignore", "pipe"] },
  );
  const dist = fs.readdirSync(path.join(dest, "dist"));
  const sdist = dist.find((f) => f.endsWith(".tar.gz"));
  const wheel = dist.find((f) => f.endsWith(".whl"));
  if (!sdist || !wheel) throw new Error(`no sdist or wheel in ${dest}/dist: ${dist.join(", ")}`);
  return {
    sdist: path.join(dest, "dist", sdist),
    wheel: path.join(dest, "dist", wheel),
    compiled: files.length,
  };
}
