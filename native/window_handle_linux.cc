#include "window_handle.h"

// An X11 XID. The Linux broker ignores it today, but passing it through lets
// a future broker parent its dialog to the app window.
WINDOW_HANDLE WindowHandleFromBits(uint64_t bits) { return static_cast<WINDOW_HANDLE>(bits); }

WINDOW_HANDLE DefaultParentWindow() { return 0; }
