// Opens libmsalruntime from an explicit path and resolves its symbol table.
// The library stays loaded for the life of the process: runtime threads may
// still run its code after the last JS environment is gone.
#pragma once

#include <string>

#include "msalruntime_abi.h"

namespace brokerbridge {

struct MsalRuntimeApi {
#define MSALRUNTIME_DECLARE_POINTER(name, ret, params) ret(MSALRUNTIME_CALL* name) params = nullptr;
  MSALRUNTIME_FUNCTIONS(MSALRUNTIME_DECLARE_POINTER)
#undef MSALRUNTIME_DECLARE_POINTER
};

enum class LoadFailure { None, LibraryNotFound, LibraryLoadFailed, SymbolMissing };

struct LoadResult {
  LoadFailure failure = LoadFailure::None;
  std::string message;
};

// Fills `api` from the library at `utf8Path`. On failure `api` is untouched
// and the library is closed again.
LoadResult LoadMsalRuntime(const std::string& utf8Path, MsalRuntimeApi* api);

// Per-OS primitives behind LoadMsalRuntime.
namespace runtime_loader_os {
bool FileExists(const std::string& utf8Path);
void* OpenLibrary(const std::string& utf8Path, std::string* error);
void* FindSymbol(void* library, const char* name);
void CloseLibrary(void* library);
// Keeps this addon's own module mapped until the process ends. Node unloads
// an addon a worker loaded when that worker exits, but MSALRuntime may still
// call our completion routines, log callback and canceller threads later.
// True when pinned.
bool PinThisModule();
}  // namespace runtime_loader_os

}  // namespace brokerbridge
