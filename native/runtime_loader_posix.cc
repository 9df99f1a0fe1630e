#include <dlfcn.h>
#include <sys/stat.h>

#include "runtime_loader.h"

namespace brokerbridge {

namespace runtime_loader_os {

bool FileExists(const std::string& utf8Path) {
  struct stat info {};
  return stat(utf8Path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

void* OpenLibrary(const std::string& utf8Path, std::string* error) {
  // RTLD_LOCAL keeps the runtime's bundled C++ symbols from interposing on
  // Node's or other addons'.
  void* library = dlopen(utf8Path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* reason = dlerror();
    *error = reason != nullptr ? reason : "dlopen failed";
  }
  return library;
}

void* FindSymbol(void* library, const char* name) { return dlsym(library, name); }

void CloseLibrary(void* library) { dlclose(library); }

bool PinThisModule() {
  Dl_info self{};
  if (dladdr(reinterpret_cast<void*>(&PinThisModule), &self) == 0 || self.dli_fname == nullptr) return false;
  // A second reference that is never closed, and RTLD_NODELETE for good measure.
  return dlopen(self.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE) != nullptr;
}

}  // namespace runtime_loader_os

}  // namespace brokerbridge
