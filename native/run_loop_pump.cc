#include "run_loop_pump.h"

namespace brokerbridge {

void RunLoopPump::CallStarted() {
  // Whether the host runs the loop is asked again at every first call: an
  // Electron app may start its loop after an early call has settled.
  if (callsInFlight_++ == 0) ticking_ = hooks_.startTicking();
}

void RunLoopPump::CallSettled() {
  if (callsInFlight_ == 0) return;
  if (--callsInFlight_ > 0 || !ticking_) return;
  ticking_ = false;
  hooks_.stopTicking();
}

void RunLoopPump::Tick() {
  if (!ticking_) return;
  const uint64_t deadline = hooks_.now() + kTickBudgetNs;
  // One pass always; more only while passes find work and time is left, so a
  // burst of main-queue blocks drains in one tick without holding the event
  // loop past the budget.
  while (hooks_.serviceOnce() && ticking_ && hooks_.now() < deadline) {
  }
}

}  // namespace brokerbridge
