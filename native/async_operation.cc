#include "async_operation.h"

#include <atomic>
#include <thread>

#include "js_values.h"
#include "msal_runtime.h"

namespace brokerbridge {
namespace {

std::atomic<int> abandonedInFlight{0};
std::atomic<int> outstanding{0};

}  // namespace

AsyncOperation::AsyncOperation(Napi::Env env) : deferred_(Napi::Promise::Deferred::New(env)) {}

std::shared_ptr<AsyncOperation> AsyncOperation::Create(Napi::Env env) {
  std::shared_ptr<AsyncOperation> operation(new AsyncOperation(env));
  operation->self_ = operation;
  // One thread slot, held for the runtime callback and given back in
  // Complete(). The finalizer's reference keeps the operation alive until
  // Node is done with the function.
  auto* keepAlive = new std::shared_ptr<AsyncOperation>(operation);
  operation->tsfn_ = Tsfn::New(
      env, "brokerbridge.msalruntime", 0, 1, operation.get(),
      [](Napi::Env, std::shared_ptr<AsyncOperation>* reference, AsyncOperation* self) {
        {
          std::lock_guard<std::mutex> lock(self->mutex_);
          self->detached_ = true;
        }
        delete reference;
      },
      keepAlive);
  return operation;
}

AsyncOperation::~AsyncOperation() { ReleaseRuntimeHandles(); }

int AsyncOperation::AbandonedInFlight() { return abandonedInFlight.load(); }

int AsyncOperation::Outstanding() { return outstanding.load(); }

void AsyncOperation::ReleaseRuntimeHandles() {
  MSALRUNTIME_ASYNC_HANDLE handle = nullptr;
  MSALRUNTIME_AUTH_PARAMETERS_HANDLE parameters = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // The canceller still uses the async handle; the last owner releases it.
    if (cancelling_) return;
    handle = std::exchange(asyncHandle_, nullptr);
    parameters = std::exchange(parameters_, nullptr);
    account_.reset();
  }
  const MsalRuntimeApi& api = msal_runtime::Api();
  if (handle != nullptr) {
    if (MsalErr error = api.ReleaseAsyncHandle(handle)) api.ReleaseError(error);
  }
  if (parameters != nullptr) {
    if (MsalErr error = api.ReleaseAuthParameters(parameters)) api.ReleaseError(error);
  }
}

void* AsyncOperation::NewCallbackData() {
  // Counted before the runtime sees it: the completion may beat Started().
  {
    std::lock_guard<std::mutex> lock(mutex_);
    started_ = true;
    outstanding.fetch_add(1);
  }
  return new std::shared_ptr<AsyncOperation>(self_.lock());
}

std::shared_ptr<AsyncOperation> AsyncOperation::TakeCallbackData(void* callbackData) {
  auto* holder = static_cast<std::shared_ptr<AsyncOperation>*>(callbackData);
  std::shared_ptr<AsyncOperation> operation = std::move(*holder);
  delete holder;
  return operation;
}

void AsyncOperation::KeepAuthParameters(MSALRUNTIME_AUTH_PARAMETERS_HANDLE parameters) {
  std::lock_guard<std::mutex> lock(mutex_);
  parameters_ = parameters;
}

void AsyncOperation::KeepAccount(std::shared_ptr<OwnedAccount> account) {
  std::lock_guard<std::mutex> lock(mutex_);
  account_ = std::move(account);
}

void AsyncOperation::Started(MsalErr error, MSALRUNTIME_ASYNC_HANDLE handle, void* callbackData) {
  if (error == nullptr) {
    std::lock_guard<std::mutex> lock(mutex_);
    asyncHandle_ = handle;
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    started_ = false;
    outstanding.fetch_sub(1);
  }
  TakeCallbackData(callbackData);
  Fail(error);
}

void AsyncOperation::Fail(MsalErr error) {
  ErrorInfo info = TakeError(error);
  Complete([info](Napi::Env env) { return FailureToJs(env, info); });
}

void AsyncOperation::Complete(Settle settle) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (completed_) return;
  completed_ = true;
  if (cancelled_) abandonedInFlight.fetch_sub(1);
  if (started_) outstanding.fetch_sub(1);
  // The environment is gone: nothing to settle, and the function is freed.
  if (detached_) return;
  auto* delivery = new Delivery{self_.lock(), std::move(settle)};
  // The queue is unbounded, so this never blocks the runtime thread. The
  // lock keeps the finalizer (and so the freeing of the function) waiting.
  if (tsfn_.BlockingCall(delivery) != napi_ok) delete delivery;  // environment is closing
  tsfn_.Release();
}

void AsyncOperation::CallJs(Napi::Env env, Napi::Function, AsyncOperation*, Delivery* delivery) {
  std::unique_ptr<Delivery> owned(delivery);
  AsyncOperation& operation = *owned->operation;
  operation.ReleaseRuntimeHandles();
  if (env == nullptr || operation.settled_) return;
  operation.settled_ = true;
  if (operation.onSettled_) std::exchange(operation.onSettled_, nullptr)();
  Napi::HandleScope scope(env);
  try {
    operation.deferred_.Resolve(owned->settle(env));
  } catch (const Napi::Error& error) {
    operation.deferred_.Reject(error.Value());
  }
}

bool AsyncOperation::Cancel(Napi::Env env) {
  MSALRUNTIME_ASYNC_HANDLE handle = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (completed_ || cancelled_) return false;
    cancelled_ = true;
    abandonedInFlight.fetch_add(1);
    handle = asyncHandle_;
    cancelling_ = handle != nullptr;
  }
  // The caller has given up on this call: it must not keep the process alive.
  tsfn_.Unref(env);
  if (handle == nullptr) return true;
  try {
    // The thread owns a reference: the operation, and so the handle, outlive it.
    std::thread(&AsyncOperation::CancelInRuntime, self_.lock(), handle).detach();
  } catch (const std::system_error&) {
    // No thread to spare: the call runs to its end unattended.
    std::lock_guard<std::mutex> lock(mutex_);
    cancelling_ = false;
  }
  return true;
}

void AsyncOperation::CancelInRuntime(MSALRUNTIME_ASYNC_HANDLE handle) {
  const MsalRuntimeApi& api = msal_runtime::Api();
  if (MsalErr error = api.CancelAsyncOperation(handle)) api.ReleaseError(error);
  std::lock_guard<std::mutex> lock(mutex_);
  cancelling_ = false;
  // Handles the completion left behind are released by the last owner.
}

Napi::Object AsyncOperation::ToJs(Napi::Env env) {
  Napi::Object value = Napi::Object::New(env);
  value.Set("promise", Promise());
  std::shared_ptr<AsyncOperation> self = self_.lock();
  value.Set("cancel", Napi::Function::New(env, [self](const Napi::CallbackInfo& info) {
              return Napi::Boolean::New(info.Env(), self->Cancel(info.Env()));
            }));
  return value;
}

}  // namespace brokerbridge
