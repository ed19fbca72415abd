#!/usr/bin/env bash
# Proves scripts/gen-sdk.sh on testdata/toy-schema.json (or the schema given as $1) in a temp
# folder: the output is byte-identical on rerun and hand-kept files survive; the Go SDK builds
# as its own module against github.com/pulumi/pulumi/sdk/v3 v3.274.1; the Node SDK builds with
# tsc (typescript and @pulumi/pulumi from the repository's node_modules, or $NODE_MODULES);
# every Python file compiles, and when Debian's python3 has setuptools and wheel, the package
# builds an sdist and a wheel.
# Needs Go and the Go module proxy (for the Go SDK's go.sum). Leaves nothing behind.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
schema="$(realpath "${1:-$here/testdata/toy-schema.json}")"
SDK_VERSION="${PULUMI_SDK_VERSION:-v3.274.1}"

log() { echo "check-toy: $*" >&2; }
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$repo/scripts/gen-sdk.sh" "$schema" "$work/a"
"$repo/scripts/gen-sdk.sh" "$schema" "$work/b"
diff -r "$work/a" "$work/b" >&2 || { log "FAIL: two runs differ"; exit 1; }
log "deterministic: two runs are byte-identical"

# Go: the SDK is its own module at <out>/go; its module path is importBasePath minus its last
# element. go.mod and go.sum are hand-kept files, regenerating keeps them.
import_base="$(sed -n 's/.*"importBasePath": *"\([^"]*\)".*/\1/p' "$schema" | head -1)"
[ -n "$import_base" ] || { log "FAIL: the schema has no language.go.importBasePath"; exit 1; }
out="$work/a"
printf 'module %s\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 %s\n' \
  "$(dirname "$import_base")" "$SDK_VERSION" > "$out/go/go.mod"
(cd "$out/go" && go mod tidy >&2)
touch "$out/go/stale.go" "$out/nodejs/stale.ts"
cp "$out/go/go.mod" "$out/go/go.sum" "$work/"
"$repo/scripts/gen-sdk.sh" "$schema" "$out" -keep go/go.mod,go/go.sum
cmp "$out/go/go.mod" "$work/go.mod" && cmp "$out/go/go.sum" "$work/go.sum" \
  || { log "FAIL: kept go.mod/go.sum changed"; exit 1; }
[ ! -e "$out/go/stale.go" ] && [ ! -e "$out/nodejs/stale.ts" ] || { log "FAIL: stale files survived"; exit 1; }
diff -r -x go.mod -x go.sum "$out" "$work/b" >&2 || { log "FAIL: regenerating with -keep changed the output"; exit 1; }
log "clean: stale files removed, go/go.mod and go/go.sum kept"
(cd "$out/go" && go build ./... && go vet ./...) >&2
log "go: go build ./... and go vet ./... pass ($(sed -n 's/^module //p' "$out/go/go.mod"), sdk/v3 $SDK_VERSION)"

# Node.js: tsc with the repository's typescript and @pulumi/pulumi (or NODE_MODULES=<folder>).
node_modules="${NODE_MODULES:-$repo/node_modules}"
if [ -x "$node_modules/.bin/tsc" ] && [ -d "$node_modules/@pulumi/pulumi" ]; then
  ln -s "$node_modules" "$out/nodejs/node_modules"
  (cd "$out/nodejs" && ./node_modules/.bin/tsc) >&2
  # The SDK reads its version from bin/package.json at run time; a release fills ${VERSION}.
  sed 's/\${VERSION}/0.0.1-toy/' "$out/nodejs/package.json" > "$out/nodejs/bin/package.json"
  (cd "$out/nodejs" && node -e 'const m = require("./bin"); if (!m.Provider) process.exit(1)') >&2
  rm "$out/nodejs/node_modules"
  log "nodejs: tsc passes and bin/ loads ($(ls "$out/nodejs/bin"/*.js | wc -l) .js files in bin/)"
else
  log "nodejs: SKIPPED (no typescript and @pulumi/pulumi in $node_modules; run npm ci or set NODE_MODULES)"
fi

# Python: py_compile everywhere; sdist and wheel through setuptools' PEP 517 hooks, offline.
find "$out/python" -name '*.py' -print0 | xargs -0 python3 -m py_compile
log "python: py_compile passes on $(find "$out/python" -name '*.py' | wc -l) files"
py=/usr/bin/python3
if [ -x "$py" ] && "$py" -c 'import setuptools, wheel' 2>/dev/null; then
  (cd "$out/python" && "$py" -c 'from setuptools import build_meta as b; b.build_sdist("dist"); b.build_wheel("dist")' >/dev/null 2>&1) \
    || { log "FAIL: the Python sdist/wheel build failed"; exit 1; }
  log "python: built $(cd "$out/python/dist" && ls | tr '\n' ' ')"
else
  log "python: sdist/wheel SKIPPED ($py lacks setuptools or wheel: apt-get install python3-setuptools python3-wheel)"
fi
log "OK"
