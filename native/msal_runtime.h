// The process-wide MSALRuntime: one loaded library and one Startup/Shutdown
// reference count shared by every JS environment (main thread and workers).
#pragma once

#include <optional>
#include <string>

#include "runtime_loader.h"
#include "runtime_values.h"

namespace brokerbridge {

namespace msal_runtime {

// Loads the library once per process. Loading again from the same path is a
// no-op; from another path it fails, because symbols are process-wide.
LoadResult Load(const std::string& utf8Path);
bool IsLoaded();
// Only valid after a successful Load; the table never changes afterwards.
const MsalRuntimeApi& Api();

// Calls MSALRUNTIME_Startup when the count goes 0 -> 1. Blocking: call from a
// worker thread. Returns the runtime's error when Startup fails.
std::optional<ErrorInfo> AcquireStartup();
// Calls MSALRUNTIME_Shutdown when the count goes 1 -> 0. Blocking.
void ReleaseStartup();

}  // namespace msal_runtime

}  // namespace brokerbridge
