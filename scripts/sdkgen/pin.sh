#!/usr/bin/env bash
# Re-pins scripts/sdkgen's go.mod to github.com/pulumi/pulumi/pkg/v3 and sdk/v3 at one version
# (default: the Pulumi CLI's, see scripts/install-pulumi-cli.sh), copies pkg/v3's non-local
# replace lines (a dependency's replace lines do not apply to us) and its go directive, then runs
# `go mod tidy`. Commit the resulting go.mod and go.sum. Needs the Go module proxy.
set -euo pipefail

VERSION="${1:-${PULUMI_CLI_VERSION:-v3.274.1}}"
cd "$(dirname "$0")"

log() { echo "sdkgen/pin: $*" >&2; }

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi

modfile="$(GOFLAGS=-mod=mod go mod download -json "github.com/pulumi/pulumi/pkg/v3@$VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')"
[ -f "$modfile" ] || { log "could not download pkg/v3@$VERSION's go.mod"; exit 1; }

go_directive="$(sed -n 's/^go \(.*\)/\1/p' "$modfile" | head -1)"
[ -n "$go_directive" ] && go mod edit -go="$go_directive"

# Drop our old replace lines, then copy pkg/v3's non-local ones (single-line and block forms;
# the local `../sdk` one is what our sdk/v3 requirement stands for).
awk '
  /^replace \(/ { inblock=1; next }
  inblock && /^\)/ { inblock=0; next }
  inblock || /^replace / { next }
  { print }
' go.mod > go.mod.tmp && mv go.mod.tmp go.mod
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
  log "replace $old => $new"
  go mod edit -replace="$old=$new"
done

go mod edit -require="github.com/pulumi/pulumi/pkg/v3@$VERSION" -require="github.com/pulumi/pulumi/sdk/v3@$VERSION"
go mod tidy >&2
log "pinned to pkg/v3 and sdk/v3 $VERSION (go $go_directive)"
