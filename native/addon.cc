#include <string>

#include "addon_state.h"
#include "async_operation.h"
#include "auth_parameters.h"
#include "js_values.h"
#include "main_run_loop.h"
#include "msal_runtime.h"
#include "window_handle.h"

namespace brokerbridge {

namespace {

Napi::Error CodedError(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

void RequireLoaded(Napi::Env env) {
  if (!msal_runtime::IsLoaded()) {
    throw CodedError(env, "ERR_BROKER_NOT_LOADED", "MSALRuntime is not loaded; call loadRuntime first");
  }
}

// The runtime's *Async functions crash inside MSALRuntime before Startup.
// Counted per environment: another environment's startup may end any time.
void RequireStarted(Napi::Env env, const BrokerBridgeAddon& addon) {
  RequireLoaded(env);
  if (addon.startupCount == 0) {
    throw CodedError(env, "ERR_BROKER_NOT_STARTED", "MSALRuntime is not started; call startup first");
  }
}

const char* FailureName(LoadFailure failure) {
  switch (failure) {
    case LoadFailure::LibraryNotFound:
      return "library_not_found";
    case LoadFailure::LibraryLoadFailed:
      return "library_load_failed";
    case LoadFailure::SymbolMissing:
      return "symbol_missing";
    case LoadFailure::None:
      break;
  }
  return "none";
}

// Startup runs on the libuv pool rather than the JS thread: it talks to the
// broker (D-Bus on Linux). It counts as a call in flight, since the runtime
// may need the main run loop for it as much as for any call. (Shutdown has no
// JS entry point: an environment's teardown releases its share; see the
// destructor.)
class RuntimeWorker : public Napi::AsyncWorker {
 public:
  // Queues the work; the promise settles in OnOK.
  Napi::Promise Start() {
    Napi::Promise promise = deferred_.Promise();
    addon_->runLoopPump->CallStarted();
    Queue();
    return promise;
  }

 protected:
  RuntimeWorker(Napi::Env env, BrokerBridgeAddon* addon, const char* name)
      : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)), addon_(addon) {}
  void OnWorkComplete(Napi::Env env, napi_status status) override {
    addon_->runLoopPump->CallSettled();
    Napi::AsyncWorker::OnWorkComplete(env, status);
  }

  Napi::Promise::Deferred deferred_;
  BrokerBridgeAddon* addon_;
};

// dlopen of libmsalruntime takes hundreds of milliseconds (it pulls in
// WebKitGTK on Linux): the libuv pool does it, never the JS thread.
class LoadWorker : public Napi::AsyncWorker {
 public:
  LoadWorker(Napi::Env env, std::string path)
      : Napi::AsyncWorker(env, "brokerbridge.loadRuntime"), deferred_(Napi::Promise::Deferred::New(env)),
        path_(std::move(path)) {}
  Napi::Promise Start() {
    Napi::Promise promise = deferred_.Promise();
    Queue();
    return promise;
  }
  void Execute() override { result_ = msal_runtime::Load(path_); }
  void OnOK() override {
    Napi::Object value = Napi::Object::New(Env());
    value.Set("ok", result_.failure == LoadFailure::None);
    if (result_.failure != LoadFailure::None) {
      value.Set("reason", FailureName(result_.failure));
      value.Set("message", result_.message);
    }
    deferred_.Resolve(value);
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::string path_;
  LoadResult result_;
};

class StartupWorker : public RuntimeWorker {
 public:
  StartupWorker(Napi::Env env, BrokerBridgeAddon* addon) : RuntimeWorker(env, addon, "brokerbridge.startup") {}
  void Execute() override { error_ = msal_runtime::AcquireStartup(); }
  void OnOK() override {
    if (error_) {
      deferred_.Resolve(FailureToJs(Env(), *error_));
      return;
    }
    ++addon_->startupCount;
    Napi::Object ok = Napi::Object::New(Env());
    ok.Set("ok", true);
    deferred_.Resolve(ok);
  }

