#!/usr/bin/env bash
# Builds test/sdk/go-program (a Go Automation API program using the Go SDK in sdk/go/codeocean)
# once, into a cache folder keyed by the Go version and a hash of everything it compiles from:
# its go.mod, go.sum and *.go, the SDK's go.mod, go.sum and *.go, and this script. Prints the binary's path
# on the last line of stdout; logs go to stderr.
#   scripts/build-go-program.sh
# Building needs Go and, for modules not in the module cache yet, the Go module proxy: several
# minutes on a fresh machine (measured: see docs/sdks.md); running the binary needs neither.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
SRC="$repo/test/sdk/go-program"
SDK="$repo/sdk/go/codeocean"
CACHE_ROOT="${PULUMI_CODEOCEAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-codeocean}"

log() { echo "build-go-program: $*" >&2; }

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { log "building the Go program needs Go (https://go.dev/dl/)"; exit 1; }

go_version="$(go env GOVERSION)"
# Every file the binary is compiled from, in a fixed order (names and contents), and this script.
src_hash="$(
  cd "$repo"
  { echo scripts/build-go-program.sh
    find test/sdk/go-program sdk/go/codeocean -type f \( -name '*.go' -o -name go.mod -o -name go.sum \)
  } | LC_ALL=C sort | while read -r f; do echo "$f"; cat "$f"; done | sha256sum | cut -c1-16
)"
DEST="$CACHE_ROOT/go-program/$go_version-$src_hash"

if [ ! -x "$DEST/go-program" ]; then
  start=$(date +%s)
  log "building test/sdk/go-program ($go_version, sources $src_hash); minutes on a cold Go cache"
  mkdir -p "$DEST.tmp.$$"
  (cd "$SRC" && go build -mod=readonly -trimpath -ldflags "-s -w" -o "$DEST.tmp.$$/go-program" .) >&2
  rm -rf "$DEST" && mv "$DEST.tmp.$$" "$DEST"
  log "built $DEST/go-program in $(( $(date +%s) - start ))s"
fi
echo "$DEST/go-program"
