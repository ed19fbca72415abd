#!/usr/bin/env bash
# Builds the plugin tarball of this version, for
#   pulumi plugin install resource codeocean <version> --file <tarball>
# (then any Pulumi program — YAML, Python, Go, .NET, Node.js — finds the plugin without
# `npm install -g pulumi-codeocean` and without Pulumi.yaml `plugins.providers`).
#
#   scripts/plugin-tarball.sh [outdir]     (default dist/plugin; prints the tarball's path last)
#
# The tarball holds `pulumi-resource-codeocean` (a Node.js script: it needs `node` >= 20 on
# PATH) and node_modules/ with this package as `npm pack` makes it and its production
# dependencies, @pulumi/pulumi included (its gRPC and protobuf code serve the engine). It is
# plain JavaScript, so one tarball serves every OS and architecture; it is named for
# linux-amd64, as Pulumi names plugin archives, and works under any name with --file.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
out="${1:-dist/plugin}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
version="$(node -p "require('./package.json').version")"
# The @pulumi/pulumi the repo tests with (package-lock), so the plugin runs what CI ran.
pulumi_version="$(node -p "require('./node_modules/@pulumi/pulumi/package.json').version")"

log() { echo "plugin-tarball: $*" >&2; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
log "packing pulumi-codeocean $version"
npm pack --silent --pack-destination "$stage" >/dev/null
mkdir "$stage/plugin"
cat >"$stage/plugin/package.json" <<JSON
{
  "private": true,
  "description": "The codeocean Pulumi resource plugin, version $version",
  "dependencies": {
    "pulumi-codeocean": "file:../pulumi-codeocean-$version.tgz",
    "@pulumi/pulumi": "$pulumi_version"
  }
}
JSON
log "installing its production dependencies (@pulumi/pulumi $pulumi_version)"
(cd "$stage/plugin" && npm install --omit=dev --no-audit --no-fund --prefer-offline --install-links --silent)
# The installed package, not a link to the tarball's temporary folder.
rm -f "$stage/plugin/package-lock.json"
cat >"$stage/plugin/pulumi-resource-codeocean" <<'JS'
#!/usr/bin/env node
// The codeocean Pulumi resource plugin, as installed by `pulumi plugin install`.
require("./node_modules/pulumi-codeocean/dist/provider/faces/plugin/start.js");
JS
chmod +x "$stage/plugin/pulumi-resource-codeocean"
tarball="$out/pulumi-resource-codeocean-v$version-linux-amd64.tar.gz"
tar -czf "$tarball" -C "$stage/plugin" .
log "wrote $tarball ($(du -h "$tarball" | cut -f1))"
echo "$tarball"
