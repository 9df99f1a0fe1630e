// One in-flight MSALRuntime *Async call.
//
// The runtime calls back on its own thread. The callback copies the result
// into plain C++ values and releases the result handle right there, then hops
// to the JS thread through a thread-safe function, which settles the promise
// and releases the async handle and the auth parameters. Every handle is
// released exactly once, including when the JS environment is torn down first.
//
// Teardown: the thread-safe function's finalizer marks the operation
// detached, under the same lock the runtime thread takes to deliver. Node runs
// that finalizer before it frees the function, whether it closes because the
// call completed or because the environment is going away; after it, a late
// runtime callback only drops its reference. The finalizer holds one
// reference of its own, so the operation outlives the function.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include <napi.h>

#include "js_values.h"
#include "runtime_values.h"

namespace brokerbridge {

class AsyncOperation {
 public:
  using Settle = std::function<Napi::Value(Napi::Env)>;

  static std::shared_ptr<AsyncOperation> Create(Napi::Env env);
  ~AsyncOperation();

  Napi::Promise Promise() const { return deferred_.Promise(); }

  // The runtime's callbackData: a strong reference the callback takes back.
  void* NewCallbackData();
  static std::shared_ptr<AsyncOperation> TakeCallbackData(void* callbackData);

  // Keeps inputs alive until the call completes, as the runtime may read them late.
  void KeepAuthParameters(MSALRUNTIME_AUTH_PARAMETERS_HANDLE parameters);
  void KeepAccount(std::shared_ptr<OwnedAccount> account);

  // JS thread, after the *Async function returned. `error` is what it
  // returned; on error the runtime will not call back, so callbackData is
  // reclaimed here and the promise resolves with the error.
  void Started(MsalErr error, MSALRUNTIME_ASYNC_HANDLE handle, void* callbackData);
  // Resolves with the runtime's error (released here) without any call in flight.
  void Fail(MsalErr error);
  // JS thread. Runs `callback` on the JS thread when the promise settles,
  // unless the environment is torn down first.
  void WhenSettled(std::function<void()> callback) { onSettled_ = std::move(callback); }

  // Runtime thread. `settle` builds the JS value on the JS thread.
  void Complete(Settle settle);

  // JS thread. Stops keeping the event loop alive for this call and hands
  // MSALRUNTIME_CancelAsyncOperation to a thread of its own: on Linux it is a
  // blocking D-Bus call that cannot go out while the call it cancels is
  // pending. The callback still arrives later and cleans up.
  bool Cancel(Napi::Env env);

  // Process-wide: calls cancelled whose runtime completion has not arrived.
  // MSALRuntime serves later calls only after them (Linux).
  static int AbandonedInFlight();
  // Process-wide: calls started whose runtime completion has not arrived.
  static int Outstanding();

  // JS value shaped { promise, cancel }.
  Napi::Object ToJs(Napi::Env env);

 private:
  struct Delivery {
    std::shared_ptr<AsyncOperation> operation;
    Settle settle;
  };
  static void CallJs(Napi::Env env, Napi::Function, AsyncOperation*, Delivery* delivery);
  using Tsfn = Napi::TypedThreadSafeFunction<AsyncOperation, Delivery, CallJs>;

  explicit AsyncOperation(Napi::Env env);
  void ReleaseRuntimeHandles();
  // The canceller thread's body.
  void CancelInRuntime(MSALRUNTIME_ASYNC_HANDLE handle);

  std::weak_ptr<AsyncOperation> self_;
  Napi::Promise::Deferred deferred_;
  Tsfn tsfn_;
  std::mutex mutex_;
  bool completed_ = false;
  bool settled_ = false;
  bool cancelled_ = false;
  // The runtime accepted the call and owes a completion.
  bool started_ = false;
  // The thread-safe function was finalized: nothing may be queued on it.
  bool detached_ = false;
  // A canceller thread is using asyncHandle_; the handle outlives it.
  bool cancelling_ = false;
  MSALRUNTIME_ASYNC_HANDLE asyncHandle_ = nullptr;
  MSALRUNTIME_AUTH_PARAMETERS_HANDLE parameters_ = nullptr;
  std::shared_ptr<OwnedAccount> account_;
  std::function<void()> onSettled_;  // JS thread only
};

// Runtime completion routine for one result handle type: `Take` copies and
// releases the result, `ToJsValue` (an overload in js_values.h) converts it.
template <typename ResultHandle, auto Take>
void MSALRUNTIME_CALL OnRuntimeComplete(ResultHandle result, void* callbackData) {
  std::shared_ptr<AsyncOperation> operation = AsyncOperation::TakeCallbackData(callbackData);
  // Nothing may unwind into the runtime's thread.
  try {
    auto info = std::make_shared<decltype(Take(result))>(Take(result));
    operation->Complete([info](Napi::Env env) { return ToJsValue(env, *info); });
  } catch (...) {
    operation->Complete([](Napi::Env env) { return FailureToJs(env, LocalError("Out of memory reading the result")); });
  }
}

}  // namespace brokerbridge
