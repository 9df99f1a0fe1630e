// Per-JS-environment state. Each main thread or worker that loads the addon
// gets its own instance (Napi::Addon stores it with SetInstanceData), so no JS
// reference is ever held in a static. What is process-wide lives in
// msal_runtime.h.
#pragma once

#include <memory>

#include <napi.h>

#include "log_sink.h"
#include "run_loop_pump.h"

namespace brokerbridge {

class BrokerBridgeAddon : public Napi::Addon<BrokerBridgeAddon> {
 public:
  BrokerBridgeAddon(Napi::Env env, Napi::Object exports);
  // Environment teardown: drops this environment's log sink and its share of
  // the runtime's Startup count.
  ~BrokerBridgeAddon();

  // How many successful startup() calls this environment holds; its teardown
  // releases them.
  int startupCount = 0;
  // Told of every runtime call (and Startup/Shutdown) this environment starts
  // and settles, so the main run loop is serviced meanwhile where the OS
  // needs it (macOS); see main_run_loop.h.
  std::unique_ptr<RunLoopPump> runLoopPump;

 private:
  Napi::Value LoadRuntime(const Napi::CallbackInfo& info);
  Napi::Value Startup(const Napi::CallbackInfo& info);
  Napi::Value SignInSilently(const Napi::CallbackInfo& info);
  Napi::Value SignInInteractively(const Napi::CallbackInfo& info);
  Napi::Value AcquireTokenSilently(const Napi::CallbackInfo& info);
  Napi::Value ReadAccountById(const Napi::CallbackInfo& info);
  Napi::Value SignOutSilently(const Napi::CallbackInfo& info);
  Napi::Value SetLogCallback(const Napi::CallbackInfo& info);
  Napi::Value WindowHandleValue(const Napi::CallbackInfo& info);
  Napi::Value AbandonedCalls(const Napi::CallbackInfo& info);

  std::unique_ptr<LogSink> logSink_;
};

}  // namespace brokerbridge