 private:
  std::optional<ErrorInfo> error_;
};

// A started call keeps the environment's run-loop pump going until it settles.
void TrackInFlight(Napi::Env env, AsyncOperation& operation) {
  RunLoopPump& pump = *env.GetInstanceData<BrokerBridgeAddon>()->runLoopPump;
  pump.CallStarted();
  // The pump lives as long as the environment, and settling never runs after it.
  operation.WhenSettled([&pump] { pump.CallSettled(); });
}

// Starts one runtime call. `start(callbackData, &asyncHandle)` invokes the
// *Async function; everything it needs beyond that is captured by the caller.
template <typename Start>
Napi::Value StartOperation(Napi::Env env, const std::shared_ptr<AsyncOperation>& operation, Start start) {
  void* callbackData = operation->NewCallbackData();
  MSALRUNTIME_ASYNC_HANDLE asyncHandle = nullptr;
  MsalErr error = start(callbackData, &asyncHandle);
  if (error == nullptr) TrackInFlight(env, *operation);
  operation->Started(error, asyncHandle, callbackData);
  return operation->ToJs(env);
}

// For calls that take AuthParams: builds them, and hands their ownership to
// the operation so they outlive the runtime's use of them.
template <typename Start>
Napi::Value StartWithParameters(Napi::Env env, const Napi::Value& params, Start start) {
  RequireStarted(env, *env.GetInstanceData<BrokerBridgeAddon>());
  MSALRUNTIME_AUTH_PARAMETERS_HANDLE parameters = nullptr;
  MsalErr buildError = BuildAuthParameters(params, &parameters);
  std::shared_ptr<AsyncOperation> operation = AsyncOperation::Create(env);
  if (buildError != nullptr) {
    operation->Fail(buildError);
    return operation->ToJs(env);
  }
  operation->KeepAuthParameters(parameters);
  return StartOperation(env, operation, [&](void* callbackData, MSALRUNTIME_ASYNC_HANDLE* handle) {
    return start(parameters, operation.get(), callbackData, handle);
  });
}

constexpr auto OnAuthComplete = &OnRuntimeComplete<MSALRUNTIME_AUTH_RESULT_HANDLE, &TakeAuthResult>;
constexpr auto OnReadAccountComplete =
    &OnRuntimeComplete<MSALRUNTIME_READ_ACCOUNT_RESULT_HANDLE, &TakeReadAccountResult>;
constexpr auto OnSignOutComplete = &OnRuntimeComplete<MSALRUNTIME_SIGNOUT_RESULT_HANDLE, &TakeSignOutResult>;

const MsalRuntimeApi& api() { return msal_runtime::Api(); }

}  // namespace

BrokerBridgeAddon::BrokerBridgeAddon(Napi::Env env, Napi::Object exports) : runLoopPump(NewMainRunLoopPump(env)) {
  // Once per process is enough; pinning again is harmless.
  static const bool pinned = runtime_loader_os::PinThisModule();
  (void)pinned;
  DefineAddon(exports, {
                           InstanceMethod("loadRuntime", &BrokerBridgeAddon::LoadRuntime),
                           InstanceMethod("startup", &BrokerBridgeAddon::Startup),
                           InstanceMethod("signInSilently", &BrokerBridgeAddon::SignInSilently),
                           InstanceMethod("signInInteractively", &BrokerBridgeAddon::SignInInteractively),
                           InstanceMethod("acquireTokenSilently", &BrokerBridgeAddon::AcquireTokenSilently),
                           InstanceMethod("readAccountById", &BrokerBridgeAddon::ReadAccountById),
                           InstanceMethod("signOutSilently", &BrokerBridgeAddon::SignOutSilently),
                           InstanceMethod("setLogCallback", &BrokerBridgeAddon::SetLogCallback),
                           InstanceMethod("windowHandleValue", &BrokerBridgeAddon::WindowHandleValue),
                           InstanceMethod("abandonedCalls", &BrokerBridgeAddon::AbandonedCalls),
                       });
}

BrokerBridgeAddon::~BrokerBridgeAddon() {
  // The sink's own cleanup hook has closed it by now; see log_sink.h.
  logSink_.reset();
  // MSALRUNTIME_Shutdown waits for every call the runtime still runs, which
  // for a hung broker is forever: with any outstanding, this environment's
  // share stays, and the runtime lives until the process ends.
  if (AsyncOperation::Outstanding() > 0) return;
  for (; startupCount > 0; --startupCount) msal_runtime::ReleaseStartup();
}

// loadRuntime(path) -> Promise<{ ok } | { ok: false, reason, message }>
Napi::Value BrokerBridgeAddon::LoadRuntime(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "loadRuntime(path) needs a string path");
  return (new LoadWorker(env, info[0].As<Napi::String>().Utf8Value()))->Start();
}

