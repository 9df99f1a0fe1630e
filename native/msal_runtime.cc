#include "msal_runtime.h"

#include <atomic>
#include <mutex>

namespace brokerbridge {
namespace msal_runtime {
namespace {

struct ProcessRuntime {
  // Held across dlopen (slow, on a pool thread); never taken on the hot path.
  std::mutex loadMutex;
  std::string path;
  MsalRuntimeApi api;
  // Set once, after `api` is filled; every call checks it, so it is lock-free.
  std::atomic<bool> loaded{false};
  // Held across MSALRUNTIME_Startup/Shutdown, which talk to the broker.
  std::mutex startupMutex;
  int startupCount = 0;
};

// Intentionally leaked: runtime threads can call back during process exit,
// after static destructors would have run.
ProcessRuntime& Instance() {
  static ProcessRuntime* instance = new ProcessRuntime();
  return *instance;
}

}  // namespace

LoadResult Load(const std::string& utf8Path) {
  ProcessRuntime& runtime = Instance();
  std::lock_guard<std::mutex> lock(runtime.loadMutex);
  if (runtime.loaded.load(std::memory_order_acquire)) {
    if (runtime.path == utf8Path) return {};
    return {LoadFailure::LibraryLoadFailed,
            "MSALRuntime is already loaded in this process from " + runtime.path};
  }
  MsalRuntimeApi api;
  LoadResult result = LoadMsalRuntime(utf8Path, &api);
  if (result.failure == LoadFailure::None) {
    runtime.api = api;
    runtime.path = utf8Path;
    runtime.loaded.store(true, std::memory_order_release);
  }
  return result;
}

bool IsLoaded() { return Instance().loaded.load(std::memory_order_acquire); }

const MsalRuntimeApi& Api() { return Instance().api; }

std::optional<ErrorInfo> AcquireStartup() {
  ProcessRuntime& runtime = Instance();
  std::lock_guard<std::mutex> lock(runtime.startupMutex);
  if (runtime.startupCount == 0) {
    MsalErr error = runtime.api.Startup();
    if (error != nullptr) return TakeError(error);
  }
  ++runtime.startupCount;
  return std::nullopt;
}

void ReleaseStartup() {
  ProcessRuntime& runtime = Instance();
  std::lock_guard<std::mutex> lock(runtime.startupMutex);
  if (runtime.startupCount == 0) return;
  if (--runtime.startupCount == 0) runtime.api.Shutdown();
}

}  // namespace msal_runtime
}  // namespace brokerbridge
