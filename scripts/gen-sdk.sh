#!/usr/bin/env bash
# Generates the Node.js, Python and Go SDKs of a Pulumi package schema:
#   scripts/gen-sdk.sh <schema.json> <outdir> [sdkgen flags, e.g. -keep go/go.mod,go/go.sum]
# writes <outdir>/nodejs, <outdir>/python and <outdir>/go (each emptied first, except kept files).
# The generator (scripts/sdkgen, the code generators of github.com/pulumi/pulumi/pkg/v3) is built
# once into a cache folder keyed by its pinned pkg/v3 version and a hash of its sources; building
# it needs Go and the Go module proxy, running it needs neither. Logs go to stderr.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 <schema.json> <outdir> [-lang nodejs,python,go] [-keep go/go.mod,go/go.sum]" >&2
  exit 2
fi
schema="$1"; out="$2"; shift 2

SRC="$(cd "$(dirname "$0")/sdkgen" && pwd)"
CACHE_ROOT="${PULUMI_CODEOCEAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-codeocean}"

log() { echo "gen-sdk: $*" >&2; }

pkg_version="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$SRC/go.mod")"
[ -n "$pkg_version" ] || { log "no github.com/pulumi/pulumi/pkg/v3 requirement in $SRC/go.mod"; exit 1; }
# The sources that decide the binary: the Go files and the module files (not testdata, docs).
src_hash="$(cd "$SRC" && cat go.mod go.sum $(ls *.go | LC_ALL=C sort) | sha256sum | cut -c1-12)"
DEST="$CACHE_ROOT/sdkgen/$pkg_version-$src_hash"

if [ ! -x "$DEST/sdkgen" ]; then
  if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
    export PATH="/usr/local/go/bin:$PATH"
  fi
  command -v go >/dev/null 2>&1 || { log "building the SDK generator needs Go (https://go.dev/dl/)"; exit 1; }
  start=$(date +%s)
  log "building sdkgen (pkg/v3 $pkg_version, sources $src_hash); several minutes the first time"
  mkdir -p "$DEST.tmp.$$"
  (cd "$SRC" && go build -mod=readonly -trimpath -ldflags "-s -w" -o "$DEST.tmp.$$/sdkgen" .) >&2
  rm -rf "$DEST" && mv "$DEST.tmp.$$" "$DEST"
  log "built $DEST/sdkgen in $(( $(date +%s) - start ))s"
fi

"$DEST/sdkgen" "$@" "$schema" "$out"
