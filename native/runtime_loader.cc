#include "runtime_loader.h"

namespace brokerbridge {

LoadResult LoadMsalRuntime(const std::string& utf8Path, MsalRuntimeApi* api) {
  namespace os = runtime_loader_os;
  if (!os::FileExists(utf8Path)) {
    return {LoadFailure::LibraryNotFound, "MSALRuntime library not found at " + utf8Path};
  }
  std::string error;
  void* library = os::OpenLibrary(utf8Path, &error);
  if (library == nullptr) {
    return {LoadFailure::LibraryLoadFailed, "Cannot load MSALRuntime library " + utf8Path + ": " + error};
  }
  MsalRuntimeApi table;
#define MSALRUNTIME_RESOLVE(name, ret, params)                                                   \
  table.name = reinterpret_cast<decltype(table.name)>(os::FindSymbol(library, "MSALRUNTIME_" #name)); \
  if (table.name == nullptr) {                                                                   \
    os::CloseLibrary(library);                                                                   \
    return {LoadFailure::SymbolMissing, utf8Path + " does not export MSALRUNTIME_" #name};        \
  }
  MSALRUNTIME_FUNCTIONS(MSALRUNTIME_RESOLVE)
#undef MSALRUNTIME_RESOLVE
  *api = table;
  return {};
}

}  // namespace brokerbridge
