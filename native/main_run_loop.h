// The RunLoopPump for one JS environment, wired to this OS's main run loop.
// Only macOS has one to service (main_run_loop_mac.cc); elsewhere the pump
// counts calls and never ticks (main_run_loop_none.cc).
#pragma once

#include <memory>

#include <node_api.h>

#include "run_loop_pump.h"

namespace brokerbridge {

std::unique_ptr<RunLoopPump> NewMainRunLoopPump(napi_env env);

}  // namespace brokerbridge
