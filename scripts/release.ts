/**
 * Cuts a release: one version for the plugin, the schema and every SDK.
 *
 *   npm run release -- <version> [--out <folder>]
 *
 * 1. bumps the version in package.json and package-lock.json (`npm version`) and
 *    provider/version.ts (the plugin reports it; the schema carries it);
 * 2. regenerates provider/schema.json (`npm run generate`), then sdk/ and docs/reference.md
 *    (`npm run generate:sdk`), so every SDK carries the version;
 * 3. builds into <folder> (default dist/release/<version>):
 *    - pulumi-codeocean-<version>.tgz: the npm package, which holds the plugin
 *      (bin/pulumi-resource-codeocean) and the dynamic resources (`npm pack`);
 *    - codeocean-pulumi-<version>.tgz: the Node.js SDK, @codeocean/pulumi (tsc, `npm pack`);
 *    - pulumi_codeocean-<version>-py3-none-any.whl and pulumi_codeocean-<version>.tar.gz: the
 *      Python SDK (setuptools, offline);
 *    - github.com+codeocean+pulumi-codeocean+sdk+go+codeocean@v<version>.zip: the Go module as
 *      the Go module proxy serves it (after `go build ./...` and `go vet ./...` pass), and the
 *      tag to push for it (RELEASE.md);
 *    - schema.json, RELEASE.md and SHA256SUMS.
 *    - pulumi-resource-codeocean-v<version>-linux-amd64.tar.gz: the plugin tarball, for
 *      `pulumi plugin install resource codeocean <version> --file …` (scripts/plugin-tarball.sh);
 *
 * It leaves committing and tagging to you. Try it in a throwaway clone, as
 * test/sdk/release.test.ts does.
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildNodeSdk, buildPythonSdk, canBuildWheels, python3 } from "./lib/sdkBuild";

const root = path.resolve(__dirname, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function log(message: string) {
  console.error(`release: ${message}`);
}

function fail(message: string): never {
  log(message);
  process.exit(1);
}

function sh(file: string, args: string[], cwd = root): string {
  return execFileSync(file, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

function timed<T>(what: string, fn: () => T): T {
  const started = Date.now();
  const result = fn();
  log(`${what}: ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return result;
}

/** Go on PATH or at /usr/local/go/bin. */
function goBinary(): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(path.delimiter), "/usr/local/go/bin"]) {
    if (dir && fs.existsSync(path.join(dir, "go"))) return path.join(dir, "go");
  }
  return undefined;
}

/** Every file under `dir`, relative to it, sorted. */
function walk(dir: string, rel = ""): string[] {
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => {
      const p = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory() ? walk(dir, p) : [p];
    })
    .sort();
}

/**
 * The Go module zip the module proxy serves (golang.org/x/mod/zip): every file of the module
 * under `<module>@<version>/`. Written with Python's zipfile, which every machine here has.
 */
function goModuleZip(moduleDir: string, modulePath: string, version: string, out: string) {
  const files = walk(moduleDir);
  const script = `import sys, zipfile
src, prefix, out = sys.argv[1], sys.argv[2], sys.argv[3]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for f in sys.argv[4:]:
        info = zipfile.ZipInfo(prefix + f, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, open(src + "/" + f, "rb").read())`;
  sh(python3(), ["-c", script, moduleDir, `${modulePath}@${version}/`, out, ...files]);
}

