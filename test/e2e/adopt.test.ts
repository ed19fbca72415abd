/**
 * codeocean-adopt through the real engine: 50 assets made in the emulator (tags, custom
 * metadata, a few archived, some shared, two with the same name), the built CLI writes the
 * module, a program imports it, `up` adopts all 50 without creating or changing anything,
 * `preview` then shows no change, and a second generation is byte-identical. Also the
 * CLI's errors: a bad token and an empty result.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import {
  DEFAULT_EMULATOR_TOKEN,
  EmulatorPermissions,
  RunningEmulator,
  startEmulator,
} from "../../emulator";
import { describeWithEngine, newStack, TestStack, writeCalls } from "../helpers/engine";
import { fastClient } from "../helpers/emulator";

const REPO = path.join(__dirname, "..", "..");
const CLI = path.join(REPO, "dist", "provider", "adopt", "cli.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The sharing as the API lists it (without the last share_assets the emulator remembers). */
const listed = (p: EmulatorPermissions | undefined) =>
  p && { users: p.users, groups: p.groups, everyone: p.everyone };

/** Type errors of `file` against the installed package's declarations. */
function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    types: [],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describeWithEngine("codeocean-adopt through the Pulumi engine", () => {
  let emu: RunningEmulator;
  let t: TestStack;
  let env: Record<string, string>;
  let moduleFile: string;
  const ids: string[] = [];
  const archivedIds: string[] = [];

  beforeAll(async () => {
    expect(fs.existsSync(CLI)).toBe(true); // npm run build first
    emu = await startEmulator({ port: 0, readyAfterMs: 50 });
    env = {
      CODEOCEAN_DOMAIN: emu.url,
      CODEOCEAN_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
      CODEOCEAN_REQUESTS_PER_SECOND: "500",
    };
    const c = fastClient(emu);
    for (let i = 0; i < 50; i++) {
      const name =
        i === 7 || i === 8
          ? "Shared reads"
          : i === 9
            ? `Reads "2025" — Ünïcode \\ backslash`
            : `Estate asset ${String(i).padStart(2, "0")}`;
      const a = await c.createDataAsset({
        name,
        mount: `estate-${i}`,
        description: i % 5 === 0 ? `line one\nline two of ${i}` : undefined,
        tags: i % 3 === 0 ? ["estate", `batch-${i % 4}`] : [],
        customMetadata:
          i % 4 === 0 ? { "subject id": `S-${i}`, "collection date": 1676246400 + i } : undefined,
        source: { aws: { bucket: "acme-estate", prefix: `${i}/`, keepOnExternalStorage: i > 40 } },
      });
      ids.push(a.id);
    }
    c.close();
    for (const id of ids) emu.admin.updateAsset(id, { state: "ready" });
    for (const i of [3, 11, 29]) {
      emu.admin.updateAsset(ids[i], { archived: true });
      archivedIds.push(ids[i]);
    }
    emu.admin.setPermissions(ids[7], {
      users: [
        { email: "emulator@codeocean.local", role: "owner" },
        { email: "ada@acme.org", role: "viewer" },
        { email: "bob@acme.org", role: "editor" },
      ],
      groups: [{ group: "neuroscience", role: "viewer" }],
      everyone: "discoverable",
    });
    emu.admin.setPermissions(ids[11], { everyone: "viewer" });
    t = await newStack("codeocean-adopt-e2e", async () => program(), emu);
    moduleFile = path.join(t.engine.dir, "adopted.ts");
  }, 120_000);

  afterAll(async () => {
    // No destroy: it would only archive the 50 assets of an emulator about to stop.
    t?.engine.cleanup();
    await emu?.stop();
  });

  /** The program: the generated module, compiled next to it, imported and called. */
  async function program(): Promise<Record<string, unknown>> {
    const compiled = moduleFile.replace(/\.ts$/, ".js");
    const m = require(compiled) as { adoptedDataAssets(): Record<string, { id: unknown }> };
    const assets = m.adoptedDataAssets();
    return { count: Object.keys(assets).length };
  }

  it("writes a module for all 50 assets, with progress on stderr", async () => {
    const run = await runCli(["--include-archived", "--out", moduleFile], env);
    expect(run.stderr).toContain("found 50 assets");
    expect(run.stderr).toContain("reading sharing 50/50");
    expect(run.stderr).not.toContain(DEFAULT_EMULATOR_TOKEN);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    const text = fs.readFileSync(moduleFile, "utf8");
    expect(text).toContain(" *   codeocean-adopt --include-archived\n");
    expect(text).not.toContain(DEFAULT_EMULATOR_TOKEN);
    expect(text).not.toContain(emu.url);
    expect(text.match(/adoptExistingId: /g)).toHaveLength(50);
    expect(text.match(/archived: true/g)).toHaveLength(3);
    // The two "Shared reads" are told apart by their ids.
    for (const i of [7, 8]) expect(text).toContain(`"shared-reads-${ids[i].slice(0, 8)}": {`);
    expect(text).toContain("name: 'Reads \"2025\" — Ünïcode \\\\ backslash',");
    expect(text).toContain(
      [
        "    permissions: {",
        "      users: [",
        '        { email: "ada@acme.org", role: "viewer" },',
        '        { email: "bob@acme.org", role: "editor" },',
        "      ],",
        '      groups: [{ group: "neuroscience", role: "viewer" }],',
        '      everyone: "discoverable",',
        "    },",
      ].join("\n"),
    );
    expect(text).not.toContain("emulator@codeocean.local");
    expect(typeErrors(moduleFile)).toEqual([]);
    const js = ts.transpileModule(text, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    fs.writeFileSync(moduleFile.replace(/\.ts$/, ".js"), js.outputText);
  }, 120_000);

  it("up adopts all 50: nothing created, metadata and archive state untouched", async () => {
    const before = emu.admin.assets().map((a) => ({ ...a, last_used: 0 }));
    const sharing = ids.map((id) => emu.admin.permissions(id));
    emu.admin.clearJournal();
    const up = await t.stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 51 }); // the stack and 50 adoptions
    expect(up.outputs.count.value).toBe(50);
    const writes = writeCalls(emu.admin.counts());
    expect(writes["POST /data_assets"] ?? 0).toBe(0);
    // No write at all: each adopted asset's sharing is read and found as declared.
    expect(writes).toEqual({});
    expect(emu.admin.counts()["GET /data_assets/:id/permissions"]).toBe(50);
    expect(emu.admin.assets().map((a) => ({ ...a, last_used: 0 }))).toEqual(before);
    const after = ids.map((id) => emu.admin.permissions(id));
    expect(after.map(listed)).toEqual(sharing.map(listed));
    expect(archivedIds.every((id) => emu.admin.asset(id)?.archived)).toBe(true);
  }, 300_000);

  it("preview afterwards shows no change and makes no write", async () => {
    emu.admin.clearJournal();
    const preview = await t.stack.preview();
    expect(preview.changeSummary).toEqual({ same: 51 });
    expect(writeCalls(emu.admin.counts())).toEqual({});
  }, 120_000);

  it("a second generation is byte-identical", async () => {
    const run = await runCli(["--include-archived"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(fs.readFileSync(moduleFile, "utf8"));
  });

  it("a bad token: exit 1, a clear message, no token and no stack trace", async () => {
    const token = "cop_not_the_right_token_0123456789";
    const run = await runCli([], { ...env, CODEOCEAN_API_TOKEN: token });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("HTTP 401");
    expect(run.stderr).toContain("CODEOCEAN_API_TOKEN");
    expect(run.stderr).not.toContain(token);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("an empty result: exit 1, no data assets matched", async () => {
    const run = await runCli(["--tag", "no-such-tag"], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("no data assets matched");
    expect(run.stderr).toContain('"no-such-tag"');
  });

  it("missing configuration: exit 1, names both variables", async () => {
    const run = await runCli([], {});
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("CODEOCEAN_DOMAIN and CODEOCEAN_API_TOKEN");
  });
});
