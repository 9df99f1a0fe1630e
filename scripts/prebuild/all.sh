#!/usr/bin/env bash
# Builds every prebuild on this Linux machine (npm run prebuild:all):
#
#   linux-x64                 zig, against glibc 2.28        linux.sh
#   darwin-x64, darwin-arm64  zig, macOS 11.0 and later      darwin.sh
#   win32-x64                 mingw-w64 (Debian)             win32.sh
#   win32-arm64               zig, aarch64-windows-gnu       win32.sh
#
# Each lands in prebuilds/<platform>-<arch>/brokerbridge.node, where
# node-gyp-build finds it at install and at load time. The first zig build
# of a target also builds zig's libc++ for it (minutes); later ones reuse
# zig's cache. Stops at the first target that fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

bash "$here/linux.sh"
bash "$here/darwin.sh" x64
bash "$here/darwin.sh" arm64
bash "$here/win32.sh" x64
bash "$here/win32.sh" arm64
