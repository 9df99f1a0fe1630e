#!/usr/bin/env bash
# Builds prebuilds/darwin-<x64|arm64>/brokerbridge.node with zig from Linux.
#
#   scripts/prebuild/darwin.sh <x64|arm64>
#
# - Minimum macOS 11.0: the oldest zig 0.11 has headers for, and older than
#   what MSALRuntime's own dylibs need (LC_BUILD_VERSION minos 12.0), so the
#   addon never is the reason the broker cannot load.
# - N-API symbols stay undefined and are looked up in the host at load time
#   (-undefined dynamic_lookup), as every Node addon on macOS does; libc++ is
#   linked in statically, libSystem is the only library named.
# - zig 0.11's Mach-O linker lists hidden symbols in the export trie anyway.
#   They are inert: the image has no weak definitions for dyld to coalesce
#   (no MH_WEAK_DEFINES), and under the two-level namespace nothing binds to
#   them; test/integration/packaging/prebuild-formats.test.ts checks both.
# - zig signs the arm64 image ad hoc, which Apple silicon requires.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

case "${1:-}" in
  x64) target=x86_64-macos.11.0 ;;
  arm64) target=aarch64-macos.11.0 ;;
  *)
    echo "usage: darwin.sh <x64|arm64>" >&2
    exit 2
    ;;
esac
require_zig
read_plan mac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$zig" c++ -target "$target" -shared "${common_flags[@]}" "${plan_flags[@]}" \
  "${plan_sources[@]}" -o "$work/brokerbridge.node" \
  -Wl,-undefined,dynamic_lookup -Wl,-install_name,@rpath/brokerbridge.node -s

install_artifact "$work/brokerbridge.node" "darwin-$1"
