// Builds an MSALRUNTIME_AUTH_PARAMETERS_HANDLE from the JS AuthParams object.
#pragma once

#include <napi.h>

#include "msalruntime_abi.h"

namespace brokerbridge {

// Throws Napi::TypeError for a malformed object. Returns the runtime's error
// when one of its setters refuses a value; then nothing is left allocated.
MsalErr BuildAuthParameters(const Napi::Value& value, MSALRUNTIME_AUTH_PARAMETERS_HANDLE* parameters);

// A required string argument, as os_char text. Throws Napi::TypeError.
std::basic_string<os_char> OsStringArgument(const Napi::Value& value, const char* name);

}  // namespace brokerbridge
