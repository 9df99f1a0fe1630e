#include <windows.h>

#include "runtime_loader.h"
#include "strings.h"

namespace brokerbridge {

namespace runtime_loader_os {

bool FileExists(const std::string& utf8Path) {
  const DWORD attributes = GetFileAttributesW(ToOsString(utf8Path).c_str());
  return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY) == 0;
}

void* OpenLibrary(const std::string& utf8Path, std::string* error) {
  // Search the runtime's own folder for its dependencies, not the app's.
  HMODULE library = LoadLibraryExW(ToOsString(utf8Path).c_str(), nullptr,
                                   LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_DEFAULT_DIRS);
  if (library == nullptr) {
    *error = "LoadLibrary failed with error " + std::to_string(GetLastError());
  }
  return reinterpret_cast<void*>(library);
}

void* FindSymbol(void* library, const char* name) {
  return reinterpret_cast<void*>(GetProcAddress(static_cast<HMODULE>(library), name));
}

void CloseLibrary(void* library) { FreeLibrary(static_cast<HMODULE>(library)); }

bool PinThisModule() {
  HMODULE self = nullptr;
  return GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                            reinterpret_cast<LPCWSTR>(&PinThisModule), &self) != 0;
}

}  // namespace runtime_loader_os

}  // namespace brokerbridge
