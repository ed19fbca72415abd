/**
 * The package as users get it: `npm pack` in the repo, the tarball installed into a fresh
 * project in a temp folder outside the repo, and from there a create → update → delete
 * lifecycle through the real dynamic-provider host, with the provider text serialized from
 * the installed package and an emulator loaded from the installed package. Nothing here
 * reaches the repo's sources or its node_modules/pulumi-codeocean self-link at run time,
 * so it proves the `files` list, `main`/`types`/`exports`/`bin`, the compiled JavaScript
 * and its `dependencies`, and that the serialized provider resolves the installed package.
 *
 * Needs the npm registry (or a warm npm cache): `npm install` takes 10–90 s.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as EmulatorModule from "../../emulator";
import { DIFF, startHost } from "../helpers/host";
import {
  PackInfo,
  REPO_ROOT,
  buildIfStale,
  childEnv,
  expectedDist,
  packInto,
  run,
} from "./helpers";

const repoPackage = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
/** The @pulumi/pulumi the repo is tested with; the fresh project gets exactly this one. */
const PULUMI_VERSION: string = require("@pulumi/pulumi/package.json").version;

let tmp: string;
let project: string;
let installed: string;
let tarball: string;
let pack: PackInfo;
let entries: string[];

beforeAll(async () => {
  await buildIfStale();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-codeocean-pack-"));
  const rel = path.relative(REPO_ROOT, fs.realpathSync(tmp));
  expect(rel.startsWith("..") || path.isAbsolute(rel)).toBe(true);

  ({ pack, tarball } = await packInto(tmp));
  entries = (await run("tar", ["-tzf", tarball], tmp))
    .split("\n")
    .filter(Boolean)
    .map((e) => e.replace(/^package\//, ""))
    .sort();
  console.log(
    `${pack.filename}: ${pack.size} bytes packed, ${pack.unpackedSize} bytes unpacked, ${pack.entryCount} files`,
  );

  // A fresh project, as `npm init -y` makes it, then the tarball and the peer dependency.
  project = path.join(tmp, "project");
  fs.mkdirSync(project);
  fs.writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({ name: "codeocean-consumer", version: "1.0.0", private: true }, null, 2),
  );
  const started = Date.now();
  await run(
    "npm",
    [
      "install",
      tarball,
      `@pulumi/pulumi@${PULUMI_VERSION}`,
      // What `npm install` gives a new project today (the SDK's typescript peer allows < 7);
      // the repo's own tests run on 5.9: both majors are covered.
      "typescript@^6",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
    ],
    project,
  );
  console.log(
    `npm install of the tarball and @pulumi/pulumi@${PULUMI_VERSION}: ${Date.now() - started} ms`,
  );
  installed = path.join(project, "node_modules", "pulumi-codeocean");
}, 360_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the tarball", () => {
  it("holds the compiled package, its docs and its license, and nothing else", () => {
    expect(entries).toEqual(pack.files.map((f) => f.path).sort());
    expect(entries.length).toBe(pack.entryCount);
    for (const file of [
      "package.json",
      "README.md",
      "CHANGELOG.md",
      "LICENSE",
      "emulator/README.md",
    ])
      expect(entries).toContain(file);

    // Exactly one .js and one .d.ts per current source: nothing missing, nothing stale.
    expect(entries.filter((e) => e.startsWith("dist/"))).toEqual(expectedDist());
    expect(entries.filter((e) => !e.startsWith("dist/")).sort()).toEqual(
      [
        "CHANGELOG.md",
        "LICENSE",
        "README.md",
        "emulator/README.md",
        "package.json",
        // The plugin's launcher and the package schema it serves.
        "bin/pulumi-resource-codeocean",
        "provider/schema.json",
      ].sort(),
    );

    const forbidden = entries.filter(
      (e) =>
        (/^(test|bench|examples|scripts|provider|emulator|node_modules|coverage|\.ci)\//.test(e) &&
          e !== "emulator/README.md" &&
          e !== "provider/schema.json") ||
        /\.map$/.test(e) ||
        (/\.ts$/.test(e) && !/\.d\.ts$/.test(e)) ||
        /\.tgz$|tsconfig|jest\.config|eslint\.config|Pulumi\.yaml/.test(e),
    );
    expect(forbidden).toEqual([]);
  });

  it("points main, types, exports and bin at files it contains", () => {
    const targets = [
      repoPackage.main,
      repoPackage.types,
      ...Object.values(repoPackage.bin as Record<string, string>),
      ...Object.entries(repoPackage.exports as Record<string, unknown>)
        .filter(([key]) => !key.includes("*"))
        .flatMap(([, v]) => (typeof v === "string" ? [v] : Object.values(v as object))),
    ].map((t: string) => t.replace(/^\.\//, ""));
    for (const target of targets) expect(entries).toContain(target);

    const bin = fs.readFileSync(
      path.join(installed, repoPackage.bin["codeocean-emulator"]),
      "utf8",
    );
    expect(bin.startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("has no source-map references to files that are not shipped", () => {
    const shipped = entries.filter((e) => e.endsWith(".js") || e.endsWith(".d.ts"));
    const referencing = shipped.filter((e) =>
      fs.readFileSync(path.join(installed, e), "utf8").includes("sourceMappingURL"),
    );
    expect(referencing).toEqual([]);
  });

  it("ships declarations that carry the JSDoc", () => {
    // The class, and the arguments generated from the declarations.
    const dts = ["dynamic/dataAsset.d.ts", "types.generated.d.ts"]
      .map((f) => fs.readFileSync(path.join(installed, "dist/provider/faces", f), "utf8"))
      .join("\n");
    const documented = (declaration: RegExp) =>
      new RegExp(String.raw`/\*\*(?:(?!\*/)[\s\S])+\*/\s*` + declaration.source).test(dts);
    expect(documented(/export declare class DataAsset\b/)).toBe(true);
    expect(documented(/name: pulumi\.Input<string>;/)).toBe(true);
    expect(documented(/adoptExistingId\?: pulumi\.Input<string>/)).toBe(true);
    expect(documented(/onDelete\?: pulumi\.Input</)).toBe(true);
    expect(documented(/static get\(/)).toBe(true);

    const attachment = fs.readFileSync(
      path.join(installed, "dist/provider/faces/dynamic/capsuleAttachment.d.ts"),
      "utf8",
    );
    expect(attachment).toMatch(
      /\/\*\*(?:(?!\*\/)[\s\S])+\*\/\s*export declare class CapsuleAttachment\b/,
    );
  });
});

describe("installed in a fresh project", () => {
  it("resolves every entry point through package.json, with its dependencies", async () => {
    const script = `
      const r = (m) => require.resolve(m);
      const main = require("pulumi-codeocean");
      console.log(JSON.stringify({
        main: r("pulumi-codeocean"),
        emulator: r("pulumi-codeocean/emulator"),
        runtime: r("pulumi-codeocean/runtime"),
        native: r("pulumi-codeocean/native"),
        nativeExports: Object.keys(require("pulumi-codeocean/native")).sort(),
        dataAsset: r("pulumi-codeocean/dist/provider/faces/dynamic/dataAsset.js"),
        packageJson: r("pulumi-codeocean/package.json"),
        pulumi: r("@pulumi/pulumi"),
        exports: Object.keys(main).sort(),
        runtimeExports: Object.keys(require("pulumi-codeocean/runtime")).sort(),
        emulatorExports: Object.keys(require("pulumi-codeocean/emulator")).sort(),
        version: main.VERSION,
      }));`;
    const out = JSON.parse(await run(process.execPath, ["-e", script], project));
    const inPackage = (p: string) => path.join(fs.realpathSync(installed), p);
    expect(out).toMatchObject({
      main: inPackage("dist/provider/index.js"),
      emulator: inPackage("dist/emulator/index.js"),
      runtime: inPackage("dist/provider/faces/dynamic/runtime.js"),
      native: inPackage("dist/provider/faces/native/index.js"),
      dataAsset: inPackage("dist/provider/faces/dynamic/dataAsset.js"),
      packageJson: inPackage("package.json"),
      version: repoPackage.version,
    });
    expect(out.pulumi.startsWith(path.join(fs.realpathSync(project), "node_modules"))).toBe(true);
    expect(out.exports).toEqual(expect.arrayContaining(["CapsuleAttachment", "DataAsset"]));
    expect(out.nativeExports).toEqual(
      expect.arrayContaining(["CapsuleAttachment", "DataAsset", "Provider", "getDataAsset"]),
    );
    expect(out.runtimeExports).toEqual(
      expect.arrayContaining(["capsuleAttachmentProvider", "configure", "dataAssetProvider"]),
    );
    expect(out.emulatorExports).toEqual(
      expect.arrayContaining(["DEFAULT_EMULATOR_TOKEN", "SEED_IDS", "startEmulator"]),
    );
  }, 60_000);

  it("type-checks a program written against it (Pulumi's template tsconfig, declarations checked too)", async () => {
    fs.writeFileSync(
      path.join(project, "index.ts"),
      `import * as pulumi from "@pulumi/pulumi";
import { CapsuleAttachment, DataAsset, DataAssetArgs, VERSION } from "pulumi-codeocean";
import * as native from "pulumi-codeocean/native";

const args: DataAssetArgs = {
  name: "RNA-Sequencing reads",
  mount: "reads",
  tags: ["genomics"],
  source: { aws: { bucket: "acme-rna-reads", prefix: "runs/", keepOnExternalStorage: true } },
};
const reads = new DataAsset("reads", args);
new CapsuleAttachment("reads-on-capsule", { capsuleId: "c", dataAssetId: reads.id });
const lookedUp = DataAsset.get("looked-up", "some-id");
// @ts-expect-error onDelete is "archive" | "delete" | "retain"
new DataAsset("typo", { ...args, onDelete: "shred" });
// @ts-expect-error mount is required
new DataAsset("incomplete", { name: "n" });

export const state: pulumi.Output<"draft" | "ready" | "failed"> = reads.state;
export const assetType: pulumi.Output<"dataset" | "result" | "combined" | "model"> = reads.type;
export const size: pulumi.Output<number> = lookedUp.size;
export const version: string = VERSION;

// The plugin's classes take the same arguments and give the same outputs.
const staging = new native.Provider("staging", { domain: "staging.example.org", requestsPerSecond: 5 });
const nativeReads = new native.DataAsset("native-reads", args, { provider: staging });
new native.CapsuleAttachment("native-on-capsule", { capsuleId: "c", dataAssetId: nativeReads.id });
export const nativeState: pulumi.Output<"draft" | "ready" | "failed"> = nativeReads.state;
export const found: Promise<native.DataAssetInfo> = native.getDataAsset({ name: "x" });
`,
    );
    // The compiler options of \`pulumi new aws-typescript\`, with declaration files checked
    // (skipLibCheck off) so that a broken .d.ts of ours fails here. esModuleInterop: zod's
    // own .d.cts files need it once skipLibCheck is off. @types/node is the repo's.
    fs.writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          outDir: "bin",
          target: "es2020",
          module: "commonjs",
          moduleResolution: "node",
          sourceMap: true,
          experimentalDecorators: true,
          noFallthroughCasesInSwitch: true,
          noImplicitReturns: true,
          forceConsistentCasingInFileNames: true,
          esModuleInterop: true,
          skipLibCheck: false,
          noEmit: true,
          types: ["node"],
          typeRoots: [path.join(REPO_ROOT, "node_modules", "@types")],
        },
        files: ["index.ts"],
      }),
    );
    // The repo's TypeScript (5.9) with that template, and the project's own (6.x, as npm
    // installs it today), which refuses the template's moduleResolution "node" (deprecated):
    // with it, the settings TypeScript 6 asks for (node16), which resolve through our exports.
    const config = JSON.parse(fs.readFileSync(path.join(project, "tsconfig.json"), "utf8"));
    fs.writeFileSync(
      path.join(project, "tsconfig.ts6.json"),
      JSON.stringify({
        ...config,
        compilerOptions: {
          ...config.compilerOptions,
          module: "node16",
          moduleResolution: "node16",
        },
      }),
    );
    for (const [root, major, tsconfig] of [
      [REPO_ROOT, "5", "tsconfig.json"],
      [project, "6", "tsconfig.ts6.json"],
    ]) {
      const version = require(require.resolve("typescript/package.json", { paths: [root] }))
        .version as string;
      expect(version.split(".")[0]).toBe(major);
      const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
      await run(
        process.execPath,
        [tsc, "-p", path.join(project, tsconfig), "--pretty", "false"],
        project,
        120_000,
      );
    }
  }, 200_000);

  it("runs create → update → delete through the real dynamic-provider host", async () => {
    // The provider text, serialized the way the user's program does it: by the installed
    // @pulumi/pulumi, from the shims of the installed package, in a process of its own —
    // whose closure serializer loads the project's TypeScript, 6.x here.
    expect(
      require(
        require.resolve("typescript/package.json", {
          paths: [path.join(project, "node_modules", "@pulumi", "pulumi")],
        }),
      ).version,
    ).toMatch(/^6\./);
    const daPath = path.join(installed, "dist/provider/faces/dynamic/dataAsset.js");
    const caPath = path.join(installed, "dist/provider/faces/dynamic/capsuleAttachment.js");
    const serialize = `
      const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
      const { dataAssetShim } = require(${JSON.stringify(daPath)});
      const { capsuleAttachmentShim } = require(${JSON.stringify(caPath)});
      Promise.all([
        serializeFunction(() => dataAssetShim, { allowSecrets: true }),
        serializeFunction(() => capsuleAttachmentShim, { allowSecrets: true }),
      ]).then(([a, c]) => console.log(JSON.stringify({ dataAsset: a.text, attachment: c.text })));`;
    const providers = JSON.parse(await run(process.execPath, ["-e", serialize], project));
    for (const text of [providers.dataAsset, providers.attachment]) {
      expect(text).toContain('require("pulumi-codeocean/runtime")');
      expect(text).not.toContain(tmp);
      expect(text).not.toContain(REPO_ROOT);
    }

    // The host must come from the fresh project (startHost resolves it from cwd).
    expect(
      require
        .resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [project] })
        .startsWith(path.join(project, "node_modules")),
    ).toBe(true);

    const { startEmulator, DEFAULT_EMULATOR_TOKEN, SEED_IDS } = require(
      path.join(installed, "dist/emulator/index.js"),
    ) as typeof EmulatorModule;
    const emulator = await startEmulator({ port: 0, readyAfterMs: 100, attachReadyAfterMs: 50 });
    const host = await startHost({ cwd: project, env: { NODE_PATH: "" } });
    try {
      await host.configure({
        "codeocean:domain": emulator.url,
        "codeocean:token": DEFAULT_EMULATOR_TOKEN,
        "codeocean:minPollIntervalSeconds": "0.05",
      });

      // create
      const declared = {
        __provider: providers.dataAsset,
        name: "RNA-Sequencing reads",
        mount: "reads",
        tags: ["genomics"],
        source: { aws: { bucket: "acme-rna-reads", prefix: "runs/", keepOnExternalStorage: true } },
      };
      const checked = await host.check("DataAsset", {}, declared);
      expect(checked.failures).toEqual([]);
      const { id, properties } = await host.create("DataAsset", checked.inputs);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(properties).toMatchObject({
        state: "ready",
        external: true,
        name: "RNA-Sequencing reads",
        __provider: providers.dataAsset,
      });
      expect(emulator.admin.asset(id)).toMatchObject({
        name: "RNA-Sequencing reads",
        state: "ready",
      });

      // attach, through the other resource
      const attachChecked = await host.check(
        "CapsuleAttachment",
        {},
        { __provider: providers.attachment, capsuleId: SEED_IDS.capsule, dataAssetId: id },
      );
      expect(attachChecked.failures).toEqual([]);
      const attachment = await host.create("CapsuleAttachment", attachChecked.inputs);
      expect(emulator.admin.attachments()).toMatchObject([
        { targetId: SEED_IDS.capsule, assetId: id, mount: "reads", ready: true },
      ]);

      // update in place
      const news = (
        await host.check("DataAsset", checked.inputs, {
          ...declared,
          name: "RNA-Sequencing reads, 2026-11",
          tags: ["genomics", "rna"],
        })
      ).inputs;
      const diff = await host.diff("DataAsset", id, properties, news);
      expect(diff.changes).toBe(DIFF.SOME);
      expect(diff.replaces).toEqual([]);
      const updated = await host.update("DataAsset", id, properties, news);
      expect(updated.properties).toMatchObject({ name: "RNA-Sequencing reads, 2026-11" });
      expect(emulator.admin.asset(id)?.name).toBe("RNA-Sequencing reads, 2026-11");
      expect([...(emulator.admin.asset(id)?.tags ?? [])].sort()).toEqual(["genomics", "rna"]);

      // refresh sees the same asset
      const read = await host.read("DataAsset", id, updated.properties);
      expect(read.id).toBe(id);
      expect(read.properties).toMatchObject({ name: "RNA-Sequencing reads, 2026-11" });

      // delete: detach, then the asset is archived (the default onDelete)
      await host.delete("CapsuleAttachment", attachment.id, attachment.properties);
      expect(emulator.admin.attachments()).toEqual([]);
      await host.delete("DataAsset", id, read.properties);
      expect(emulator.admin.asset(id)?.archived).toBe(true);

      expect(host.output()).not.toContain(DEFAULT_EMULATOR_TOKEN);
    } finally {
      await host.stop();
      await emulator.stop();
    }
  }, 180_000);

  it("puts the plugin on the project's bin path; `pulumi package get-schema` of it prints the package schema", async () => {
    const plugin = path.join(project, "node_modules", ".bin", "pulumi-resource-codeocean");
    const printed = await run(
      "pulumi",
      ["package", "get-schema", plugin],
      project,
      60_000,
      childEnv({ PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_HOME: path.join(tmp, "pulumi-home") }),
    );
    const schema = JSON.parse(printed) as { name: string; version: string; resources: object };
    expect(schema).toMatchObject({ name: "codeocean", version: repoPackage.version });
    expect(Object.keys(schema.resources).sort()).toEqual([
      "codeocean:index:CapsuleAttachment",
      "codeocean:index:DataAsset",
    ]);
    expect(schema).toEqual(
      JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "schema.json"), "utf8")),
    );
  }, 60_000);

  it("runs the codeocean-emulator command", async () => {
    const child = spawn(
      path.join(project, "node_modules", ".bin", "codeocean-emulator"),
      ["--port", "0"],
      {
        cwd: project,
        env: childEnv(),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`no banner in 30 s: ${out}`)), 30_000);
        child.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
        child.once("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`codeocean-emulator exited (${code}): ${out}`));
        });
      });
      const { DEFAULT_EMULATOR_TOKEN } = require(
        path.join(installed, "dist/emulator/index.js"),
      ) as typeof EmulatorModule;
      const auth = `Basic ${Buffer.from(`${DEFAULT_EMULATOR_TOKEN}:`).toString("base64")}`;

      const schema = await fetch(`${url}/api/v1/custom_metadata`, {
        headers: { Authorization: auth, "Content-Type": "application/json" },
      });
      expect(schema.status).toBe(200);
      const body = (await schema.json()) as { fields: { name: string }[] };
      expect(body.fields.length).toBeGreaterThan(0);

      const anonymous = await fetch(`${url}/api/v1/custom_metadata`);
      expect(anonymous.status).toBe(401);
    } finally {
      if (child.exitCode === null) process.kill(child.pid!, "SIGTERM");
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
