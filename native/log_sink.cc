#include "log_sink.h"

#include "js_values.h"
#include "msal_runtime.h"
#include "strings.h"

namespace brokerbridge {

std::unique_ptr<LogSink> LogSink::Register(Napi::Env env, Napi::Function callback) {
  std::unique_ptr<LogSink> sink(new LogSink(env));
  Channel& channel = *sink->channel_;
  channel.tsfn = Tsfn::New(env, callback, "brokerbridge.msalruntime.log", 0, 1, &channel);
  channel.open = true;
  // Logging alone must never keep the process alive.
  channel.tsfn.Unref(env);
  // Added after the function's own hook, so it runs first (hooks run in reverse).
  if (napi_add_env_cleanup_hook(env, &LogSink::OnEnvironmentCleanup, sink.get()) == napi_ok) sink->hooked_ = true;
  const MsalRuntimeApi& api = msal_runtime::Api();
  MsalErr error = api.RegisterLogCallback(&LogSink::OnRuntimeLog, &channel, &sink->handle_);
  if (error != nullptr) {
    ErrorInfo info = TakeError(error);
    sink->handle_ = nullptr;
    sink->Close();
    throw Napi::Error::New(env, "MSALRUNTIME_RegisterLogCallback failed: " + info.context);
  }
  return sink;
}

void LogSink::Close() {
  if (handle_ != nullptr) {
    const MsalRuntimeApi& api = msal_runtime::Api();
    if (MsalErr error = api.ReleaseLogCallbackHandle(std::exchange(handle_, nullptr))) api.ReleaseError(error);
  }
  {
    // A runtime thread still inside OnRuntimeLog holds the lock while it queues.
    std::lock_guard<std::mutex> lock(channel_->mutex);
    if (channel_->open) {
      channel_->open = false;
      channel_->tsfn.Release();
    }
  }
  if (hooked_) {
    hooked_ = false;
    napi_remove_env_cleanup_hook(env_, &LogSink::OnEnvironmentCleanup, this);
  }
}

void LogSink::OnEnvironmentCleanup(void* data) {
  auto* sink = static_cast<LogSink*>(data);
  sink->hooked_ = false;  // being run is being removed
  sink->Close();
}

LogSink::~LogSink() {
  // Only reached after Close() (setLogCallback or the cleanup hook); if not,
  // at least the runtime must stop calling into freed memory.
  if (handle_ != nullptr) {
    const MsalRuntimeApi& api = msal_runtime::Api();
    if (MsalErr error = api.ReleaseLogCallbackHandle(handle_)) api.ReleaseError(error);
  }
  if (hooked_) napi_remove_env_cleanup_hook(env_, &LogSink::OnEnvironmentCleanup, this);
}

void MSALRUNTIME_CALL LogSink::OnRuntimeLog(const os_char* message, MSALRUNTIME_LOG_LEVEL level, void* data) {
  auto* channel = static_cast<Channel*>(data);
  try {
    auto entry = std::make_unique<Entry>(Entry{FromOsString(message), static_cast<int32_t>(level)});
    std::lock_guard<std::mutex> lock(channel->mutex);
    if (channel->open && channel->tsfn.NonBlockingCall(entry.get()) == napi_ok) entry.release();
  } catch (...) {
    // A lost log line is better than unwinding into the runtime.
  }
}

void LogSink::CallJs(Napi::Env env, Napi::Function callback, Channel*, Entry* entry) {
  std::unique_ptr<Entry> owned(entry);
  if (env == nullptr || callback.IsEmpty()) return;
  try {
    callback.Call({Napi::String::New(env, owned->message), Napi::Number::New(env, owned->level)});
  } catch (const Napi::Error& error) {
    // A throwing user callback must not take the process down from a TSFN.
    (void)error;
  }
}

}  // namespace brokerbridge
