#include "window_handle.h"

#include <cstring>
#include <string>

namespace brokerbridge {

namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;

uint64_t BitsFromBuffer(const Napi::Buffer<uint8_t>& buffer) {
  if (buffer.Length() == 8) {
    uint64_t bits = 0;
    std::memcpy(&bits, buffer.Data(), 8);
    return bits;
  }
  if (buffer.Length() == 4) {
    uint32_t bits = 0;
    std::memcpy(&bits, buffer.Data(), 4);
    return bits;
  }
  throw Napi::TypeError::New(buffer.Env(), "A window handle Buffer must hold 4 or 8 bytes, got " +
                                               std::to_string(buffer.Length()));
}

uint64_t BitsFromBigInt(const Napi::BigInt& value) {
  bool lossless = false;
  const uint64_t bits = value.Uint64Value(&lossless);
  if (!lossless) throw Napi::TypeError::New(value.Env(), "A window handle bigint must fit in 64 unsigned bits");
  return bits;
}

uint64_t BitsFromNumber(const Napi::Number& value) {
  const double number = value.DoubleValue();
  if (!(number >= 0) || number > kMaxSafeInteger || static_cast<double>(static_cast<uint64_t>(number)) != number) {
    throw Napi::TypeError::New(value.Env(), "A window handle number must be a non-negative safe integer");
  }
  return static_cast<uint64_t>(number);
}

}  // namespace

WINDOW_HANDLE WindowHandleFromJs(const Napi::Value& value) {
  if (value.IsUndefined() || value.IsNull()) return DefaultParentWindow();
  if (value.IsBuffer()) return WindowHandleFromBits(BitsFromBuffer(value.As<Napi::Buffer<uint8_t>>()));
  if (value.IsBigInt()) return WindowHandleFromBits(BitsFromBigInt(value.As<Napi::BigInt>()));
  if (value.IsNumber()) return WindowHandleFromBits(BitsFromNumber(value.As<Napi::Number>()));
  throw Napi::TypeError::New(value.Env(), "A window handle must be a Buffer, a bigint or a number");
}

uint64_t WindowHandleBits(WINDOW_HANDLE handle) {
#ifdef _WIN32
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(handle));
#else
  return static_cast<uint64_t>(handle);
#endif
}

}  // namespace brokerbridge
