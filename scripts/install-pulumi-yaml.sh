#!/usr/bin/env bash
# Puts the Pulumi YAML language host on this machine without any Pulumi download site:
# builds pulumi-language-yaml and pulumi-converter-yaml from github.com/pulumi/pulumi-yaml
# (Go module proxy) at a pinned version into a cache folder keyed by that version. Prints
# that folder as its last line of stdout (everything else goes to stderr), so callers can do
#   PATH="$(scripts/install-pulumi-yaml.sh):$PATH"
# Does nothing when the folder is already there. Same conventions as install-pulumi-cli.sh.
set -euo pipefail

VERSION="${PULUMI_YAML_VERSION:-v1.25.0}"
case "$VERSION" in v*) ;; *) VERSION="v$VERSION" ;; esac
CACHE_ROOT="${PULUMI_CODEOCEAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-codeocean}"
DEST="$CACHE_ROOT/pulumi-yaml/$VERSION"
MODULE=github.com/pulumi/pulumi-yaml

log() { echo "install-pulumi-yaml: $*" >&2; }

if [ -x "$DEST/pulumi-language-yaml" ] && [ -x "$DEST/pulumi-converter-yaml" ]; then
  log "using cached pulumi-yaml $VERSION"
  echo "$DEST"; exit 0
fi

# Go's default install location, in case it is not on PATH (e.g. a minimal CI environment).
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi

if ! command -v go >/dev/null 2>&1; then
  log "no Go toolchain to build the YAML language host."
  log "A normal Pulumi install ships pulumi-language-yaml (see https://www.pulumi.com/docs/install/)"
  exit 1
fi

start=$(date +%s)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log "building pulumi-yaml $VERSION from Go modules in $work (this takes several minutes once)"

cd "$work"
go mod init pulumi-yaml-build >/dev/null 2>&1

# Prints the go.mod of module@version from the module proxy (downloading it if needed).
gomod_of() {
  GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p'
}

# Repeats a go.mod's non-local replace lines in the throwaway module: `go build` of a
# dependency ignores its replace lines, only the main module's count.
copy_replaces() {
  awk '
    /^replace \(/ { inblock=1; next }
    inblock && /^\)/ { inblock=0; next }
    inblock { print; next }
    /^replace / { sub(/^replace /, ""); print }
  ' "$1" | while read -r line; do
    line="${line%%//*}"
    [ -z "${line// /}" ] && continue
    old="$(echo "$line" | sed 's/ *=>.*//' | sed 's/ *$//' | tr -s ' ' '@')"
    new="$(echo "$line" | sed 's/.*=> *//' | sed 's/ *$//' | tr -s ' ' '@')"
    case "$new" in ./*|../*|/*) continue ;; esac
    log "replace $old => $new (from $(basename "$(dirname "$(dirname "$1")")")/$(basename "$1"))"
    go mod edit -replace="$old=$new"
  done
}

yaml_mod="$(gomod_of "$MODULE@$VERSION")"
[ -f "$yaml_mod" ] || { log "could not download $MODULE@$VERSION's go.mod"; exit 1; }
go_directive="$(sed -n 's/^go \(.*\)/\1/p' "$yaml_mod" | head -1)"
[ -n "$go_directive" ] && go mod edit -go="$go_directive"
copy_replaces "$yaml_mod"

# pulumi-yaml requires github.com/pulumi/pulumi/pkg/v3, whose go.mod has replace lines of its
# own (github.com/atotto/clipboard => github.com/tgummerer/clipboard at v3.206.0).
pkg_version="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$yaml_mod")"
if [ -n "$pkg_version" ]; then
  pkg_mod="$(gomod_of "github.com/pulumi/pulumi/pkg/v3@$pkg_version")"
  [ -f "$pkg_mod" ] || { log "could not download pkg/v3@$pkg_version's go.mod"; exit 1; }
  copy_replaces "$pkg_mod"
fi

go get "$MODULE@$VERSION" >&2
go get "$MODULE/cmd/pulumi-language-yaml@$VERSION" "$MODULE/cmd/pulumi-converter-yaml@$VERSION" >&2

mkdir -p "$DEST.tmp"
for cmd in pulumi-language-yaml pulumi-converter-yaml; do
  go build -trimpath \
    -ldflags "-s -w -X $MODULE/pkg/version.Version=${VERSION#v}" \
    -o "$DEST.tmp/$cmd" "$MODULE/cmd/$cmd" >&2
done
rm -rf "$DEST" && mv "$DEST.tmp" "$DEST"

log "built pulumi-yaml $VERSION (pkg/v3 ${pkg_version:-?}) in $(( $(date +%s) - start ))s: $(cd "$DEST" && du -h pulumi-language-yaml pulumi-converter-yaml | tr '\t\n' ' ')at $DEST"
echo "$DEST"
