#include "msal_runtime.h"

#include <mutex>

namespace msal_runtime {
namespace {

struct ProcessRuntime {
  std::mutex mutex;
  bool loaded = false;
  std::string path;
  MsalRuntimeApi api;
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
  std::lock_guard<std::mutex> lock(runtime.mutex);
  if (runtime.loaded) {
    if (runtime.path == utf8Path) return {};
    return {LoadFailure::LibraryLoadFailed,
            "MSALRuntime is already loaded in this process from " + runtime.path};
  }
  MsalRuntimeApi api;
  LoadResult result = LoadMsalRuntime(utf8Path, &api);
  if (result.failure == LoadFailure::None) {
    runtime.api = api;
    runtime.path = utf8Path;
    runtime.loaded = true;
  }
  return result;
}

bool IsLoaded() {
  ProcessRuntime& runtime = Instance();
  std::lock_guard<std::mutex> lock(runtime.mutex);
  return runtime.loaded;
}

const MsalRuntimeApi& Api() { return Instance().api; }

std::optional<ErrorInfo> AcquireStartup() {
  ProcessRuntime& runtime = Instance();
  std::lock_guard<std::mutex> lock(runtime.mutex);
  if (runtime.startupCount == 0) {
    MsalErr error = runtime.api.Startup();
    if (error != nullptr) return TakeError(error);
  }
  ++runtime.startupCount;
  return std::nullopt;
}

void ReleaseStartup() {
  ProcessRuntime& runtime = Instance();
  std::lock_guard<std::mutex> lock(runtime.mutex);
  if (runtime.startupCount == 0) return;
  if (--runtime.startupCount == 0) runtime.api.Shutdown();
}

}  // namespace msal_runtime
