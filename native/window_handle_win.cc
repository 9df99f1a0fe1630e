#include <windows.h>

#include "window_handle.h"

namespace brokerbridge {

WINDOW_HANDLE WindowHandleFromBits(uint64_t bits) {
  return reinterpret_cast<WINDOW_HANDLE>(static_cast<uintptr_t>(bits));
}

// WAM needs a real top-level window: the console's when there is one
// (console apps), else the desktop.
WINDOW_HANDLE DefaultParentWindow() {
  HWND console = GetConsoleWindow();
  if (console != nullptr) {
    HWND root = GetAncestor(console, GA_ROOTOWNER);
    return root != nullptr ? root : console;
  }
  return GetDesktopWindow();
}

}  // namespace brokerbridge
