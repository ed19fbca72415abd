// Runs once before any test file: provides the Pulumi CLI for the end-to-end and package
// suites exactly as `npm run demo` does — the one on PATH, or the one
// scripts/install-pulumi-cli.sh built into the cache, or (when Go is there) built now. So a
// fresh `npm ci && npm test` runs every suite instead of skipping the engine's. The workers
// start after this and inherit the PATH it sets. A run of only other suites builds nothing.
const { execFileSync } = require("child_process");
const path = require("path");

module.exports = async function globalSetup(globalConfig) {
  const patterns = selectedPatterns(globalConfig);
  // Only a run that may include the engine's suites needs the CLI.
  if (patterns.length && !patterns.some((p) => /e2e|package|sdk/.test(p))) return;
  const script = path.join(__dirname, "..", "..", "scripts", "install-pulumi-cli.sh");
  let dir;
  try {
    // Prints the folder holding `pulumi` last; finds a CLI on PATH or in the cache at once.
    dir = execFileSync("bash", [script], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" })
      .trim()
      .split("\n")
      .pop();
  } catch {
    // No CLI and no Go to build one: the suites say so themselves (and fail in CI).
    return;
  }
  if (dir && !(process.env.PATH ?? "").split(path.delimiter).includes(dir)) {
    process.env.PATH = [dir, process.env.PATH ?? ""].join(path.delimiter);
  }
};

/** The test path patterns given on the command line (jest 30 and older spell them differently). */
function selectedPatterns(globalConfig) {
  const p = globalConfig.testPathPatterns ?? globalConfig.testPathPattern;
  if (!p) return [];
  if (typeof p === "string") return p ? [p] : [];
  if (Array.isArray(p)) return p;
  return p.patterns ?? [];
}
