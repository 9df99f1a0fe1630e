#include "window_handle.h"

namespace brokerbridge {

// An X11 XID. The Linux broker ignores it today, but passing it through lets
// a future broker parent its dialog to the app window.
WINDOW_HANDLE WindowHandleFromBits(uint64_t bits) { return static_cast<WINDOW_HANDLE>(bits); }

// MSALRuntime on Linux rejects 0 as "Invalid window handle"; -1 is the value
// it uses itself for "no UX context" (uxContextHandle in broker requests).
WINDOW_HANDLE DefaultParentWindow() { return -1; }

}  // namespace brokerbridge
