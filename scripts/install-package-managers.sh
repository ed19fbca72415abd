#!/usr/bin/env bash
# Puts pinned pnpm and Yarn (Berry) into a cache, from the npm registry only (no corepack,
# no download site of their own), for test/package/managers.test.ts:
#   ~/.cache/pulumi-codeocean/pm/pnpm-<v>_yarn-<v>/node_modules/.bin/{pnpm,yarn}
# Prints that bin folder as the last line of stdout (logs go to stderr). Does nothing but
# print when it is already there.
set -euo pipefail

PNPM_VERSION=12.21.0
YARN_VERSION=4.18.1 # @yarnpkg/cli-dist: Yarn Berry as one bundled file

CACHE_ROOT="${PULUMI_CODEOCEAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-codeocean}"
DEST="$CACHE_ROOT/pm/pnpm-${PNPM_VERSION}_yarn-${YARN_VERSION}"
BIN="$DEST/node_modules/.bin"

log() { echo "install-package-managers: $*" >&2; }

if [ -x "$BIN/pnpm" ] && [ -x "$BIN/yarn" ] && [ -f "$DEST/.complete" ]; then
  log "using cached pnpm $PNPM_VERSION and yarn $YARN_VERSION"
  echo "$BIN"
  exit 0
fi

start=$(date +%s)
rm -rf "$DEST"
mkdir -p "$DEST"
echo '{ "name": "pm-cache", "private": true }' >"$DEST/package.json"
# Run from $DEST and without npm_* settings of a surrounding `npm test` (its local prefix
# would point the install at the repo).
(cd "$DEST" && env -u npm_config_local_prefix -u npm_config_prefix \
  npm install --no-audit --no-fund --prefer-offline --save-exact \
  "pnpm@$PNPM_VERSION" "@yarnpkg/cli-dist@$YARN_VERSION" >&2)
"$BIN/pnpm" --version >/dev/null
"$BIN/yarn" --version >/dev/null
touch "$DEST/.complete"
log "installed pnpm $PNPM_VERSION and yarn $YARN_VERSION in $(( $(date +%s) - start ))s at $DEST"
echo "$BIN"
