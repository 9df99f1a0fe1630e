#include "js_values.h"

#include <optional>
#include <string>

namespace brokerbridge {

namespace {

void SetIfPresent(Napi::Object& target, const char* key, const std::optional<std::string>& value) {
  if (value) target.Set(key, *value);
}

Napi::Object AccountToJs(Napi::Env env, const AccountInfo& account) {
  Napi::Object value = Napi::Object::New(env);
  SetIfPresent(value, "id", account.id);
  SetIfPresent(value, "homeAccountId", account.homeAccountId);
  SetIfPresent(value, "environment", account.environment);
  SetIfPresent(value, "realm", account.realm);
  SetIfPresent(value, "localAccountId", account.localAccountId);
  SetIfPresent(value, "username", account.username);
  SetIfPresent(value, "givenName", account.givenName);
  SetIfPresent(value, "familyName", account.familyName);
  SetIfPresent(value, "middleName", account.middleName);
  SetIfPresent(value, "name", account.displayName);
  SetIfPresent(value, "additionalFieldsJson", account.additionalFieldsJson);
  SetIfPresent(value, "homeEnvironment", account.homeEnvironment);
  SetIfPresent(value, "clientInfo", account.clientInfo);
  return value;
}

Napi::Object Success(Napi::Env env, Napi::Value value) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", true);
  result.Set("value", value);
  return result;
}

}  // namespace

Napi::Object ErrorToJs(Napi::Env env, const ErrorInfo& error) {
  Napi::Object value = Napi::Object::New(env);
  value.Set("status", error.status);
  // Error codes are HRESULT-like and fit a double exactly.
  value.Set("errorCode", static_cast<double>(error.errorCode));
  value.Set("tag", error.tag);
  value.Set("context", error.context);
  return value;
}

Napi::Object FailureToJs(Napi::Env env, const ErrorInfo& error) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", false);
  result.Set("error", ErrorToJs(env, error));
  return result;
}

Napi::Value ToJsValue(Napi::Env env, const AuthResultInfo& result) {
  if (result.error) {
    Napi::Object failure = FailureToJs(env, *result.error);
    SetIfPresent(failure, "telemetry", result.telemetry);
    return failure;
  }
  Napi::Object value = Napi::Object::New(env);
  SetIfPresent(value, "accessToken", result.accessToken);
  SetIfPresent(value, "idToken", result.idToken);
  SetIfPresent(value, "rawIdToken", result.rawIdToken);
  SetIfPresent(value, "grantedScopes", result.grantedScopes);
  SetIfPresent(value, "authorizationHeader", result.authorizationHeader);
  SetIfPresent(value, "telemetry", result.telemetry);
  value.Set("expiresOn", static_cast<double>(result.expiresOn));
  value.Set("isPopAuthorization", result.isPopAuthorization);
  if (result.account) value.Set("account", AccountToJs(env, *result.account));
  return Success(env, value);
}

Napi::Value ToJsValue(Napi::Env env, const ReadAccountInfo& result) {
  if (result.error) return FailureToJs(env, *result.error);
  Napi::Object value = Napi::Object::New(env);
  SetIfPresent(value, "telemetry", result.telemetry);
  if (result.account) value.Set("account", AccountToJs(env, *result.account));
  if (result.handle) value.Set("handle", AccountHandleToJs(env, result.handle));
  return Success(env, value);
}

Napi::Value ToJsValue(Napi::Env env, const SignOutInfo& result) {
  if (result.error) return FailureToJs(env, *result.error);
  Napi::Object value = Napi::Object::New(env);
  SetIfPresent(value, "telemetry", result.telemetry);
  return Success(env, value);
}

namespace {
// Tags the External so a foreign External cannot be mistaken for an account.
const napi_type_tag kAccountTag = {0x6272626b72616363ULL, 0x6f756e7468616e64ULL};
}  // namespace

Napi::Value AccountHandleToJs(Napi::Env env, std::shared_ptr<OwnedAccount> account) {
  auto* holder = new std::shared_ptr<OwnedAccount>(std::move(account));
  auto external = Napi::External<std::shared_ptr<OwnedAccount>>::New(
      env, holder, [](Napi::Env, std::shared_ptr<OwnedAccount>* data) { delete data; });
  external.TypeTag(&kAccountTag);
  return external;
}

std::shared_ptr<OwnedAccount> AccountHandleFromJs(const Napi::Value& value) {
  if (!value.IsExternal() || !value.As<Napi::Object>().CheckTypeTag(&kAccountTag)) {
    throw Napi::TypeError::New(value.Env(), "Expected an account handle returned by readAccountById");
  }
  return *value.As<Napi::External<std::shared_ptr<OwnedAccount>>>().Data();
}

}  // namespace brokerbridge
