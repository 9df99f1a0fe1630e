#include "window_handle.h"

namespace brokerbridge {

// An NSView* (what Electron hands out on macOS), carried as an integer.
WINDOW_HANDLE WindowHandleFromBits(uint64_t bits) { return static_cast<WINDOW_HANDLE>(bits); }

// The runtime presents its own window when there is no parent.
WINDOW_HANDLE DefaultParentWindow() { return 0; }

}  // namespace brokerbridge
