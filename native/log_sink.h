// Forwards the runtime's log lines (arriving on any runtime thread) to one JS
// callback through a thread-safe function. One sink per JS environment.
//
// Teardown: Close() unregisters from the runtime, then releases the
// thread-safe function. It runs either from setLogCallback (JS thread) or from
// an environment cleanup hook registered right after the thread-safe function
// was created, so it runs before Node's own hook for that function closes it.
// The destructor never touches the thread-safe function.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <napi.h>

#include "msalruntime_abi.h"

namespace brokerbridge {

class LogSink {
 public:
  // Registers with the runtime; throws Napi::Error when the runtime refuses.
  static std::unique_ptr<LogSink> Register(Napi::Env env, Napi::Function callback);
  ~LogSink();
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  // JS thread. Stops the runtime's lines and releases the thread-safe
  // function; idempotent.
  void Close();

 private:
  struct Entry {
    std::string message;
    int32_t level;
  };
  // What runtime threads reach: the function, while it is open.
  struct Channel;
  static void CallJs(Napi::Env env, Napi::Function callback, Channel*, Entry* entry);
  static void MSALRUNTIME_CALL OnRuntimeLog(const os_char* message, MSALRUNTIME_LOG_LEVEL level, void* data);
  static void OnEnvironmentCleanup(void* sink);
  using Tsfn = Napi::TypedThreadSafeFunction<Channel, Entry, CallJs>;
  struct Channel {
    std::mutex mutex;
    bool open = false;
    Tsfn tsfn;
  };

  explicit LogSink(napi_env env) : env_(env), channel_(std::make_unique<Channel>()) {}
  napi_env env_;
  std::unique_ptr<Channel> channel_;
  MSALRUNTIME_LOG_CALLBACK_HANDLE handle_ = nullptr;
  bool hooked_ = false;
};

}  // namespace brokerbridge
