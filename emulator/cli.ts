#!/usr/bin/env node
import { parseArgs } from "util";
import { validateFaultRule } from "./faults";
import { DEFAULT_EMULATOR_TOKEN, startEmulator } from "./index";
import { DEFAULT_SERVER_VERSION, parseVersion } from "./serverVersion";
import type { EmulatorOptions } from "./types";

export const USAGE = `Usage: codeocean-emulator [options]

Runs a local emulator of the Code Ocean REST API (under /api/v1/) with an admin API
under /__emulator/.

Options:
  --port N                    port to listen on (default 8787; 0 = random free port)
  --host H                    interface to bind (default 127.0.0.1)
  --token T                   accepted API token; repeatable (default ${DEFAULT_EMULATOR_TOKEN})
  --data-file F               persist state to F (loaded at start when it exists)
  --ready-after-ms N          delay before a new data asset becomes ready (default 300)
  --attach-ready-after-ms N   delay before an attachment's mount is ready (default 200)
  --not-found-after-create-ms N
                              for N ms after a create, the new id answers 404 (default 0)
  --rate-limit RPS            token-bucket rate limit, requests per second
  --faults JSON               fault rule or array of fault rules, e.g.
                              '[{"route":"POST /data_assets","kind":"status","status":503,"times":1}]'
  --fault-seed N              seed for probabilistic faults (default 1)
  --server-version V          Code Ocean release to claim; a request whose Min-Server-Version
                              is later answers 400 (default ${DEFAULT_SERVER_VERSION})
  --log                       log every API request to stderr
  -h, --help                  show this help
`;

class UsageError extends Error {}

function nonNegativeInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--${name} must be a non-negative integer`);
  return n;
}

export function parseCli(
  argv: string[],
): { help: true } | { help: false; options: EmulatorOptions } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        token: { type: "string", multiple: true },
        "data-file": { type: "string" },
        "ready-after-ms": { type: "string" },
        "attach-ready-after-ms": { type: "string" },
        "not-found-after-create-ms": { type: "string" },
        "rate-limit": { type: "string" },
        faults: { type: "string" },
        "fault-seed": { type: "string" },
        "server-version": { type: "string" },
        log: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return { help: true };

  const options: EmulatorOptions = {
    port: nonNegativeInt("port", values.port) ?? 8787,
    host: values.host ?? "127.0.0.1",
    dataFile: values["data-file"],
    readyAfterMs: nonNegativeInt("ready-after-ms", values["ready-after-ms"]),
    attachReadyAfterMs: nonNegativeInt("attach-ready-after-ms", values["attach-ready-after-ms"]),
    notFoundAfterCreateMs: nonNegativeInt(
      "not-found-after-create-ms",
      values["not-found-after-create-ms"],
    ),
    faultSeed: nonNegativeInt("fault-seed", values["fault-seed"]),
  };
  if (values.token?.length) options.tokens = values.token;
  if (values["server-version"] !== undefined) {
    if (!parseVersion(values["server-version"])) {
      throw new UsageError("--server-version must be MAJOR.MINOR.PATCH, e.g. 4.9.0");
    }
    options.serverVersion = values["server-version"];
  }
  if (values["rate-limit"] !== undefined) {
    const rps = Number(values["rate-limit"]);
    if (!(rps > 0)) throw new UsageError("--rate-limit must be a positive number");
    options.rateLimit = { requestsPerSecond: rps };
  }
  if (values.faults !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(values.faults);
    } catch (e) {
      throw new UsageError(`--faults is not valid JSON: ${(e as Error).message}`);
    }
    try {
      options.faults = (Array.isArray(parsed) ? parsed : [parsed]).map(validateFaultRule);
    } catch (e) {
      throw new UsageError(`--faults: ${(e as Error).message}`);
    }
  }
  if (values.log) options.log = (line) => process.stderr.write(`${line}\n`);
  return { help: false, options };
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  let parsed;
  try {
    parsed = parseCli(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`codeocean-emulator: ${e.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return;
  }
  const { options } = parsed;
  const emulator = await startEmulator(options);
  const shutdown = () => {
    emulator.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`codeocean-emulator: error while stopping: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  // Installed before the banner: whoever waits for the banner may signal us right away.
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);

  const tokens = options.tokens ?? [DEFAULT_EMULATOR_TOKEN];
  // Printing the token is fine only for the well-known emulator token, never a custom one.
  const auth =
    tokens.length === 1 && tokens[0] === DEFAULT_EMULATOR_TOKEN
      ? `token: ${DEFAULT_EMULATOR_TOKEN}`
      : `tokens: ${tokens.length} configured`;
  process.stdout.write(`Code Ocean emulator listening on ${emulator.url} (${auth})\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`codeocean-emulator: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
