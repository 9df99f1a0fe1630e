// Services the main run loop while broker calls are in flight.
//
// MSALRuntime on macOS hands work to the main GCD queue and waits for it to
// run. Electron's main process runs that queue from its run loop; plain
// Node's main thread sits in libuv instead, so a call could wait forever.
// This class is the portable half of the fix: on one JS thread it counts the
// calls in flight, starts a periodic tick when the first begins, stops it when
// the last settles, and spends at most a fixed budget of each tick servicing
// the loop. What ticking, servicing and the clock are is the platform's
// (main_run_loop_mac.cc); elsewhere nothing ever ticks.
//
// Not thread-safe by design: every method runs on the JS thread that owns it.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

namespace brokerbridge {

class RunLoopPump {
 public:
  struct Hooks {
    // Begins calling Tick() periodically. False when this thread needs no
    // pumping (not the main thread, or the host already runs the loop).
    std::function<bool()> startTicking;
    std::function<void()> stopTicking;
    // One pass over the loop that never waits. True when it handled
    // something, so more may be ready.
    std::function<bool()> serviceOnce;
    // Monotonic clock in nanoseconds.
    std::function<uint64_t()> now;
  };

  // The longest one tick keeps the event loop, beyond what a single pass over
  // the run loop costs by itself.
  static constexpr uint64_t kTickBudgetNs = 1'000'000;

  explicit RunLoopPump(Hooks hooks) : hooks_(std::move(hooks)) {}
  RunLoopPump(const RunLoopPump&) = delete;
  RunLoopPump& operator=(const RunLoopPump&) = delete;

  // A broker call began / settled. Unbalanced settles are ignored.
  void CallStarted();
  void CallSettled();
  // The periodic callback: services the loop until nothing is ready or the
  // budget is spent.
  void Tick();

  int callsInFlight() const { return callsInFlight_; }
  bool ticking() const { return ticking_; }

 private:
  Hooks hooks_;
  int callsInFlight_ = 0;
  bool ticking_ = false;
};

}  // namespace brokerbridge
