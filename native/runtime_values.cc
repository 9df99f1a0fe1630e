#include "runtime_values.h"

#include <utility>

#include "msal_runtime.h"
#include "strings.h"

namespace brokerbridge {

namespace {

const MsalRuntimeApi& api() { return msal_runtime::Api(); }

void Release(MsalErr error) {
  if (error != nullptr) api().ReleaseError(error);
}

// Owns one runtime handle for a scope: released however the scope is left,
// a std::bad_alloc from reading it included.
template <typename Handle>
class ScopedHandle {
 public:
  using Releaser = MsalErr(MSALRUNTIME_CALL*)(Handle);
  ScopedHandle(Handle handle, Releaser releaser) : handle_(handle), releaser_(releaser) {}
  ~ScopedHandle() {
    if (handle_ != nullptr) Release(releaser_(handle_));
  }
  ScopedHandle(const ScopedHandle&) = delete;
  ScopedHandle& operator=(const ScopedHandle&) = delete;
  Handle get() const { return handle_; }
  // Hands ownership on (to OwnedAccount).
  Handle release() { return std::exchange(handle_, nullptr); }

 private:
  Handle handle_;
  Releaser releaser_;
};

// The error handle's release returns bool_t, not an error.
MsalErr MSALRUNTIME_CALL ReleaseErrorHandle(MsalErr error) {
  api().ReleaseError(error);
  return nullptr;
}

MSALRUNTIME_RESPONSE_STATUS StatusOf(MsalErr error) {
  MSALRUNTIME_RESPONSE_STATUS status = Msalruntime_Response_Status_Unexpected;
  Release(api().GetStatus(error, &status));
  return status;
}

template <typename Handle, typename Getter>
std::optional<std::string> ReadString(Getter getter, Handle handle) {
  return ReadRuntimeString([&](os_char* buffer, int32_t* size) { return getter(handle, buffer, size); }, StatusOf,
                           Release);
}

AccountInfo ReadAccount(MSALRUNTIME_ACCOUNT_HANDLE account) {
  const MsalRuntimeApi& a = api();
  AccountInfo info;
  info.id = ReadString(a.GetAccountId, account);
  info.homeAccountId = ReadString(a.GetHomeAccountId, account);
  info.environment = ReadString(a.GetEnvironment, account);
  info.realm = ReadString(a.GetRealm, account);
  info.localAccountId = ReadString(a.GetLocalAccountId, account);
  info.username = ReadString(a.GetUserName, account);
  info.givenName = ReadString(a.GetGivenName, account);
  info.familyName = ReadString(a.GetFamilyName, account);
  info.middleName = ReadString(a.GetMiddleName, account);
  info.displayName = ReadString(a.GetDisplayName, account);
  info.additionalFieldsJson = ReadString(a.GetAdditionalFieldsJson, account);
  info.homeEnvironment = ReadString(a.GetHomeEnvironment, account);
  info.clientInfo = ReadString(a.GetClientInfo, account);
  return info;
}

// The error out-parameter getters share one shape; a failing getter itself
// counts as an unexpected error rather than silent success.
template <typename Handle, typename Getter>
std::optional<ErrorInfo> ReadResultError(Getter getter, Handle handle) {
  MsalErr responseError = nullptr;
  MsalErr failure = getter(handle, &responseError);
  if (failure != nullptr) return TakeError(failure);
  if (responseError == nullptr) return std::nullopt;
  return TakeError(responseError);
}

}  // namespace

OwnedAccount::~OwnedAccount() {
  if (handle_ != nullptr) Release(api().ReleaseAccount(handle_));
}

ErrorInfo TakeError(MsalErr error) {
  const MsalRuntimeApi& a = api();
  ScopedHandle<MsalErr> owned(error, &ReleaseErrorHandle);
  ErrorInfo info;
  MSALRUNTIME_RESPONSE_STATUS status = Msalruntime_Response_Status_Unexpected;
  Release(a.GetStatus(error, &status));
  info.status = status;
  Release(a.GetErrorCode(error, &info.errorCode));
  Release(a.GetTag(error, &info.tag));
  info.context = ReadString(a.GetContext, error).value_or("");
  return info;
}

ErrorInfo LocalError(const std::string& context) {
  ErrorInfo info;
  info.context = context;
  return info;
}

AuthResultInfo TakeAuthResult(MSALRUNTIME_AUTH_RESULT_HANDLE result) {
  const MsalRuntimeApi& a = api();
  AuthResultInfo info;
  if (result == nullptr) {
    info.error = LocalError("MSALRuntime completed without a result");
    return info;
  }
  ScopedHandle<MSALRUNTIME_AUTH_RESULT_HANDLE> owned(result, a.ReleaseAuthResult);
  info.error = ReadResultError(a.GetError, result);
  info.telemetry = ReadString(a.GetTelemetryData, result);
  if (!info.error) {
    info.accessToken = ReadString(a.GetAccessToken, result);
    info.idToken = ReadString(a.GetIdToken, result);
    info.rawIdToken = ReadString(a.GetRawIdToken, result);
    info.grantedScopes = ReadString(a.GetGrantedScopes, result);
    info.authorizationHeader = ReadString(a.GetAuthorizationHeader, result);
    Release(a.GetExpiresOn(result, &info.expiresOn));
    bool_t isPop = 0;
    Release(a.IsPopAuthorization(result, &isPop));
    info.isPopAuthorization = isPop != 0;
    MSALRUNTIME_ACCOUNT_HANDLE account = nullptr;
    Release(a.GetAccount(result, &account));
    ScopedHandle<MSALRUNTIME_ACCOUNT_HANDLE> ownedAccount(account, a.ReleaseAccount);
    if (account != nullptr) info.account = ReadAccount(account);
  }
  return info;
}

ReadAccountInfo TakeReadAccountResult(MSALRUNTIME_READ_ACCOUNT_RESULT_HANDLE result) {
  const MsalRuntimeApi& a = api();
  ReadAccountInfo info;
  if (result == nullptr) {
    info.error = LocalError("MSALRuntime completed without a result");
    return info;
  }
  ScopedHandle<MSALRUNTIME_READ_ACCOUNT_RESULT_HANDLE> owned(result, a.ReleaseReadAccountResult);
  info.error = ReadResultError(a.GetReadAccountError, result);
  info.telemetry = ReadString(a.GetReadAccountTelemetryData, result);
  if (!info.error) {
    MSALRUNTIME_ACCOUNT_HANDLE account = nullptr;
    Release(a.GetReadAccount(result, &account));
    ScopedHandle<MSALRUNTIME_ACCOUNT_HANDLE> ownedAccount(account, a.ReleaseAccount);
    if (account != nullptr) {
      info.account = ReadAccount(account);
      info.handle = std::make_shared<OwnedAccount>(account);
      ownedAccount.release();
    }
  }
  return info;
}

SignOutInfo TakeSignOutResult(MSALRUNTIME_SIGNOUT_RESULT_HANDLE result) {
  const MsalRuntimeApi& a = api();
  SignOutInfo info;
  if (result == nullptr) {
    info.error = LocalError("MSALRuntime completed without a result");
    return info;
  }
  ScopedHandle<MSALRUNTIME_SIGNOUT_RESULT_HANDLE> owned(result, a.ReleaseSignOutResult);
  info.error = ReadResultError(a.GetSignOutError, result);
  info.telemetry = ReadString(a.GetSignOutTelemetryData, result);
  return info;
}

}  // namespace brokerbridge
