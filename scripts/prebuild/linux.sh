#!/usr/bin/env bash
# Builds prebuilds/linux-x64/brokerbridge.node with zig against glibc 2.28.
#
# Why zig: it links against stubs of a chosen glibc version, so the addon
# loads on every distribution MSALRuntime ships for (its RHEL 8 build means
# glibc 2.28; Ubuntu 20.04 and Debian 11 are 2.31) whatever this machine's
# glibc is. Its libc++ is linked in statically, so there is no libstdc++
# version to match either. dlopen comes from libdl, as glibc < 2.34 needs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_zig
read_plan linux

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Only the two N-API entry points leave the library: the statically linked
# libc++/libunwind must not be exported, or Node's (or another addon's)
# copies could bind to them, and ours to theirs.
cat >"$work/exports.map" <<'EOF'
{
  global: napi_register_module_v1; node_api_module_get_api_version_v1;
  local: *;
};
EOF

"$zig" c++ -target x86_64-linux-gnu.2.28 -shared "${common_flags[@]}" "${plan_flags[@]}" \
  "${plan_sources[@]}" -o "$work/brokerbridge.node" \
  -Wl,--version-script="$work/exports.map" \
  -ldl -lpthread -s

install_artifact "$work/brokerbridge.node" linux-x64
