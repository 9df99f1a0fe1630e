#include "main_run_loop.h"

namespace brokerbridge {

// Windows and Linux brokers answer on their own threads; nothing waits for
// the JS thread's loop, so the pump never starts.
std::unique_ptr<RunLoopPump> NewMainRunLoopPump(napi_env) {
  return std::make_unique<RunLoopPump>(RunLoopPump::Hooks{
      [] { return false; },
      [] {},
      [] { return false; },
      [] { return uint64_t{0}; },
  });
}

}  // namespace brokerbridge