function main() {
  const args = process.argv.slice(2);
  const version = args.find((a) => !a.startsWith("--") && args[args.indexOf(a) - 1] !== "--out");
  const outIndex = args.indexOf("--out");
  if (!version || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version))
    fail("usage: npm run release -- <version, e.g. 0.4.0> [--out <folder>]");
  const out = path.resolve(
    outIndex >= 0 ? args[outIndex + 1] : path.join(root, "dist", "release", version),
  );
  const python = python3();
  if (!canBuildWheels(python))
    fail(`${python} lacks setuptools or wheel (apt-get install python3-setuptools python3-wheel)`);
  const go = goBinary();
  if (!go) fail("the Go SDK is checked with Go before it is zipped: install Go");

  // 1. One version everywhere.
  const previous = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
  log(`${previous} → ${version}`);
  sh(npm, ["version", version, "--no-git-tag-version", "--allow-same-version"]);
  const versionTs = path.join(root, "provider", "version.ts");
  const text = fs.readFileSync(versionTs, "utf8");
  const bumped = text.replace(/VERSION = "[^"]*"/, `VERSION = "${version}"`);
  if (bumped === text && !text.includes(`VERSION = "${version}"`))
    fail('provider/version.ts has no `VERSION = "…"`');
  fs.writeFileSync(versionTs, bumped);

  // 2. The schema, then the SDKs and the reference, from the declarations.
  timed("npm run generate", () => sh(npm, ["run", "-s", "generate"]));
  timed("npm run generate:sdk", () => sh(npm, ["run", "-s", "generate:sdk"]));
  const schema = JSON.parse(fs.readFileSync(path.join(root, "provider", "schema.json"), "utf8"));
  if (schema.version !== version) fail(`provider/schema.json says ${schema.version}`);

  // 3. The artifacts.
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "codeocean-release-"));
  try {
    // npm pack runs `prepare`, which builds dist/ (the plugin's code) first.
    timed("npm package (npm pack)", () => sh(npm, ["pack", "--silent", "--pack-destination", out]));
    timed("plugin tarball (scripts/plugin-tarball.sh)", () =>
      sh("bash", [path.join(root, "scripts", "plugin-tarball.sh"), out]),
    );
    const nodeSdk = timed("Node.js SDK (tsc)", () => buildNodeSdk(path.join(work, "nodejs")));
    timed("Node.js SDK (npm pack)", () =>
      sh(npm, ["pack", "--silent", "--pack-destination", out], nodeSdk),
    );
    const py = timed("Python SDK (py_compile, sdist, wheel)", () =>
      buildPythonSdk(path.join(work, "python"), { python }),
    );
    for (const f of [py.wheel, py.sdist]) fs.copyFileSync(f, path.join(out, path.basename(f)));

    const goModule = path.join(root, "sdk", "go", "codeocean");
    const modulePath = sh(go, ["list", "-m"], goModule).trim();
    timed("Go SDK (go build, go vet)", () => {
      sh(go, ["build", "./..."], goModule);
      sh(go, ["vet", "./..."], goModule);
    });
    const goVersion = `v${version}`;
    const zipName = `${modulePath.replace(/\//g, "+")}@${goVersion}.zip`;
    goModuleZip(goModule, modulePath, goVersion, path.join(out, zipName));
    fs.copyFileSync(path.join(root, "provider", "schema.json"), path.join(out, "schema.json"));

    const goTag = `sdk/go/codeocean/${goVersion}`;
    const files = fs.readdirSync(out).sort();
    fs.writeFileSync(
      path.join(out, "RELEASE.md"),
      `# pulumi-codeocean ${version}

One version for the plugin, the schema and every SDK.

| file | what | install |
|---|---|---|
${files
  .map((f) => {
    if (f.startsWith("pulumi-resource-codeocean-"))
      return `| ${f} | the plugin alone, with its dependencies (needs \`node\` >= 20 on PATH) | \`pulumi plugin install resource codeocean ${version} --file ./${f}\` |`;
    if (f.startsWith("pulumi-codeocean-"))
      return `| ${f} | npm package \`pulumi-codeocean\`: the plugin \`pulumi-resource-codeocean\` and the dynamic resources | \`npm install -g ./${f}\` (the plugin on PATH) |`;
    if (f.startsWith("codeocean-pulumi-"))
      return `| ${f} | Node.js SDK \`@codeocean/pulumi\` | \`npm install ./${f}\` |`;
    if (f.endsWith(".whl") || (f.startsWith("pulumi_codeocean") && f.endsWith(".tar.gz")))
      return `| ${f} | Python SDK \`pulumi_codeocean\` | \`pip install ./${f}\` |`;
    if (f.endsWith(".zip"))
      return `| ${f} | Go SDK \`${modulePath}\`, as the module proxy serves it | tag the commit \`${goTag}\` and push it; then \`go get ${modulePath}@${goVersion}\` |`;
    if (f === "schema.json") return `| ${f} | the package schema the plugin serves | |`;
    return "";
  })
  .filter(Boolean)
  .join("\n")}

Then: commit the bumped files, tag \`v${version}\` and \`${goTag}\`, push both tags, publish the
npm tarballs (\`npm publish <file>\`) and the Python files (\`twine upload\`).
`,
    );
    const sums = fs
      .readdirSync(out)
      .filter((f) => f !== "SHA256SUMS")
      .sort()
      .map(
        (f) =>
          `${crypto
            .createHash("sha256")
            .update(fs.readFileSync(path.join(out, f)))
            .digest("hex")}  ${f}`,
      );
    fs.writeFileSync(path.join(out, "SHA256SUMS"), sums.join("\n") + "\n");
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  log(`wrote ${out}:`);
  for (const f of fs.readdirSync(out).sort()) console.log(path.join(out, f));
  log(
    `now: git commit -am "Release ${version}" && git tag v${version} && git tag sdk/go/codeocean/v${version}`,
  );
}

main();
