#include "auth_parameters.h"

#include <string>
#include <vector>

#include "msal_runtime.h"
#include "strings.h"

namespace brokerbridge {

namespace {

std::string RequiredString(const Napi::Object& object, const char* key) {
  Napi::Value value = object.Get(key);
  if (!value.IsString()) throw Napi::TypeError::New(object.Env(), std::string("AuthParams.") + key + " must be a string");
  return value.As<Napi::String>().Utf8Value();
}

std::optional<std::string> OptionalString(const Napi::Object& object, const char* key) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined() || value.IsNull()) return std::nullopt;
  if (!value.IsString()) throw Napi::TypeError::New(object.Env(), std::string("AuthParams.") + key + " must be a string");
  return value.As<Napi::String>().Utf8Value();
}

std::string JoinedScopes(const Napi::Object& object) {
  Napi::Value value = object.Get("scopes");
  if (!value.IsArray()) throw Napi::TypeError::New(object.Env(), "AuthParams.scopes must be an array of strings");
  Napi::Array scopes = value.As<Napi::Array>();
  std::string joined;
  for (uint32_t i = 0; i < scopes.Length(); ++i) {
    Napi::Value scope = scopes.Get(i);
    if (!scope.IsString()) throw Napi::TypeError::New(object.Env(), "AuthParams.scopes must be an array of strings");
    if (!joined.empty()) joined += ' ';
    joined += scope.As<Napi::String>().Utf8Value();
  }
  return joined;
}

// Runs the setters in order and stops at the first refusal.
class ParameterWriter {
 public:
  explicit ParameterWriter(MSALRUNTIME_AUTH_PARAMETERS_HANDLE handle) : handle_(handle) {}
  template <typename Setter, typename... Text>
  void Set(Setter setter, const Text&... text) {
    if (error_ == nullptr) error_ = setter(handle_, ToOsString(text).c_str()...);
  }
  MsalErr error() const { return error_; }

 private:
  MSALRUNTIME_AUTH_PARAMETERS_HANDLE handle_;
  MsalErr error_ = nullptr;
};

}  // namespace

std::basic_string<os_char> OsStringArgument(const Napi::Value& value, const char* name) {
  if (!value.IsString()) throw Napi::TypeError::New(value.Env(), std::string(name) + " must be a string");
  return ToOsString(value.As<Napi::String>().Utf8Value());
}

MsalErr BuildAuthParameters(const Napi::Value& value, MSALRUNTIME_AUTH_PARAMETERS_HANDLE* parameters) {
  if (!value.IsObject()) throw Napi::TypeError::New(value.Env(), "AuthParams must be an object");
  Napi::Object object = value.As<Napi::Object>();
  // Read and validate everything before allocating, so a TypeError leaks nothing.
  const std::string clientId = RequiredString(object, "clientId");
  const std::string authority = RequiredString(object, "authority");
  const std::string scopes = JoinedScopes(object);
  const auto redirectUri = OptionalString(object, "redirectUri");
  const auto claims = OptionalString(object, "claims");
  const auto accessTokenToRenew = OptionalString(object, "accessTokenToRenew");
  std::optional<std::vector<std::string>> pop;
  Napi::Value popValue = object.Get("pop");
  if (!popValue.IsUndefined() && !popValue.IsNull()) {
    if (!popValue.IsObject()) throw Napi::TypeError::New(value.Env(), "AuthParams.pop must be an object");
    Napi::Object popObject = popValue.As<Napi::Object>();
    pop = std::vector<std::string>{RequiredString(popObject, "httpMethod"), RequiredString(popObject, "uriHost"),
                                   RequiredString(popObject, "uriPath"), RequiredString(popObject, "nonce")};
  }
  std::vector<std::pair<std::string, std::string>> additional;
  Napi::Value additionalValue = object.Get("additionalParameters");
  if (!additionalValue.IsUndefined() && !additionalValue.IsNull()) {
    if (!additionalValue.IsObject()) {
      throw Napi::TypeError::New(value.Env(), "AuthParams.additionalParameters must be an object");
    }
    Napi::Object additionalObject = additionalValue.As<Napi::Object>();
    Napi::Array keys = additionalObject.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      const std::string key = keys.Get(i).ToString().Utf8Value();
      additional.emplace_back(key, RequiredString(additionalObject, key.c_str()));
    }
  }

  const MsalRuntimeApi& api = msal_runtime::Api();
  MSALRUNTIME_AUTH_PARAMETERS_HANDLE handle = nullptr;
  MsalErr error = api.CreateAuthParameters(ToOsString(clientId).c_str(), ToOsString(authority).c_str(), &handle);
  if (error != nullptr) return error;
  ParameterWriter writer(handle);
  writer.Set(api.SetRequestedScopes, scopes);
  if (redirectUri) writer.Set(api.SetRedirectUri, *redirectUri);
  if (claims) writer.Set(api.SetDecodedClaims, *claims);
  if (accessTokenToRenew) writer.Set(api.SetAccessTokenToRenew, *accessTokenToRenew);
  if (pop) writer.Set(api.SetPopParams, (*pop)[0], (*pop)[1], (*pop)[2], (*pop)[3]);
  for (const auto& [key, text] : additional) writer.Set(api.SetAdditionalParameter, key, text);
  if (writer.error() != nullptr) {
    if (MsalErr releaseError = api.ReleaseAuthParameters(handle)) api.ReleaseError(releaseError);
    return writer.error();
  }
  *parameters = handle;
  return nullptr;
}

}  // namespace brokerbridge
