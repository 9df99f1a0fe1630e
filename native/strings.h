// os_char <-> UTF-8, and reading a string out of the runtime's
// "call with a buffer, retry when it says InsufficientBuffer" getters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "msalruntime_abi.h"

#ifdef _WIN32
#include <windows.h>
#endif

namespace brokerbridge {

using OsString = std::basic_string<os_char>;

inline OsString ToOsString(const std::string& utf8) {
#ifdef _WIN32
  if (utf8.empty()) return OsString();
  const int length = MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  OsString wide(static_cast<size_t>(length), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), wide.data(), length);
  return wide;
#else
  return utf8;
#endif
}

inline std::string FromOsString(const os_char* text, size_t length) {
#ifdef _WIN32
  if (length == 0) return std::string();
  const int size = WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(length), nullptr, 0, nullptr, nullptr);
  std::string utf8(static_cast<size_t>(size), '\0');
  WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(length), utf8.data(), size, nullptr, nullptr);
  return utf8;
#else
  return std::string(text, length);
#endif
}

inline std::string FromOsString(const os_char* text) {
  if (text == nullptr) return std::string();
  size_t length = 0;
  while (text[length] != 0) ++length;
  return FromOsString(text, length);
}

// `call(buffer, &size)` is one runtime getter bound to its handle. `release`
// frees an error handle; `statusOf` reads its status. The runtime reports the
// size it needs (characters including the terminator) when the buffer is too
// small, so the second call normally succeeds; a bounded loop covers a value
// that grows in between. Returns nullopt when the getter fails for another reason.
template <typename Call, typename StatusOf, typename Release>
std::optional<std::string> ReadRuntimeString(Call call, StatusOf statusOf, Release release) {
  int32_t size = 0;
  std::vector<os_char> buffer;
  for (int attempt = 0; attempt < 4; ++attempt) {
    MsalErr error = call(buffer.empty() ? nullptr : buffer.data(), &size);
    if (error == nullptr) {
      if (buffer.empty() || size <= 0) return std::string();
      size_t length = 0;
      while (length < buffer.size() && buffer[length] != 0) ++length;
      return FromOsString(buffer.data(), length);
    }
    const MSALRUNTIME_RESPONSE_STATUS status = statusOf(error);
    release(error);
    if (status != Msalruntime_Response_Status_InsufficientBuffer || size <= 0) return std::nullopt;
    buffer.assign(static_cast<size_t>(size) + 1, 0);
  }
  return std::nullopt;
}

}  // namespace brokerbridge
