// After `tsc`: removes from dist/ every compiled file whose source is gone (a file moved or
// deleted since the last build), so that the package never ships stale modules. dist/ is not
// emptied first: tests running beside a build (the package test packs the repo) keep finding
// every current file.
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");
const OUTPUT = /(\.d\.ts|\.js|\.js\.map|\.d\.ts\.map)$/;

function walk(dir) {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      walk(p);
      if (fs.readdirSync(p).length === 0) fs.rmdirSync(p);
    } else if (OUTPUT.test(e.name)) {
      const source = path.join(root, path.relative(dist, p)).replace(OUTPUT, ".ts");
      if (!fs.existsSync(source)) fs.rmSync(p);
    }
  }
}
walk(dist);
