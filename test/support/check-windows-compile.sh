#!/usr/bin/env bash
# Syntax-checks the addon's Windows build with mingw-w64 (Debian/Ubuntu
# package: g++-mingw-w64-x86-64). Sources, defines and the C++ standard come
# from binding.gyp: the common target plus its OS=='win' condition, so the
# check follows the real build as binding.gyp changes.
#
# Exit 0: every Windows source compiles. Exit 1: a source does not.
# Exit 2: the toolchain or headers are missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

# GCC 12's mingw-w64 "win32" thread model has no std::mutex, which napi.h
# needs; MSVC has it. The posix-threads flavour of the same compiler matches
# what MSVC offers, so prefer it when the default is the win32 flavour.
pick_compiler() {
  local candidate
  for candidate in x86_64-w64-mingw32-g++ x86_64-w64-mingw32-g++-posix; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -v 2>&1 | grep -q '^Thread model: posix'; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! compiler="$(pick_compiler)"; then
  echo "check-windows-compile: no x86_64-w64-mingw32-g++ with the posix thread model;" \
    "install g++-mingw-w64-x86-64" >&2
  exit 2
fi

node_headers="${NODE_HEADERS_DIR:-/usr/include/node}"
if [[ ! -f "$node_headers/node_api.h" ]]; then
  echo "check-windows-compile: Node's headers are not in $node_headers (set NODE_HEADERS_DIR)" >&2
  exit 2
fi
addon_api="$(node -p "require('node-addon-api').include_dir")"

# One line each: SRC <path> | DEF <define> | STD <flag>.
plan="$(node - <<'EOF'
const gyp = JSON.parse(require('node:fs').readFileSync('binding.gyp', 'utf8'));
const target = gyp.targets[0];
const win = (target.conditions ?? []).filter(([cond]) => cond === "OS=='win'").map(([, settings]) => settings);
const sources = [...(target.sources ?? []), ...win.flatMap((s) => s.sources ?? [])];
const defines = [...(target.defines ?? []), ...win.flatMap((s) => s.defines ?? [])];
const std = (target.cflags_cc ?? []).find((flag) => flag.startsWith('-std=')) ?? '-std=c++17';
for (const source of sources.filter((s) => s.endsWith('.cc'))) console.log(`SRC ${source}`);
for (const define of defines) console.log(`DEF ${define}`);
console.log(`STD ${std}`);
EOF
)"

sources=()
flags=()
std_flag="-std=c++17"
while read -r kind value; do
  case "$kind" in
    SRC) sources+=("$value") ;;
    DEF) flags+=("-D$value") ;;
    STD) std_flag="$value" ;;
  esac
done <<<"$plan"

if [[ ${#sources[@]} -eq 0 ]]; then
  echo "check-windows-compile: binding.gyp lists no sources" >&2
  exit 2
fi

# -isystem keeps warnings in Node's and node-addon-api's headers out of
# -Werror; our own files must compile warning-free.
failed=0
for source in "${sources[@]}"; do
  if "$compiler" "$std_flag" -fsyntax-only -fexceptions -Wall -Wextra -Wno-unused-parameter -Werror \
    -isystem "$addon_api" -isystem "$node_headers" -Inative "${flags[@]}" "$source"; then
    echo "ok   $source"
  else
    echo "FAIL $source"
    failed=1
  fi
done
exit "$failed"
