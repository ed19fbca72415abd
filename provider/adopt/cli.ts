#!/usr/bin/env node
/**
 * `codeocean-adopt`: brings an existing Code Ocean estate under management. It searches
 * the data assets, reads each one's sharing and writes a TypeScript module declaring one
 * `DataAsset` per asset with `adoptExistingId` (generate.ts). Configured from the
 * environment like the provider; the token is never printed.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { AuthenticationError, CodeOceanError } from "../core/api/errors";
import { redact } from "../core/api/redact";
import { CONFIG_KEYS } from "../core/config";
import { ON_DELETE } from "../resources/dataAsset/table";
import { ProviderRuntime } from "../core/runtime";
import { VERSION } from "../version";
import { collectAssets, Selection } from "./collect";
import { generateModule } from "./generate";

export const USAGE = `Usage: codeocean-adopt [--query Q] [--tag T]... [--include-archived] [--on-delete WHAT] [--out FILE]

Writes a TypeScript module that declares one pulumi-codeocean DataAsset per Code Ocean
data asset the search finds, each with adoptExistingId and the asset's current name,
mount, description, tags, custom metadata, archive state and sharing. Imported by a Pulumi
program, its first \`pulumi up\` adopts every asset and changes nothing.

Options:
  --query Q           Code Ocean search syntax, e.g. 'name:"RNA reads"' or reads
  --tag T             only assets with tag T; repeat it for assets with every tag given
  --include-archived  archived assets too (only live ones otherwise)
  --on-delete WHAT    what \`pulumi destroy\` does to each asset: archive (the provider's
                      default), retain (leave it as it is) or delete; written on every asset
                      when given
  --out FILE          write the module to FILE instead of standard output
  -h, --help          print this text

Environment:
  CODEOCEAN_DOMAIN     your deployment, e.g. acme.codeocean.com (required)
  CODEOCEAN_API_TOKEN  an API token that can read data assets (required)
  CODEOCEAN_REQUESTS_PER_SECOND, CODEOCEAN_MAX_CONCURRENT_REQUESTS,
  CODEOCEAN_REQUEST_TIMEOUT_SECONDS, CODEOCEAN_ALLOW_INSECURE_HTTP  as for the provider
`;

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

type Env = Record<string, string | undefined>;

/** A usage error: printed with a pointer to --help, exit code 2. */
class UsageError extends Error {}

interface Parsed {
  help: boolean;
  selection: Selection;
  out?: string;
  onDelete?: "archive" | "retain" | "delete";
  /** The options that chose the assets, normalized (the header echoes them). */
  argv: string[];
}

export function parseCommandLine(args: string[]): Parsed {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        query: { type: "string" },
        tag: { type: "string", multiple: true },
        "include-archived": { type: "boolean" },
        "on-delete": { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const tags = values.tag ?? [];
  if (tags.some((t) => t.trim() === "")) throw new UsageError("--tag needs a non-empty tag");
  if (values.out === "") throw new UsageError("--out needs a file name");
  const query = values.query?.trim() || undefined;
  const includeArchived = values["include-archived"] ?? false;
  const onDelete = values["on-delete"];
  if (onDelete !== undefined && !ON_DELETE.includes(onDelete as (typeof ON_DELETE)[number]))
    throw new UsageError(
      `--on-delete must be archive, retain or delete (got ${JSON.stringify(onDelete)})`,
    );
  return {
    help: values.help ?? false,
    selection: { query, tags, includeArchived },
    out: values.out,
    onDelete: onDelete as Parsed["onDelete"],
    argv: [
      ...(query ? ["--query", query] : []),
      ...tags.flatMap((t) => ["--tag", t]),
      ...(includeArchived ? ["--include-archived"] : []),
      ...(onDelete ? ["--on-delete", onDelete] : []),
    ],
  };
}

/** What was searched for, in words (for the "no data assets matched" message). */
function describeSelection(s: Selection): string {
  const parts = [
    ...(s.query ? [`query ${JSON.stringify(s.query)}`] : []),
    ...(s.tags.length
      ? [`tag${s.tags.length > 1 ? "s" : ""} ${s.tags.map((t) => JSON.stringify(t)).join(", ")}`]
      : []),
  ];
  const which = s.includeArchived
    ? "live or archived"
    : "live (add --include-archived for archived ones)";
  return `${parts.length ? parts.join(" and ") : "no filter"}; ${which}`;
}

/** Runs the command; resolves to the exit code. */
export async function main(args: string[], env: Env, io: Io): Promise<number> {
  const say = (line: string) => io.stderr(`codeocean-adopt: ${redact(line)}\n`);
  let parsed: Parsed;
  try {
    parsed = parseCommandLine(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(`${error.message}. See codeocean-adopt --help.`);
    return 2;
  }
  if (parsed.help) {
    io.stdout(USAGE);
    return 0;
  }
  const missing = (["domain", "token"] as const)
    .map((k) => CONFIG_KEYS[k].env)
    .filter((name) => !env[name]);
  if (missing.length) {
    say(
      `not configured: set ${missing.join(" and ")} (your deployment, e.g. acme.codeocean.com, and an API token that can read data assets).`,
    );
    return 1;
  }
  const rt = new ProviderRuntime(undefined, env);
  try {
    const assets = await collectAssets(rt.client, parsed.selection, say);
    if (!assets.length) {
      say(`no data assets matched (${describeSelection(parsed.selection)}). Nothing written.`);
      return 1;
    }
    const text = generateModule(assets, {
      argv: parsed.argv,
      version: VERSION,
      onDelete: parsed.onDelete,
    });
    if (parsed.out) {
      const out = path.resolve(parsed.out);
      const tmp = `${out}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, out);
      say(`wrote ${assets.length} data assets to ${parsed.out}`);
    } else {
      io.stdout(text);
    }
    return 0;
  } catch (error) {
    if (error instanceof AuthenticationError) {
      say(
        "Code Ocean refused the API token (HTTP 401). Check CODEOCEAN_API_TOKEN: it must be a valid token for this deployment.",
      );
    } else if (error instanceof CodeOceanError) {
      say(error.message);
    } else {
      say(`failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return 1;
  } finally {
    rt.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`codeocean-adopt: ${redact(String(error))}\n`);
      process.exitCode = 1;
    },
  );
}
