// Conversions between the runtime's values and JS. Every completion resolves
// with { ok: true, value } or { ok: false, error }; the TypeScript side turns
// the error into a BrokerCallError.
#pragma once

#include <memory>

#include <napi.h>

#include "runtime_values.h"

namespace brokerbridge {

Napi::Object ErrorToJs(Napi::Env env, const ErrorInfo& error);
Napi::Object FailureToJs(Napi::Env env, const ErrorInfo& error);

Napi::Value ToJsValue(Napi::Env env, const AuthResultInfo& result);
Napi::Value ToJsValue(Napi::Env env, const ReadAccountInfo& result);
Napi::Value ToJsValue(Napi::Env env, const SignOutInfo& result);

// An account handle travels through JS as an External that releases it when collected.
Napi::Value AccountHandleToJs(Napi::Env env, std::shared_ptr<OwnedAccount> account);
// Throws a TypeError when `value` is not such an External.
std::shared_ptr<OwnedAccount> AccountHandleFromJs(const Napi::Value& value);

}  // namespace brokerbridge
