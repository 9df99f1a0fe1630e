// The MSALRuntime C ABI as this addon uses it. The library is opened at run
// time, so every function appears here only as a pointer type; nothing links
// against libmsalruntime at build time.
#pragma once

#include <cstdint>

#ifdef _WIN32
// <windows.h> first, in every translation unit, so its macros are settled
// before the symbol table below is declared. With UNICODE it maps
// GetUserName to GetUserNameW, which would rename our table member in some
// files and not in others; this addon never calls the Win32 function.
#include <windows.h>
#undef GetUserName
#define MSALRUNTIME_CALL __stdcall
using os_char = wchar_t;
using WINDOW_HANDLE = void*;
#else
#define MSALRUNTIME_CALL
using os_char = char;
using WINDOW_HANDLE = int64_t;
#endif

namespace brokerbridge {

using bool_t = int32_t;

enum MSALRUNTIME_RESPONSE_STATUS : int32_t {
  Msalruntime_Response_Status_Unexpected = 0,
  Msalruntime_Response_Status_InsufficientBuffer = 10,
  Msalruntime_Response_Status_FallbackToNativeMsal = 21,
};

enum MSALRUNTIME_LOG_LEVEL : int32_t {
  Msalruntime_Log_Level_Trace = 1,
  Msalruntime_Log_Level_Debug = 2,
  Msalruntime_Log_Level_Info = 3,
  Msalruntime_Log_Level_Warning = 4,
  Msalruntime_Log_Level_Error = 5,
  Msalruntime_Log_Level_Fatal = 6,
};

// Distinct opaque pointer types, so a result handle cannot be passed where an
// error handle is expected.
struct MSALRUNTIME_ERROR_HANDLE_ {};
struct MSALRUNTIME_AUTH_PARAMETERS_HANDLE_ {};
struct MSALRUNTIME_AUTH_RESULT_HANDLE_ {};
struct MSALRUNTIME_SIGNOUT_RESULT_HANDLE_ {};
struct MSALRUNTIME_READ_ACCOUNT_RESULT_HANDLE_ {};
struct MSALRUNTIME_ACCOUNT_HANDLE_ {};
struct MSALRUNTIME_ASYNC_HANDLE_ {};
struct MSALRUNTIME_LOG_CALLBACK_HANDLE_ {};
using MSALRUNTIME_ERROR_HANDLE = MSALRUNTIME_ERROR_HANDLE_*;
using MSALRUNTIME_AUTH_PARAMETERS_HANDLE = MSALRUNTIME_AUTH_PARAMETERS_HANDLE_*;
using MSALRUNTIME_AUTH_RESULT_HANDLE = MSALRUNTIME_AUTH_RESULT_HANDLE_*;
using MSALRUNTIME_SIGNOUT_RESULT_HANDLE = MSALRUNTIME_SIGNOUT_RESULT_HANDLE_*;
using MSALRUNTIME_READ_ACCOUNT_RESULT_HANDLE = MSALRUNTIME_READ_ACCOUNT_RESULT_HANDLE_*;
using MSALRUNTIME_ACCOUNT_HANDLE = MSALRUNTIME_ACCOUNT_HANDLE_*;
using MSALRUNTIME_ASYNC_HANDLE = MSALRUNTIME_ASYNC_HANDLE_*;
using MSALRUNTIME_LOG_CALLBACK_HANDLE = MSALRUNTIME_LOG_CALLBACK_HANDLE_*;

using MsalErr = MSALRUNTIME_ERROR_HANDLE;

typedef void(MSALRUNTIME_CALL* MSALRUNTIME_COMPLETION_ROUTINE)(MSALRUNTIME_AUTH_RESULT_HANDLE, void*);
typedef void(MSALRUNTIME_CALL* MSALRUNTIME_SIGNOUT_COMPLETION_ROUTINE)(MSALRUNTIME_SIGNOUT_RESULT_HANDLE, void*);
typedef void(MSALRUNTIME_CALL* MSALRUNTIME_READ_ACCOUNT_COMPLETION_ROUTINE)(MSALRUNTIME_READ_ACCOUNT_RESULT_HANDLE,
                                                                             void*);
typedef void(MSALRUNTIME_CALL* MSALRUNTIME_LOG_CALLBACK_ROUTINE)(const os_char*, MSALRUNTIME_LOG_LEVEL, void*);

// X-macro: (name, return type, parameter list). runtime_loader.h expands it
// into the symbol table and the loader resolves every entry by name.
#define MSALRUNTIME_FUNCTIONS(X)                                                                                    \
  X(Startup, MsalErr, ())                                                                                           \
  X(Shutdown, void, ())                                                                                             \
  X(ReleaseError, bool_t, (MsalErr))                                                                                \
  X(GetStatus, MsalErr, (MsalErr, MSALRUNTIME_RESPONSE_STATUS*))                                                    \
  X(GetErrorCode, MsalErr, (MsalErr, int64_t*))                                                                     \
  X(GetTag, MsalErr, (MsalErr, int32_t*))                                                                           \
  X(GetContext, MsalErr, (MsalErr, os_char*, int32_t*))                                                             \
  X(CreateAuthParameters, MsalErr, (const os_char*, const os_char*, MSALRUNTIME_AUTH_PARAMETERS_HANDLE*))           \
  X(ReleaseAuthParameters, MsalErr, (MSALRUNTIME_AUTH_PARAMETERS_HANDLE))                                           \
  X(SetRequestedScopes, MsalErr, (MSALRUNTIME_AUTH_PARAMETERS_HANDLE, const os_char*))                              \
  X(SetRedirectUri, MsalErr, (MSALRUNTIME_AUTH_PARAMETERS_HANDLE, const os_char*))                                  \
  X(SetDecodedClaims, MsalErr, (MSALRUNTIME_AUTH_PARAMETERS_HANDLE, const os_char*))                                \
  X(SetAccessTokenToRenew, MsalErr, (MSALRUNTIME_AUTH_PARAMETERS_HANDLE, const os_char*))                           \
  X(SetPopParams, MsalErr,                                                                                          \
    (MSALRUNTIME_AUTH_PARAMETERS_HANDLE, const os_char*, const os_char*, const os_char*, const os_char*))           \
  X(SetAdditionalParameter, MsalErr, (MSALRUNTIME_AUTH_PARAMETERS_HANDLE, const os_char*, const os_char*))          \
  X(SignInSilentlyAsync, MsalErr,                                                                                   \
    (MSALRUNTIME_AUTH_PARAMETERS_HANDLE, const os_char*, MSALRUNTIME_COMPLETION_ROUTINE, void*,                     \
     MSALRUNTIME_ASYNC_HANDLE*))                                                                                    \
  X(SignInInteractivelyAsync, MsalErr,                                                                              \
    (WINDOW_HANDLE, MSALRUNTIME_AUTH_PARAMETERS_HANDLE, const os_char*, const os_char*,                             \
     MSALRUNTIME_COMPLETION_ROUTINE, void*, MSALRUNTIME_ASYNC_HANDLE*))                                             \
  X(AcquireTokenSilentlyAsync, MsalErr,                                                                             \
    (MSALRUNTIME_AUTH_PARAMETERS_HANDLE, const os_char*, MSALRUNTIME_ACCOUNT_HANDLE,                                \
     MSALRUNTIME_COMPLETION_ROUTINE, void*, MSALRUNTIME_ASYNC_HANDLE*))                                             \
  X(ReadAccountByIdAsync, MsalErr,                                                                                  \
    (const os_char*, const os_char*, MSALRUNTIME_READ_ACCOUNT_COMPLETION_ROUTINE, void*, MSALRUNTIME_ASYNC_HANDLE*)) \
  X(SignOutSilentlyAsync, MsalErr,                                                                                  \
    (const os_char*, const os_char*, MSALRUNTIME_ACCOUNT_HANDLE, MSALRUNTIME_SIGNOUT_COMPLETION_ROUTINE, void*,      \
     MSALRUNTIME_ASYNC_HANDLE*))                                                                                    \
  X(CancelAsyncOperation, MsalErr, (MSALRUNTIME_ASYNC_HANDLE))                                                      \
  X(ReleaseAsyncHandle, MsalErr, (MSALRUNTIME_ASYNC_HANDLE))                                                        \
  X(ReleaseAuthResult, MsalErr, (MSALRUNTIME_AUTH_RESULT_HANDLE))                                                   \
  X(GetAccount, MsalErr, (MSALRUNTIME_AUTH_RESULT_HANDLE, MSALRUNTIME_ACCOUNT_HANDLE*))                             \
  X(GetIdToken, MsalErr, (MSALRUNTIME_AUTH_RESULT_HANDLE, os_char*, int32_t*))                                      \
  X(GetRawIdToken, MsalErr, (MSALRUNTIME_AUTH_RESULT_HANDLE, os_char*, int32_t*))                                   \
  X(GetAccessToken, MsalErr, (MSALRUNTIME_AUTH_RESULT_HANDLE, os_char*, int32_t*))                                  \
  X(GetGrantedScopes, MsalErr, (MSALRUNTIME_AUTH_RESULT_HANDLE, os_char*, int32_t*))                                \
  X(GetAuthorizationHeader, MsalErr, (MSALRUNTIME_AUTH_RESULT_HANDLE, os_char*, int32_t*))                          \
  X(IsPopAuthorization, MsalErr, (MSALRUNTIME_AUTH_RESULT_HANDLE, bool_t*))                                         \
  X(GetExpiresOn, MsalErr, (MSALRUNTIME_AUTH_RESULT_HANDLE, int64_t*))                                              \
  X(GetError, MsalErr, (MSALRUNTIME_AUTH_RESULT_HANDLE, MsalErr*))                                                  \
  X(GetTelemetryData, MsalErr, (MSALRUNTIME_AUTH_RESULT_HANDLE, os_char*, int32_t*))                                \
  X(ReleaseAccount, MsalErr, (MSALRUNTIME_ACCOUNT_HANDLE))                                                          \
  X(GetAccountId, MsalErr, (MSALRUNTIME_ACCOUNT_HANDLE, os_char*, int32_t*))                                        \
  X(GetHomeAccountId, MsalErr, (MSALRUNTIME_ACCOUNT_HANDLE, os_char*, int32_t*))                                    \
  X(GetEnvironment, MsalErr, (MSALRUNTIME_ACCOUNT_HANDLE, os_char*, int32_t*))                                      \
  X(GetRealm, MsalErr, (MSALRUNTIME_ACCOUNT_HANDLE, os_char*, int32_t*))                                            \
  X(GetLocalAccountId, MsalErr, (MSALRUNTIME_ACCOUNT_HANDLE, os_char*, int32_t*))                                   \
  X(GetUserName, MsalErr, (MSALRUNTIME_ACCOUNT_HANDLE, os_char*, int32_t*))                                         \
  X(GetGivenName, MsalErr, (MSALRUNTIME_ACCOUNT_HANDLE, os_char*, int32_t*))                                        \
  X(GetFamilyName, MsalErr, (MSALRUNTIME_ACCOUNT_HANDLE, os_char*, int32_t*))                                       \
  X(GetMiddleName, MsalErr, (MSALRUNTIME_ACCOUNT_HANDLE, os_char*, int32_t*))                                       \
  X(GetDisplayName, MsalErr, (MSALRUNTIME_ACCOUNT_HANDLE, os_char*, int32_t*))                                      \
  X(GetAdditionalFieldsJson, MsalErr, (MSALRUNTIME_ACCOUNT_HANDLE, os_char*, int32_t*))                             \
  X(GetHomeEnvironment, MsalErr, (MSALRUNTIME_ACCOUNT_HANDLE, os_char*, int32_t*))                                  \
  X(GetClientInfo, MsalErr, (MSALRUNTIME_ACCOUNT_HANDLE, os_char*, int32_t*))                                       \
  X(ReleaseSignOutResult, MsalErr, (MSALRUNTIME_SIGNOUT_RESULT_HANDLE))                                             \
  X(GetSignOutError, MsalErr, (MSALRUNTIME_SIGNOUT_RESULT_HANDLE, MsalErr*))                                        \
  X(GetSignOutTelemetryData, MsalErr, (MSALRUNTIME_SIGNOUT_RESULT_HANDLE, os_char*, int32_t*))                      \
  X(ReleaseReadAccountResult, MsalErr, (MSALRUNTIME_READ_ACCOUNT_RESULT_HANDLE))                                    \
  X(GetReadAccount, MsalErr, (MSALRUNTIME_READ_ACCOUNT_RESULT_HANDLE, MSALRUNTIME_ACCOUNT_HANDLE*))                 \
  X(GetReadAccountError, MsalErr, (MSALRUNTIME_READ_ACCOUNT_RESULT_HANDLE, MsalErr*))                               \
  X(GetReadAccountTelemetryData, MsalErr, (MSALRUNTIME_READ_ACCOUNT_RESULT_HANDLE, os_char*, int32_t*))             \
  X(RegisterLogCallback, MsalErr, (MSALRUNTIME_LOG_CALLBACK_ROUTINE, void*, MSALRUNTIME_LOG_CALLBACK_HANDLE*))      \
  X(ReleaseLogCallbackHandle, MsalErr, (MSALRUNTIME_LOG_CALLBACK_HANDLE))                                           \
  X(SetIsPiiEnabled, void, (int32_t))

}  // namespace brokerbridge
