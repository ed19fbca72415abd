// Runs once before any test file: provides the Pulumi CLI for the end-to-end and package
// suites exactly as `npm run demo` does — the one on PATH, or the one
// scripts/install-pulumi-cli.sh built into the cache, or (when Go is there) built now — and the
// YAML language host for the YAML suite (scripts/install-pulumi-yaml.sh, likewise cached). So a
// fresh `npm ci && npm test` runs every suite instead of skipping the engine's. The workers
// start after this and inherit the PATH and PULUMI_LANGUAGE_YAML_DIR it sets. A run of only
// other suites builds nothing.
const { execFileSync } = require("child_process");
const path = require("path");

module.exports = async function globalSetup(globalConfig) {
  const patterns = selectedPatterns(globalConfig);
  // Only a run that may include the engine's suites needs the CLI.
  if (patterns.length && !patterns.some((p) => /e2e|package|yaml|sdk/.test(p))) return;
  const cliDir = install("install-pulumi-cli.sh");
  // No CLI and no Go to build one: the suites say so themselves (and fail in CI).
  if (!cliDir) return;
  prependToPath(cliDir);
  // The YAML host only for a run that may include a YAML suite (e2e, the plugin tarball's).
  if (patterns.length && !patterns.some((p) => /e2e|yaml|package/.test(p))) return;
  const yamlDir = install("install-pulumi-yaml.sh");
  if (yamlDir) process.env.PULUMI_LANGUAGE_YAML_DIR = yamlDir;
};

/** Runs scripts/<script>, which prints the folder holding its tool last; undefined if it fails. */
function install(script) {
  try {
    // Finds the tool on PATH or in the cache at once; builds it (minutes, once) when Go is there.
    return execFileSync("bash", [path.join(__dirname, "..", "..", "scripts", script)], {
      stdio: ["ignore", "pipe", "inherit"],
      encoding: "utf8",
    })
      .trim()
      .split("\n")
      .pop();
  } catch {
    return undefined;
  }
}

function prependToPath(dir) {
  if (dir && !(process.env.PATH ?? "").split(path.delimiter).includes(dir)) {
    process.env.PATH = [dir, process.env.PATH ?? ""].join(path.delimiter);
  }
}

/** The test path patterns given on the command line (jest 30 and older spell them differently). */
function selectedPatterns(globalConfig) {
  const p = globalConfig.testPathPatterns ?? globalConfig.testPathPattern;
  if (!p) return [];
  if (typeof p === "string") return p ? [p] : [];
  if (Array.isArray(p)) return p;
  return p.patterns ?? [];
}
