// Drives native/run_loop_pump.cc with fake hooks, one command per stdin line,
// so test/integration/native/run-loop-pump.test.ts can check the start/stop/budget
// logic on any OS. Commands:
//   begin | end | tick            CallStarted / CallSettled / Tick
//   host-runs-loop on|off         what the start hook will answer
//   ready <n>                     the next n passes find work
//   cost <ns>                     each pass advances the fake clock this much
// Prints one line per hook call (start yes|no, stop, service), then the
// state after each command: "= inflight=<n> ticking=<0|1>".
#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>

#include "run_loop_pump.h"

using brokerbridge::RunLoopPump;

int main() {
  bool hostRunsLoop = false;
  uint64_t clock = 0;
  uint64_t cost = 0;
  long ready = 0;
  RunLoopPump pump(RunLoopPump::Hooks{
      [&] {
        std::cout << "start " << (hostRunsLoop ? "no" : "yes") << "\n";
        return !hostRunsLoop;
      },
      [] { std::cout << "stop\n"; },
      [&] {
        std::cout << "service\n";
        clock += cost;
        if (ready == 0) return false;
        --ready;
        return true;
      },
      [&] { return clock; },
  });
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    std::string command;
    words >> command;
    if (command == "begin") {
      pump.CallStarted();
    } else if (command == "end") {
      pump.CallSettled();
    } else if (command == "tick") {
      pump.Tick();
    } else if (command == "host-runs-loop") {
      std::string value;
      words >> value;
      hostRunsLoop = value == "on";
    } else if (command == "ready") {
      words >> ready;
    } else if (command == "cost") {
      words >> cost;
    } else {
      std::cerr << "unknown command: " << line << "\n";
      return 2;
    }
    std::cout << "= inflight=" << pump.callsInFlight() << " ticking=" << (pump.ticking() ? 1 : 0) << "\n";
  }
  return 0;
}
