// Plain C++ copies of what the runtime hands back. They are read on the
// runtime's callback thread, so the runtime's handles can be released there,
// exactly once, whether or not the JS environment still exists.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "runtime_loader.h"

namespace brokerbridge {

struct ErrorInfo {
  int32_t status = Msalruntime_Response_Status_Unexpected;
  int64_t errorCode = 0;
  int32_t tag = 0;
  std::string context;
};

struct AccountInfo {
  std::optional<std::string> id, homeAccountId, environment, realm, localAccountId, username, givenName, familyName,
      middleName, displayName, additionalFieldsJson, homeEnvironment, clientInfo;
};

// Owns one MSALRUNTIME_ACCOUNT_HANDLE; JS holds it through an External so the
// account can be passed back into AcquireToken*/SignOut calls.
class OwnedAccount {
 public:
  explicit OwnedAccount(MSALRUNTIME_ACCOUNT_HANDLE handle) : handle_(handle) {}
  ~OwnedAccount();
  OwnedAccount(const OwnedAccount&) = delete;
  OwnedAccount& operator=(const OwnedAccount&) = delete;
  MSALRUNTIME_ACCOUNT_HANDLE get() const { return handle_; }

 private:
  MSALRUNTIME_ACCOUNT_HANDLE handle_;
};

struct AuthResultInfo {
  std::optional<ErrorInfo> error;
  std::optional<std::string> accessToken, idToken, rawIdToken, grantedScopes, authorizationHeader, telemetry;
  std::optional<AccountInfo> account;
  int64_t expiresOn = 0;
  bool isPopAuthorization = false;
};

struct ReadAccountInfo {
  std::optional<ErrorInfo> error;
  std::optional<AccountInfo> account;
  std::shared_ptr<OwnedAccount> handle;
  std::optional<std::string> telemetry;
};

struct SignOutInfo {
  std::optional<ErrorInfo> error;
  std::optional<std::string> telemetry;
};

// Each Take* reads everything, then releases the handle it was given.
ErrorInfo TakeError(MsalErr error);
AuthResultInfo TakeAuthResult(MSALRUNTIME_AUTH_RESULT_HANDLE result);
ReadAccountInfo TakeReadAccountResult(MSALRUNTIME_READ_ACCOUNT_RESULT_HANDLE result);
SignOutInfo TakeSignOutResult(MSALRUNTIME_SIGNOUT_RESULT_HANDLE result);

// For calls that fail before any handle exists (library-side errors we detect).
ErrorInfo LocalError(const std::string& context);

}  // namespace brokerbridge
