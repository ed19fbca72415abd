/**
 * The plugin tarball (`npm run plugin:tarball`), as a user of another language installs it:
 * `pulumi plugin install resource codeocean <version> --file <tarball>`, then a YAML program
 * whose Pulumi.yaml names no plugin path — the engine finds the installed plugin — creates a
 * data asset against the emulator, previews with no change and destroys it.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { RunningEmulator, startEmulator } from "../../emulator";
import { REPO_ROOT } from "../../scripts/lib/pulumiCli";
import { describeWithYaml, writes, YamlProject } from "../helpers/yaml";

const VERSION: string = JSON.parse(
  fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"),
).version;

describeWithYaml("the plugin tarball", () => {
  let out: string;
  let tarball: string;
  let emu: RunningEmulator;
  let project: YamlProject;

  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "plugin-tarball-"));
    const { stdout } = await promisify(execFile)(
      "bash",
      [path.join(REPO_ROOT, "scripts", "plugin-tarball.sh"), out],
      { cwd: REPO_ROOT, encoding: "utf8", timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
    );
    tarball = stdout.trim().split("\n").pop()!;
    emu = await startEmulator({ port: 0, host: "127.0.0.1", readyAfterMs: 100 });
  }, 660_000);

  afterAll(async () => {
    project?.cleanup();
    await emu?.stop();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it("is named for its version and holds the plugin and its dependencies", async () => {
    expect(path.basename(tarball)).toBe(`pulumi-resource-codeocean-v${VERSION}-linux-amd64.tar.gz`);
    const { stdout } = await promisify(execFile)("tar", ["-tzf", tarball], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    const entries = stdout.split("\n");
    expect(entries).toEqual(
      expect.arrayContaining([
        "./pulumi-resource-codeocean",
        "./node_modules/pulumi-codeocean/dist/provider/faces/plugin/start.js",
        "./node_modules/pulumi-codeocean/provider/schema.json",
        "./node_modules/@pulumi/pulumi/package.json",
        "./node_modules/@grpc/grpc-js/package.json",
      ]),
    );
  });

  it("installs with `pulumi plugin install --file` and serves a program that names no plugin path", async () => {
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
outputs:
  id: \${reads.id}
`,
    });
    await project.ok(["plugin", "install", "resource", "codeocean", VERSION, "--file", tarball]);
    const listed = await project.ok(["plugin", "ls"]);
    expect(listed.stdout).toMatch(
      new RegExp(`codeocean\\s+resource\\s+${VERSION.replace(/\./g, "\\.")}`),
    );

    await project.ok(["up", "--yes"]);
    const { deployment } = await project.exportStack();
    const asset = deployment.resources?.find((r) => r.type === "codeocean:index:DataAsset");
    expect(emu.admin.asset(asset!.id!)).toMatchObject({ name: "reads from the installed plugin" });

    emu.admin.clearJournal();
    const preview = await project.ok(["preview", "--expect-no-changes"]);
    expect(preview.stdout).toMatch(/2 unchanged/);
    expect(writes(emu)).toEqual([]);

    await project.ok(["destroy", "--yes"]);
    expect(emu.admin.asset(asset!.id!)).toMatchObject({ archived: true });
  }, 300_000);
});
