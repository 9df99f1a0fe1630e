// Parent-window handles as JS passes them: the Buffer from Electron's
// BrowserWindow.getNativeWindowHandle() (HWND, NSView* or XID in host byte
// order), a bigint, or a non-negative safe-integer number. undefined/null
// mean "no window of our own" and pick the OS default.
#pragma once

#include <cstdint>

#include <napi.h>

#include "msalruntime_abi.h"

namespace brokerbridge {

// Throws Napi::TypeError when `value` is none of the accepted shapes.
WINDOW_HANDLE WindowHandleFromJs(const Napi::Value& value);
// The numeric value of a handle, for diagnostics and tests.
uint64_t WindowHandleBits(WINDOW_HANDLE handle);

// Per-OS pieces (window_handle_{win,mac,linux}.cc).
WINDOW_HANDLE WindowHandleFromBits(uint64_t bits);
WINDOW_HANDLE DefaultParentWindow();

}  // namespace brokerbridge