// abandonedCalls() -> number: cancelled calls the runtime has not finished yet.
Napi::Value BrokerBridgeAddon::AbandonedCalls(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), AsyncOperation::AbandonedInFlight());
}

Napi::Value BrokerBridgeAddon::Startup(const Napi::CallbackInfo& info) {
  RequireLoaded(info.Env());
  return (new StartupWorker(info.Env(), this))->Start();
}

// signInSilently(params, correlationId)
Napi::Value BrokerBridgeAddon::SignInSilently(const Napi::CallbackInfo& info) {
  const auto correlationId = OsStringArgument(info[1], "correlationId");
  return StartWithParameters(info.Env(), info[0], [&](auto parameters, AsyncOperation*, void* data, auto* handle) {
    return api().SignInSilentlyAsync(parameters, correlationId.c_str(), OnAuthComplete, data, handle);
  });
}

// signInInteractively(window, params, correlationId, accountHint)
Napi::Value BrokerBridgeAddon::SignInInteractively(const Napi::CallbackInfo& info) {
  const WINDOW_HANDLE window = WindowHandleFromJs(info[0]);
  const auto correlationId = OsStringArgument(info[2], "correlationId");
  const auto accountHint = OsStringArgument(info[3], "accountHint");
  return StartWithParameters(info.Env(), info[1], [&](auto parameters, AsyncOperation*, void* data, auto* handle) {
    return api().SignInInteractivelyAsync(window, parameters, correlationId.c_str(), accountHint.c_str(),
                                          OnAuthComplete, data, handle);
  });
}

// acquireTokenSilently(params, correlationId, accountHandle)
Napi::Value BrokerBridgeAddon::AcquireTokenSilently(const Napi::CallbackInfo& info) {
  const auto correlationId = OsStringArgument(info[1], "correlationId");
  std::shared_ptr<OwnedAccount> account = AccountHandleFromJs(info[2]);
  return StartWithParameters(info.Env(), info[0], [&](auto parameters, AsyncOperation* operation, void* data,
                                                      auto* handle) {
    operation->KeepAccount(account);
    return api().AcquireTokenSilentlyAsync(parameters, correlationId.c_str(), account->get(), OnAuthComplete, data,
                                           handle);
  });
}

// readAccountById(accountId, correlationId)
Napi::Value BrokerBridgeAddon::ReadAccountById(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireStarted(env, *this);
  const auto accountId = OsStringArgument(info[0], "accountId");
  const auto correlationId = OsStringArgument(info[1], "correlationId");
  return StartOperation(env, AsyncOperation::Create(env), [&](void* data, MSALRUNTIME_ASYNC_HANDLE* handle) {
    return api().ReadAccountByIdAsync(accountId.c_str(), correlationId.c_str(), OnReadAccountComplete, data, handle);
  });
}

// signOutSilently(clientId, correlationId, accountHandle)
Napi::Value BrokerBridgeAddon::SignOutSilently(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireStarted(env, *this);
  const auto clientId = OsStringArgument(info[0], "clientId");
  const auto correlationId = OsStringArgument(info[1], "correlationId");
  std::shared_ptr<OwnedAccount> account = AccountHandleFromJs(info[2]);
  std::shared_ptr<AsyncOperation> operation = AsyncOperation::Create(env);
  operation->KeepAccount(account);
  return StartOperation(env, operation, [&](void* data, MSALRUNTIME_ASYNC_HANDLE* handle) {
    return api().SignOutSilentlyAsync(clientId.c_str(), correlationId.c_str(), account->get(), OnSignOutComplete,
                                      data, handle);
  });
}

// setLogCallback(callback | null, piiEnabled)
Napi::Value BrokerBridgeAddon::SetLogCallback(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireLoaded(env);
  if (logSink_) logSink_->Close();
  logSink_.reset();
  api().SetIsPiiEnabled(info[1].ToBoolean().Value() ? 1 : 0);
  if (info[0].IsFunction()) logSink_ = LogSink::Register(env, info[0].As<Napi::Function>());
  return env.Undefined();
}

// windowHandleValue(handle) -> bigint: the value a call would pass as WINDOW_HANDLE.
Napi::Value BrokerBridgeAddon::WindowHandleValue(const Napi::CallbackInfo& info) {
  return Napi::BigInt::New(info.Env(), WindowHandleBits(WindowHandleFromJs(info[0])));
}

}  // namespace brokerbridge

using brokerbridge::BrokerBridgeAddon;
NODE_API_ADDON(BrokerBridgeAddon)
