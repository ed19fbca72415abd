import { spawn, type ChildProcessWithoutNullStreams } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SEED_IDS } from "../../emulator";
import { parseCli } from "../../emulator/cli";
import { basicAuth } from "./helpers";

const ROOT = path.resolve(__dirname, "../..");

function spawnCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "emulator/cli.ts", ...args],
    { cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" } },
  );
}

/** Resolves with the first stdout line, or rejects when the process exits first. */
function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.on("exit", (code) => reject(new Error(`exited with ${code} before printing: ${err}`)));
  });
}

function exitCode(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on("exit", (code) => resolve(code));
  });
}

describe("CLI", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "co-emulator-cli-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("listens, serves the API, and flushes the data file on SIGTERM", async () => {
    const dataFile = path.join(dir, "cli-state.json");
    const child = spawnCli(["--port", "0", "--data-file", dataFile]);
    const exited = exitCode(child);
    try {
      const line = await firstLine(child);
      const m =
        /^Code Ocean emulator listening on (http:\/\/127\.0\.0\.1:\d+) \(token: cop_emulator_token\)$/.exec(
          line,
        );
      expect(m).not.toBeNull();
      const url = m![1];
      const headers = { Authorization: basicAuth(), "Content-Type": "application/json" };
      const capsule = await fetch(`${url}/api/v1/capsules/${SEED_IDS.capsule}`, { headers });
      expect(capsule.status).toBe(200);
      const created = await fetch(`${url}/api/v1/data_assets`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          name: "cli",
          mount: "cli",
          tags: [],
          source: { aws: { bucket: "b" } },
        }),
      });
      const { id } = (await created.json()) as { id: string };
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(fs.readFileSync(dataFile, "utf8")).toContain(id);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("does not print custom tokens", async () => {
    const child = spawnCli(["--port", "0", "--token", "cop_private_value"]);
    const exited = exitCode(child);
    try {
      const line = await firstLine(child);
      expect(line).toMatch(/\(tokens: 1 configured\)$/);
      expect(line).not.toContain("cop_private_value");
      child.kill("SIGINT");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("prints usage for --help and rejects unknown flags", async () => {
    const help = spawnCli(["--help"]);
    let out = "";
    help.stdout.on("data", (d: Buffer) => (out += d.toString()));
    expect(await exitCode(help)).toBe(0);
    expect(out).toMatch(/^Usage: codeocean-emulator/);

    const bad = spawnCli(["--bogus"]);
    expect(await exitCode(bad)).toBe(2);
  });
});

describe("CLI flags", () => {
  const options = (argv: string[]) => {
    const parsed = parseCli(argv);
    if (parsed.help) throw new Error("unexpected --help");
    return parsed.options;
  };

  it("passes --server-version through and refuses one that is not MAJOR.MINOR.PATCH", () => {
    expect(options(["--server-version", "4.6.0"]).serverVersion).toBe("4.6.0");
    expect(options([]).serverVersion).toBeUndefined();
    expect(() => parseCli(["--server-version", "4.6"])).toThrow(/--server-version/);
  });
});
