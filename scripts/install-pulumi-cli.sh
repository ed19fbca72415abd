#!/usr/bin/env bash
# Puts a Pulumi CLI on this machine without any Pulumi download site: builds
# github.com/pulumi/pulumi/pkg/v3/cmd/pulumi from the Go module proxy at a pinned version
# into a cache folder keyed by that version. Prints the folder that holds `pulumi` as its
# last line of stdout (everything else goes to stderr), so callers can do
#   PATH="$(scripts/install-pulumi-cli.sh):$PATH"
# Does nothing when a suitable `pulumi` is already on PATH or in the cache.
set -euo pipefail

VERSION="${PULUMI_CLI_VERSION:-v3.274.1}"
CACHE_ROOT="${PULUMI_CODEOCEAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-codeocean}"
DEST="$CACHE_ROOT/pulumi-cli/$VERSION"

log() { echo "install-pulumi-cli: $*" >&2; }

if [ -z "${PULUMI_CLI_FORCE_BUILD:-}" ] && command -v pulumi >/dev/null 2>&1; then
  have="$(pulumi version 2>/dev/null || true)"
  case "$have" in
    v3.*) log "using pulumi $have already on PATH ($(command -v pulumi))"
          dirname "$(command -v pulumi)"; exit 0 ;;
  esac
fi

if [ -x "$DEST/pulumi" ]; then
  log "using cached pulumi $VERSION"
  echo "$DEST"; exit 0
fi

# Go's default install location, in case it is not on PATH (e.g. a minimal CI environment).
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi

if ! command -v go >/dev/null 2>&1; then
  log "no pulumi on PATH and no Go toolchain to build one."
  log "Install the Pulumi CLI: curl -fsSL https://get.pulumi.com | sh   (see https://www.pulumi.com/docs/install/)"
  exit 1
fi

start=$(date +%s)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log "building pulumi $VERSION from Go modules in $work (this takes several minutes once)"

# `go install module@version` refuses modules whose go.mod has replace lines, and
# pkg/go.mod has them. So: a throwaway main module that requires pkg/v3 and sdk/v3 at the
# same version and repeats pkg/go.mod's non-local replace lines (the local `../sdk` one is
# what the sdk/v3 requirement stands for).
modfile="$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "github.com/pulumi/pulumi/pkg/v3@$VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')"
[ -f "$modfile" ] || { log "could not download pkg/v3@$VERSION's go.mod"; exit 1; }

cd "$work"
go mod init pulumi-cli-build >/dev/null 2>&1
go_directive="$(sed -n 's/^go \(.*\)/\1/p' "$modfile" | head -1)"
[ -n "$go_directive" ] && go mod edit -go="$go_directive"
# Single-line and block forms of replace; keep only those whose target is a module path.
awk '
  /^replace \(/ { inblock=1; next }
  inblock && /^\)/ { inblock=0; next }
  inblock { print; next }
  /^replace / { sub(/^replace /, ""); print }
' "$modfile" | while read -r line; do
  [ -z "$line" ] && continue
  old="$(echo "$line" | sed 's/ *=>.*//' | tr -s ' ' '@')"
  new="$(echo "$line" | sed 's/.*=> *//' | tr -s ' ' '@')"
  case "$new" in ./*|../*|/*) continue ;; esac
  go mod edit -replace="$old=$new"
done
go get "github.com/pulumi/pulumi/pkg/v3@$VERSION" "github.com/pulumi/pulumi/sdk/v3@$VERSION" >&2
go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$VERSION" >&2

mkdir -p "$DEST.tmp"
go build -trimpath \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION" \
  -o "$DEST.tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
rm -rf "$DEST" && mv "$DEST.tmp" "$DEST"

log "built $("$DEST/pulumi" version) in $(( $(date +%s) - start ))s, $(du -h "$DEST/pulumi" | cut -f1) at $DEST/pulumi"
echo "$DEST"
