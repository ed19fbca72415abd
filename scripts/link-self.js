// Links this checkout as node_modules/pulumi-codeocean. Dynamic-provider methods are
// serialized into Pulumi's state and run later in the provider host, where they reach the
// implementation with require("pulumi-codeocean/..."). In-repo programs, examples and tests
// must resolve it exactly as an installed user does, so the package needs to be findable
// by name from the repo root.
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", "pulumi-codeocean");
fs.mkdirSync(path.dirname(link), { recursive: true });
try {
  const current = fs.readlinkSync(link);
  if (path.resolve(path.dirname(link), current) === root) process.exit(0);
  fs.rmSync(link, { recursive: true, force: true });
} catch {
  fs.rmSync(link, { recursive: true, force: true });
}
fs.symlinkSync("..", link, "dir");
