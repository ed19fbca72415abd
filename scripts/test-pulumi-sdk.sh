#!/usr/bin/env bash
# Runs the end-to-end suite (test/e2e: the real engine, the dynamic-provider host and the
# Automation API) against other @pulumi/pulumi versions than the one in package-lock.json,
# each in a throwaway copy of this checkout, so the repo's own node_modules is never touched.
#   scripts/test-pulumi-sdk.sh [floor|latest|<version> ...]    (default: floor latest)
# floor  = the lowest version peerDependencies allows (">=X.Y.Z <4")
# latest = the newest 3.x on the registry, looked up at run time
# The sources are compiled against that version's type declarations too. Runs under the
# `node` and `pulumi` first on PATH (the Pulumi CLI is found as the tests find it).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

log() { echo "test-pulumi-sdk: $*" >&2; }

floor="$(node -p 'require("./package.json").peerDependencies["@pulumi/pulumi"].match(/\d+\.\d+\.\d+/)[0]')"
resolve() {
  case "$1" in
    floor) echo "$floor" ;;
    # npm view with a range lists every matching version; the last is the newest.
    latest) npm view "@pulumi/pulumi@>=$floor <4" version --json | node -e '
      const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
      console.log(Array.isArray(v) ? v[v.length - 1] : v)' ;;
    *) echo "$1" ;;
  esac
}

specs=("$@")
[ ${#specs[@]} -eq 0 ] && specs=(floor latest)

for spec in "${specs[@]}"; do
  version="$(resolve "$spec")"
  start=$(date +%s)
  work="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-codeocean-sdk-$version-XXXXXX")"
  log "@pulumi/pulumi $version ($spec) on Node.js $(node --version), in $work"
  # The checkout as it is: tracked and untracked files, without ignored ones (node_modules, dist).
  git ls-files -z --cached --others --exclude-standard |
    tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$work"
  # On failure (set -e ends the script), say which version and keep the copy to look at.
  trap 'log "FAILED against @pulumi/pulumi $version (copy kept at $work)"' EXIT
  (
    set -e
    cd "$work"
    # The lockfile's tree, with @pulumi/pulumi swapped (dependents that need a newer one, like
    # @pulumi/aws for the examples, get their own nested copy). Lifecycle scripts off: the
    # `prepare` build runs below, once the SDK is in place.
    env -u npm_config_local_prefix npm install --no-save --no-audit --no-fund --prefer-offline \
      --ignore-scripts "@pulumi/pulumi@$version" >&2
    got="$(node -p 'require("@pulumi/pulumi/package.json").version')"
    [ "$got" = "$version" ] || { log "installed @pulumi/pulumi $got, wanted $version"; exit 1; }
    npm run build >&2
    node scripts/link-self.js
    CI=true npx jest test/e2e
  )
  trap - EXIT
  rm -rf "$work"
  log "@pulumi/pulumi $version: passed in $(($(date +%s) - start))s"
done
