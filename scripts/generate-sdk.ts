/**
 * Writes the SDKs of the package from the schema the plugin serves (provider/schema.json):
 * sdk/nodejs, sdk/python and sdk/go (scripts/gen-sdk.sh, the code generators of Pulumi's
 * pkg/v3), and docs/reference.md (scripts/lib/sdkReference.ts).
 *
 *   npm run generate:sdk                    writes them into the repository
 *   npm run generate:sdk -- --check         regenerates into a temp folder and fails (exit 1)
 *                                           naming every file that differs
 *   npm run generate:sdk -- --out <folder>  writes <folder>/{nodejs,python,go} and
 *                                           <folder>/reference.md instead (the release script)
 *
 * The Go module's go.mod and go.sum (sdk/go/codeocean) are kept by hand: regenerating keeps
 * them. Files that builds leave in sdk/ (node_modules, bin, dist, __pycache__, *.egg-info)
 * are not compared. test/sdk/generated.test.ts runs the check in every `npm test`.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sdkReference } from "./lib/sdkReference";

const root = path.resolve(__dirname, "..");
const SCHEMA = "provider/schema.json";
/** Hand-kept files of sdk/, relative to it. */
export const KEPT = ["go/codeocean/go.mod", "go/codeocean/go.sum"];
const REFERENCE = "docs/reference.md";
/** What builds and tests leave in an SDK folder: never part of the generated output. */
const BUILD_OUTPUT = /(^|\/)(node_modules|bin|dist|build|__pycache__|[^/]*\.egg-info)(\/|$)/;

/** A failure to report as one line (main prints it and exits 1, after cleaning up). */
class Failure extends Error {}

function fail(message: string): never {
  throw new Failure(message);
}

/** Every file under `dir`, relative to it, build outputs left out. */
function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (BUILD_OUTPUT.test(p)) continue;
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk("");
  return out.sort();
}

/**
 * Writes the SDKs of `schemaPath` into `out` (its nodejs, python and go folders). Quiet: the
 * generator's log is shown only when it fails.
 */
export function generateSdks(schemaPath: string, out: string, quiet = false): void {
  try {
    execFileSync(
      "bash",
      [path.join(root, "scripts", "gen-sdk.sh"), schemaPath, out, "-keep", KEPT.join(",")],
      { stdio: ["ignore", "ignore", quiet ? "pipe" : "inherit"], encoding: "utf8" },
    );
  } catch (e) {
    if (quiet) process.stderr.write(String((e as { stderr?: string }).stderr ?? ""));
    fail(`scripts/gen-sdk.sh failed (${(e as Error).message.split("\n")[0]})`);
  }
}

function main() {
  const args = process.argv.slice(2);
  const check = args.includes("--check");
  const outIndex = args.indexOf("--out");
  const outArg = outIndex >= 0 ? args[outIndex + 1] : undefined;
  if (outIndex >= 0 && !outArg) fail("--out needs a folder");

  // One version for the plugin, the schema and the SDKs: package.json's.
  const version = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
  const schemaPath = path.join(root, SCHEMA);
  const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
  if (schema.version !== version)
    fail(
      `${SCHEMA} has version ${schema.version}, package.json ${version}: run \`npm run generate\``,
    );
  const reference = sdkReference(schema);

  if (!check) {
    const sdkDir = outArg ? path.resolve(outArg) : path.join(root, "sdk");
    if (outArg) {
      for (const kept of KEPT) {
        fs.mkdirSync(path.dirname(path.join(sdkDir, kept)), { recursive: true });
        fs.copyFileSync(path.join(root, "sdk", kept), path.join(sdkDir, kept));
      }
    }
    generateSdks(schemaPath, sdkDir);
    const referencePath = outArg ? path.join(sdkDir, "reference.md") : path.join(root, REFERENCE);
    fs.mkdirSync(path.dirname(referencePath), { recursive: true });
    fs.writeFileSync(referencePath, reference);
    console.log(
      `generate:sdk: wrote ${path.relative(process.cwd(), sdkDir) || "."} (version ${version}) and ${path.relative(process.cwd(), referencePath)}`,
    );
    return;
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "codeocean-sdk-check-"));
  try {
    for (const kept of KEPT) {
      const from = path.join(root, "sdk", kept);
      if (!fs.existsSync(from)) fail(`sdk/${kept} is missing (a hand-kept file)`);
      fs.mkdirSync(path.dirname(path.join(tmp, kept)), { recursive: true });
      fs.copyFileSync(from, path.join(tmp, kept));
    }
    generateSdks(schemaPath, tmp, true);
    const fresh = files(tmp);
    const current = files(path.join(root, "sdk"));
    const differing: string[] = [];
    for (const f of new Set([...fresh, ...current])) {
      const a = path.join(tmp, f);
      const b = path.join(root, "sdk", f);
      if (!fs.existsSync(a) || !fs.existsSync(b) || !fs.readFileSync(a).equals(fs.readFileSync(b)))
        differing.push(`sdk/${f}`);
    }
    const referencePath = path.join(root, REFERENCE);
    if (!fs.existsSync(referencePath) || fs.readFileSync(referencePath, "utf8") !== reference)
      differing.push(REFERENCE);
    if (differing.length)
      fail(`not current (run \`npm run generate:sdk\`): ${differing.sort().join(", ")}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    if (!(e instanceof Failure)) throw e;
    console.error(`generate:sdk: ${e.message}`);
    process.exitCode = 1;
  }
}
