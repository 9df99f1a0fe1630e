// Forwards the runtime's log lines (arriving on any runtime thread) to one JS
// callback through a thread-safe function. One sink per JS environment.
#pragma once

#include <memory>
#include <string>

#include <napi.h>

#include "msalruntime_abi.h"

class LogSink {
 public:
  // Registers with the runtime; throws Napi::Error when the runtime refuses.
  static std::unique_ptr<LogSink> Register(Napi::Env env, Napi::Function callback);
  // Unregisters first, so no runtime thread can still reach this sink.
  ~LogSink();
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

 private:
  struct Entry {
    std::string message;
    int32_t level;
  };
  static void CallJs(Napi::Env env, Napi::Function callback, LogSink*, Entry* entry);
  static void MSALRUNTIME_CALL OnRuntimeLog(const os_char* message, MSALRUNTIME_LOG_LEVEL level, void* data);
  using Tsfn = Napi::TypedThreadSafeFunction<LogSink, Entry, CallJs>;

  LogSink() = default;
  Tsfn tsfn_;
  MSALRUNTIME_LOG_CALLBACK_HANDLE handle_ = nullptr;
};
