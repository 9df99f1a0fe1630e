#!/usr/bin/env bash
# Builds prebuilds/win32-<x64|arm64>/brokerbridge.node on Linux.
#
#   bash scripts/prebuild/win32.sh x64     # Debian's mingw-w64 (g++-mingw-w64-x86-64)
#   bash scripts/prebuild/win32.sh arm64   # zig 0.11, aarch64-windows-gnu
#   PREBUILD_OUT=<dir> bash scripts/prebuild/win32.sh x64   # build elsewhere, prebuilds/ untouched
#
# The C++ runtime (libstdc++/libc++, libgcc/libunwind, winpthreads) is
# linked in statically, so the DLL needs only system DLLs. N-API is not
# linked at all: native/node_api_host_win.cc binds it to the host
# executable at load time (see there why), which is what lets the same file
# load in node.exe, electron.exe and any renamed host. The x64 build runs
# under Wine in test/integration/windows/; nothing here can run the arm64
# build (Wine on x64 runs no arm64 code), so it is only compiled.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

arch="${1:-}"
case "$arch" in
  x64 | arm64) ;;
  *)
    echo "usage: win32.sh <x64|arm64>" >&2
    exit 2
    ;;
esac
read_plan win

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# NODE_API_SYMBOLS(X) for node_api_host_win.cc: every function N-API
# defines, from the same .def file an import library would be made of.
def="$(node -p "require.resolve('node-api-headers/def/node_api.def', { paths: ['$root'] })")"
{
  echo '#define NODE_API_SYMBOLS(X) \'
  grep -E '^(napi|node_api)_[A-Za-z0-9_]+$' "$def" | sed 's/.*/  X(&) \\/'
  echo
} >"$work/node_api_symbols.h"

# NAPI_EXTERN=dllimport: N-API calls go through __imp_<name> pointers, which
# node_api_host_win.cc defines. -fPIC means nothing for PE (all code is
# position independent) and GCC warns about it, so it is dropped here.
flags=()
for flag in "${common_flags[@]}"; do
  [[ "$flag" == -fPIC ]] || flags+=("$flag")
done
flags+=("${plan_flags[@]}" "-DNAPI_EXTERN=__declspec(dllimport)" -I"$work" -shared -s)
sources=("${plan_sources[@]}" "$root/native/node_api_host_win.cc")

case "$arch" in
  x64)
    # The posix thread model: napi.h needs std::mutex, which the win32 model
    # of GCC 12's mingw-w64 lacks.
    compiler=x86_64-w64-mingw32-g++-posix
    if ! command -v "$compiler" >/dev/null 2>&1; then
      echo "prebuild: $compiler not found (Debian: apt-get install g++-mingw-w64-x86-64)" >&2
      exit 2
    fi
    # No timestamp in the PE header and no image base hashed from the
    # (temporary) output path: the same sources give the same file; ASLR
    # relocates the DLL anyway. Only the dllexport'ed N-API entry points are
    # exported, nothing of the static C++ runtime.
    "$compiler" "${flags[@]}" "${sources[@]}" -o "$work/brokerbridge.node" \
      -static -static-libgcc -static-libstdc++ -Wl,--exclude-all-symbols \
      -Wl,--no-insert-timestamp -Wl,--disable-auto-image-base
    ;;
  arm64)
    require_zig
    # zig links its libc++ and libunwind statically on this target; it
    # writes an import library and a .pdb beside the DLL, which stay in $work.
    (cd "$work" && "$zig" c++ -target aarch64-windows-gnu "${flags[@]}" "${sources[@]}" -o brokerbridge.node)
    # zig's linker stamps the link time into the COFF header and takes no
    # option against it; zero it, so the same sources give the same file.
    pe_header="$(od -An -t u4 -j 60 -N 4 "$work/brokerbridge.node" | tr -d ' ')"
    printf '\0\0\0\0' | dd of="$work/brokerbridge.node" bs=1 seek=$((pe_header + 8)) conv=notrunc status=none
    ;;
esac

if [[ -n "${PREBUILD_OUT:-}" ]]; then
  mkdir -p "$PREBUILD_OUT"
  mv -f "$work/brokerbridge.node" "$PREBUILD_OUT/brokerbridge.node"
  echo "prebuild: win32-$arch -> $PREBUILD_OUT/brokerbridge.node"
else
  install_artifact "$work/brokerbridge.node" "win32-$arch"
fi
