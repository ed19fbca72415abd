/**
 * `npm run release -- <version> --out <folder>` in a throwaway copy of this checkout (its files
 * as git sees them, node_modules linked): one version everywhere, the SDKs regenerated, and
 * every artifact in the folder. The checkout itself is left alone.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { childEnv, run } from "../package/helpers";
import { goDir, REPO_ROOT } from "./helpers";
import { RunningEmulator, startEmulator } from "../../emulator";
import { writes, YamlProject, yamlHostDir } from "../helpers/yaml";

const VERSION = "0.99.1";
const GO_MODULE = "github.com/codeocean/pulumi-codeocean/sdk/go/codeocean";
const maybe = goDir() || process.env.CI ? describe : describe.skip;

maybe("npm run release, in a throwaway copy", () => {
  let work: string;
  let copy: string;
  let out: string;
  const before = fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8");
  const readCopy = (f: string) => fs.readFileSync(path.join(copy, f), "utf8");
  const unzip = (file: string, args: string[]) =>
    execFileSync(
      "python3",
      [
        "-c",
        "import sys, zipfile, tarfile\nf = sys.argv[1]\nprint('\\n'.join(zipfile.ZipFile(f).namelist() if f.endswith(('.zip', '.whl')) else tarfile.open(f).getnames()))",
        file,
        ...args,
      ],
      { encoding: "utf8" },
    )
      .trim()
      .split("\n");

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "codeocean-release-"));
    copy = path.join(work, "repo");
    out = path.join(work, "out");
    const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    })
      .split("\0")
      .filter((f) => f && fs.existsSync(path.join(REPO_ROOT, f)));
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, f), path.join(copy, f));
    }
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
    const env = childEnv({ PATH: [goDir(), process.env.PATH].filter(Boolean).join(path.delimiter) });
    const started = Date.now();
    await run("npm", ["run", "release", "--", VERSION, "--out", out], copy, 20 * 60_000, env);
    console.log(`npm run release took ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }, 20 * 60_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("builds every artifact into the folder", () => {
    expect(fs.readdirSync(out).sort()).toEqual(
      [
        "RELEASE.md",
        "SHA256SUMS",
        "codeocean-pulumi-" + VERSION + ".tgz",
        `${GO_MODULE.replace(/\//g, "+")}@v${VERSION}.zip`,
        `pulumi-codeocean-${VERSION}.tgz`,
        `pulumi-resource-codeocean-v${VERSION}-linux-amd64.tar.gz`,
        `pulumi_codeocean-${VERSION}-py3-none-any.whl`,
        `pulumi_codeocean-${VERSION}.tar.gz`,
        "schema.json",
      ].sort(),
    );
    const release = fs.readFileSync(path.join(out, "RELEASE.md"), "utf8");
    expect(release).toContain(`sdk/go/codeocean/v${VERSION}`);
    expect(release).toContain(
      `pulumi plugin install resource codeocean ${VERSION} --file ./pulumi-resource-codeocean-v${VERSION}-linux-amd64.tar.gz`,
    );
    expect(fs.readFileSync(path.join(out, "SHA256SUMS"), "utf8").trim().split("\n")).toHaveLength(8);
  });

  it("bumps one version everywhere in the copy, and leaves this checkout alone", () => {
    expect(JSON.parse(readCopy("package.json")).version).toBe(VERSION);
    expect(JSON.parse(readCopy("package-lock.json")).version).toBe(VERSION);
    expect(JSON.parse(readCopy("package-lock.json")).packages[""].version).toBe(VERSION);
    expect(readCopy("provider/version.ts")).toContain(`VERSION = "${VERSION}"`);
    expect(JSON.parse(readCopy("provider/schema.json")).version).toBe(VERSION);
    expect(JSON.parse(readCopy("sdk/nodejs/package.json")).version).toBe(VERSION);
    expect(readCopy("sdk/python/pyproject.toml")).toContain(`version = "${VERSION}"`);
    expect(readCopy("sdk/go/codeocean/internal/pulumiUtilities.go")).toContain(
      `semver.MustParse("${VERSION}")`,
    );
    expect(readCopy("docs/reference.md")).toContain(`(version ${VERSION})`);
    expect(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).toBe(before);
  });

  it("the artifacts hold what each language installs", () => {
    const npmPackage = unzip(path.join(out, `pulumi-codeocean-${VERSION}.tgz`), []);
    expect(npmPackage).toEqual(
      expect.arrayContaining([
        "package/bin/pulumi-resource-codeocean",
        "package/provider/schema.json",
        "package/dist/provider/faces/plugin/start.js",
      ]),
    );
    expect(unzip(path.join(out, `codeocean-pulumi-${VERSION}.tgz`), [])).toEqual(
      expect.arrayContaining(["package/package.json", "package/index.js", "package/index.d.ts"]),
    );
    expect(unzip(path.join(out, `pulumi_codeocean-${VERSION}-py3-none-any.whl`), [])).toEqual(
      expect.arrayContaining([
        "pulumi_codeocean/data_asset.py",
        "pulumi_codeocean/config/__init__.pyi",
        `pulumi_codeocean-${VERSION}.dist-info/METADATA`,
      ]),
    );
    const goZip = unzip(path.join(out, `${GO_MODULE.replace(/\//g, "+")}@v${VERSION}.zip`), []);
    expect(goZip).toEqual(
      expect.arrayContaining([
        `${GO_MODULE}@v${VERSION}/go.mod`,
        `${GO_MODULE}@v${VERSION}/dataAsset.go`,
      ]),
    );
    expect(goZip.every((f) => f.startsWith(`${GO_MODULE}@v${VERSION}/`))).toBe(true);
  });

  it("the copy's SDKs are current for its schema", async () => {
    const check = await run(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "scripts/generate-sdk.ts", "--check"],
      copy,
      300_000,
    );
    expect(check).toBe("");
  }, 300_000);
  /**
   * The plugin tarball as a user of another language installs it: `pulumi plugin install
   * --file`, then a YAML program whose Pulumi.yaml names no plugin path — the engine finds the
   * installed plugin — creates an asset against the emulator, previews with no change and
   * destroys it.
   */
  it("the plugin tarball installs with `pulumi plugin install --file` and serves a YAML program", async () => {
    if (!yamlHostDir) throw new Error("no YAML language host: scripts/install-pulumi-yaml.sh");
    const tarball = path.join(out, `pulumi-resource-codeocean-v${VERSION}-linux-amd64.tar.gz`);
    const listed = execFileSync("tar", ["-tzf", tarball], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    }).split("\n");
    expect(listed).toEqual(
      expect.arrayContaining([
        "./pulumi-resource-codeocean",
        "./node_modules/pulumi-codeocean/dist/provider/faces/plugin/start.js",
        "./node_modules/pulumi-codeocean/provider/schema.json",
        "./node_modules/@pulumi/pulumi/package.json",
        "./node_modules/@grpc/grpc-js/package.json",
      ]),
    );
    let emu: RunningEmulator | undefined;
    let project: YamlProject | undefined;
    try {
      emu = await startEmulator({ port: 0, host: "127.0.0.1", readyAfterMs: 100 });
      project = await YamlProject.create("installed", {
        emu,
        plugin: "installed",
        program: `
resources:
  reads:
    type: codeocean:index:DataAsset
    properties:
      name: reads from the installed plugin
      mount: reads
      source:
        aws:
          bucket: acme-reads
          keepOnExternalStorage: true
`,
      });
      await project.ok(["plugin", "install", "resource", "codeocean", VERSION, "--file", tarball]);
      expect((await project.ok(["plugin", "ls"])).stdout).toMatch(
        new RegExp(`codeocean\\s+resource\\s+${VERSION.replace(/\./g, "\\.")}`),
      );
      await project.ok(["up", "--yes"]);
      const { deployment } = await project.exportStack();
      const asset = deployment.resources?.find((r) => r.type === "codeocean:index:DataAsset");
      expect(emu.admin.asset(asset!.id!)).toMatchObject({ name: "reads from the installed plugin" });
      emu.admin.clearJournal();
      await project.ok(["preview", "--expect-no-changes"]);
      expect(writes(emu)).toEqual([]);
      await project.ok(["destroy", "--yes"]);
      expect(emu.admin.asset(asset!.id!)).toMatchObject({ archived: true });
    } finally {
      project?.cleanup();
      await emu?.stop();
    }
  }, 300_000);
});
