#include "log_sink.h"

#include "msal_runtime.h"
#include "js_values.h"
#include "strings.h"

std::unique_ptr<LogSink> LogSink::Register(Napi::Env env, Napi::Function callback) {
  std::unique_ptr<LogSink> sink(new LogSink());
  sink->tsfn_ = Tsfn::New(env, callback, "brokerbridge.msalruntime.log", 0, 1, sink.get());
  // Logging alone must never keep the process alive.
  sink->tsfn_.Unref(env);
  const MsalRuntimeApi& api = msal_runtime::Api();
  MsalErr error = api.RegisterLogCallback(&LogSink::OnRuntimeLog, sink.get(), &sink->handle_);
  if (error != nullptr) {
    ErrorInfo info = TakeError(error);
    sink->handle_ = nullptr;
    throw Napi::Error::New(env, "MSALRUNTIME_RegisterLogCallback failed: " + info.context);
  }
  return sink;
}

LogSink::~LogSink() {
  if (handle_ != nullptr) {
    const MsalRuntimeApi& api = msal_runtime::Api();
    if (MsalErr error = api.ReleaseLogCallbackHandle(handle_)) api.ReleaseError(error);
  }
  tsfn_.Release();
}

void MSALRUNTIME_CALL LogSink::OnRuntimeLog(const os_char* message, MSALRUNTIME_LOG_LEVEL level, void* data) {
  auto* sink = static_cast<LogSink*>(data);
  try {
    auto* entry = new Entry{FromOsString(message), static_cast<int32_t>(level)};
    if (sink->tsfn_.NonBlockingCall(entry) != napi_ok) delete entry;
  } catch (...) {
    // A lost log line is better than unwinding into the runtime.
  }
}

void LogSink::CallJs(Napi::Env env, Napi::Function callback, LogSink*, Entry* entry) {
  std::unique_ptr<Entry> owned(entry);
  if (env == nullptr || callback.IsEmpty()) return;
  try {
    callback.Call({Napi::String::New(env, owned->message), Napi::Number::New(env, owned->level)});
  } catch (const Napi::Error& error) {
    // A throwing user callback must not take the process down from a TSFN.
    (void)error;
  }
}
