// The SDKs in sdk/ and docs/reference.md are what the generator makes of provider/schema.json
// (`npm run generate:sdk -- --check`, in a process of its own), and the plugin, the schema and
// every SDK carry one version: package.json's.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");
const read = (f: string) => fs.readFileSync(path.join(root, f), "utf8");

it("sdk/ and docs/reference.md are current (else run `npm run generate:sdk`)", async () => {
  const result = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "scripts/generate-sdk.ts", "--check"],
      { cwd: root },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
  expect(result.output).toBe("");
  expect(result.code).toBe(0);
  // A cold cache builds the generator first (scripts/gen-sdk.sh: minutes); then < 5 s.
}, 20 * 60_000);

it("the plugin, the schema and the SDKs carry package.json's version", () => {
  const version = JSON.parse(read("package.json")).version;
  const pyproject = read("sdk/python/pyproject.toml");
  expect({
    plugin: read("provider/version.ts").match(/VERSION = "([^"]+)"/)?.[1],
    schema: JSON.parse(read("provider/schema.json")).version,
    nodejs: JSON.parse(read("sdk/nodejs/package.json")).version,
    python: pyproject.match(/^\s*version = "([^"]+)"/m)?.[1],
    pythonPlugin: JSON.parse(read("sdk/python/pulumi_codeocean/pulumi-plugin.json")).version,
    goPlugin: JSON.parse(read("sdk/go/codeocean/pulumi-plugin.json")).version,
    // The Go SDK asks the engine for this plugin version on every resource.
    go: read("sdk/go/codeocean/internal/pulumiUtilities.go").match(/semver.MustParse\("([^"]+)"\)/)?.[1],
  }).toEqual({
    plugin: version,
    schema: version,
    nodejs: version,
    python: version,
    pythonPlugin: version,
    goPlugin: version,
    go: version,
  });
});
