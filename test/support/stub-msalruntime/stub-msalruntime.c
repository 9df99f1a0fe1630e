/*
 * A stand-in for Microsoft's msalruntime.dll (x64), for the Wine tests in
 * test/integration/windows/. It exports every MSALRUNTIME_* function the
 * addon resolves (native/msalruntime_abi.h: a missing one fails the load with
 * symbol_missing), answers from a script, and records what it receives, so
 * the tests can see exactly what crossed the ABI:
 *
 *   - strings arrive as UTF-16 (wchar_t); each is recorded as UTF-8 and as
 *     its UTF-16 code units in hex, and scripted answers go back as UTF-16;
 *   - window handles are recorded bit for bit, beside the console and
 *     desktop windows as this DLL sees them;
 *   - completions run on a thread of the stub's own, as the real runtime's
 *     do, and an operation scripted to wait completes only when cancelled.
 *
 * Environment (read by MSALRUNTIME_Startup):
 *   STUB_MSALRUNTIME_SCRIPT  UTF-8 file of key=value lines:
 *     account.<field>=...    id, homeAccountId, environment, realm,
 *                            localAccountId, username, givenName, familyName,
 *                            middleName, displayName, additionalFieldsJson,
 *                            homeEnvironment, clientInfo
 *     result.<field>=...     accessToken, idToken, rawIdToken, grantedScopes,
 *                            authorizationHeader, telemetry, expiresOn, isPop
 *     <Operation>=ok | wait | error <status> <errorCode> <tag> <context>
 *                            Operation: SignIn, SignInSilently,
 *                            SignInInteractively, AcquireTokenSilently,
 *                            AcquireTokenInteractively (default: ok)
 *   STUB_MSALRUNTIME_RECORD  file the stub appends one JSON object a line to.
 *
 * Built by the tests with mingw-w64 (test/support/stub-msalruntime/build.ts);
 * never committed as a binary.
 */
#include <windows.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define EXPORT __declspec(dllexport)
#define CALL __stdcall

enum {
  STATUS_USER_CANCELED = 7,
  STATUS_APPLICATION_CANCELED = 8,
  STATUS_INSUFFICIENT_BUFFER = 10,
  STATUS_ACCOUNT_NOT_FOUND = 16,
};

/* A cancelled wait still ends after this long, so a lost cancel cannot hang a test forever. */
#define WAIT_LIMIT_MS 120000

/* ---------- handles ---------- */

typedef struct Error {
  int32_t status;
  int64_t code;
  int32_t tag;
  wchar_t* context;
} Error;

enum AccountField {
  F_ID, F_HOME_ACCOUNT_ID, F_ENVIRONMENT, F_REALM, F_LOCAL_ACCOUNT_ID, F_USERNAME, F_GIVEN_NAME,
  F_FAMILY_NAME, F_MIDDLE_NAME, F_DISPLAY_NAME, F_ADDITIONAL_FIELDS_JSON, F_HOME_ENVIRONMENT, F_CLIENT_INFO,
  ACCOUNT_FIELDS
};
static const char* const kAccountFields[ACCOUNT_FIELDS] = {
    "id", "homeAccountId", "environment", "realm", "localAccountId", "username", "givenName",
    "familyName", "middleName", "displayName", "additionalFieldsJson", "homeEnvironment", "clientInfo"};

typedef struct Account {
  wchar_t* fields[ACCOUNT_FIELDS];
} Account;

enum ResultField { R_ACCESS_TOKEN, R_ID_TOKEN, R_RAW_ID_TOKEN, R_GRANTED_SCOPES, R_AUTHORIZATION_HEADER, R_TELEMETRY, RESULT_FIELDS };
static const char* const kResultFields[RESULT_FIELDS] = {"accessToken", "idToken", "rawIdToken", "grantedScopes",
                                                         "authorizationHeader", "telemetry"};

typedef struct Result {
  Error* error; /* owned; NULL for success */
  Account* account;
  wchar_t* fields[RESULT_FIELDS];
  int64_t expiresOn;
  int32_t isPop;
} Result;

typedef struct Params {
  wchar_t* clientId;
  wchar_t* authority;
  wchar_t* scopes;
  wchar_t* redirectUri;
  wchar_t* claims;
  wchar_t* accessTokenToRenew;
  wchar_t* pop[4];
  wchar_t* additional[16][2];
  int additionalCount;
} Params;

typedef void(CALL* Completion)(void* result, void* data);

typedef struct Async {
  LONG refs; /* the caller's (ReleaseAsyncHandle) and the completion thread's */
  int id;
  HANDLE cancelled;
  const char* operation;
  int behaviour;
  Error* scriptedError;
  Completion completion;
  void* data;
  int kind; /* what the completion receives */
  wchar_t* accountId;
} Async;

typedef struct LogHandle {
  void* callback;
  void* data;
} LogHandle;

/* ---------- the script ---------- */

enum { BEHAVE_OK, BEHAVE_WAIT, BEHAVE_ERROR };
static const char* const kOperations[] = {"SignIn", "SignInSilently", "SignInInteractively", "AcquireTokenSilently",
                                          "AcquireTokenInteractively"};
#define OPERATIONS (sizeof kOperations / sizeof kOperations[0])

static struct {
  Account account;
  wchar_t* result[RESULT_FIELDS];
  int64_t expiresOn;
  int32_t isPop;
  int behaviour[OPERATIONS];
  Error errors[OPERATIONS];
} script;

static CRITICAL_SECTION recordLock;
static wchar_t recordPath[MAX_PATH * 4];
static LONG nextAsyncId;
static LONG startups;

static wchar_t* Utf8ToWide(const char* text, int length) {
  int size = MultiByteToWideChar(CP_UTF8, 0, text, length, NULL, 0);
  wchar_t* wide = calloc((size_t)size + 1, sizeof(wchar_t));
  MultiByteToWideChar(CP_UTF8, 0, text, length, wide, size);
  return wide;
}

static wchar_t* WideCopy(const wchar_t* text) { return text ? _wcsdup(text) : NULL; }

static int OperationIndex(const char* name, size_t length) {
  for (size_t i = 0; i < OPERATIONS; ++i) {
    if (strlen(kOperations[i]) == length && strncmp(kOperations[i], name, length) == 0) return (int)i;
  }
  return -1;
}

static void ReadScriptLine(const char* line, size_t length) {
  const char* equals = memchr(line, '=', length);
  if (!equals) return;
  const size_t keyLength = (size_t)(equals - line);
  const char* value = equals + 1;
  const int valueLength = (int)(length - keyLength - 1);
  if (keyLength > 8 && strncmp(line, "account.", 8) == 0) {
    for (int i = 0; i < ACCOUNT_FIELDS; ++i) {
      if (strlen(kAccountFields[i]) == keyLength - 8 && strncmp(line + 8, kAccountFields[i], keyLength - 8) == 0) {
        script.account.fields[i] = Utf8ToWide(value, valueLength);
      }
    }
    return;
  }
  if (keyLength > 7 && strncmp(line, "result.", 7) == 0) {
    char number[32] = {0};
    memcpy(number, value, valueLength < 31 ? (size_t)valueLength : 31);
    if (keyLength - 7 == 9 && strncmp(line + 7, "expiresOn", 9) == 0) script.expiresOn = _strtoi64(number, NULL, 10);
    if (keyLength - 7 == 5 && strncmp(line + 7, "isPop", 5) == 0) script.isPop = atoi(number);
    for (int i = 0; i < RESULT_FIELDS; ++i) {
      if (strlen(kResultFields[i]) == keyLength - 7 && strncmp(line + 7, kResultFields[i], keyLength - 7) == 0) {
        script.result[i] = Utf8ToWide(value, valueLength);
      }
    }
    return;
  }
  const int op = OperationIndex(line, keyLength);
  if (op < 0) return;
  if (valueLength >= 4 && strncmp(value, "wait", 4) == 0) script.behaviour[op] = BEHAVE_WAIT;
  if (valueLength >= 5 && strncmp(value, "error", 5) == 0) {
    /* error <status> <errorCode> <tag> <context...> */
    char* copy = calloc((size_t)valueLength + 1, 1);
    memcpy(copy, value, (size_t)valueLength);
    char* cursor = copy + 5;
    script.errors[op].status = (int32_t)strtol(cursor, &cursor, 10);
    script.errors[op].code = _strtoi64(cursor, &cursor, 10);
    script.errors[op].tag = (int32_t)strtol(cursor, &cursor, 10);
    while (*cursor == ' ') ++cursor;
    script.errors[op].context = Utf8ToWide(cursor, -1);
    script.behaviour[op] = BEHAVE_ERROR;
    free(copy);
  }
}

static void ReadScript(void) {
  wchar_t path[MAX_PATH * 4];
  if (!GetEnvironmentVariableW(L"STUB_MSALRUNTIME_SCRIPT", path, MAX_PATH * 4)) return;
  FILE* file = _wfopen(path, L"rb");
  if (!file) return;
  static char text[1 << 16];
  const size_t size = fread(text, 1, sizeof text - 1, file);
  fclose(file);
  text[size] = 0;
  for (char* line = text; *line;) {
    char* end = strchr(line, '\n');
    size_t length = end ? (size_t)(end - line) : strlen(line);
    if (length > 0 && line[length - 1] == '\r') --length;
    ReadScriptLine(line, length);
    if (!end) break;
    line = end + 1;
  }
}

/* ---------- the record: one JSON object a line ---------- */

typedef struct Json {
  char* text;
  size_t length, capacity;
} Json;

static void Append(Json* json, const char* text, size_t length) {
  if (json->length + length + 1 > json->capacity) {
    json->capacity = (json->length + length + 1) * 2;
    json->text = realloc(json->text, json->capacity);
  }
  memcpy(json->text + json->length, text, length);
  json->length += length;
  json->text[json->length] = 0;
}

static void AppendText(Json* json, const char* text) { Append(json, text, strlen(text)); }

static void AppendQuoted(Json* json, const char* utf8) {
  AppendText(json, "\"");
  for (const unsigned char* c = (const unsigned char*)utf8; *c; ++c) {
    char escaped[8];
    if (*c == '"' || *c == '\\') {
      snprintf(escaped, sizeof escaped, "\\%c", *c);
      AppendText(json, escaped);
    } else if (*c < 0x20) {
      snprintf(escaped, sizeof escaped, "\\u%04x", *c);
      AppendText(json, escaped);
    } else {
      Append(json, (const char*)c, 1);
    }
  }
  AppendText(json, "\"");
}

static void Begin(Json* json, const char* call) {
  json->text = NULL;
  json->length = json->capacity = 0;
  AppendText(json, "{\"call\":");
  AppendQuoted(json, call);
  char thread[48];
  snprintf(thread, sizeof thread, ",\"thread\":%lu", GetCurrentThreadId());
  AppendText(json, thread);
}

/* "name":"<UTF-8>","name16":"<UTF-16 code units, hex>"; null when absent. */
static void Field(Json* json, const char* name, const wchar_t* value) {
  AppendText(json, ",");
  AppendQuoted(json, name);
  if (!value) {
    AppendText(json, ":null");
    return;
  }
  AppendText(json, ":");
  const int length = (int)wcslen(value);
  const int size = WideCharToMultiByte(CP_UTF8, 0, value, length, NULL, 0, NULL, NULL);
  char* utf8 = calloc((size_t)size + 1, 1);
  WideCharToMultiByte(CP_UTF8, 0, value, length, utf8, size, NULL, NULL);
  AppendQuoted(json, utf8);
  free(utf8);
  AppendText(json, ",\"");
  AppendText(json, name);
  AppendText(json, "16\":\"");
  for (int i = 0; i < length; ++i) {
    char unit[8];
    snprintf(unit, sizeof unit, "%04x", (unsigned)value[i]);
    AppendText(json, unit);
  }
  AppendText(json, "\"");
}

static void Number(Json* json, const char* name, long long value) {
  char text[96];
  snprintf(text, sizeof text, ",\"%s\":%lld", name, value);
  AppendText(json, text);
}

/* Handles as 16 hex digits: all 64 bits, none lost to a JSON number. */
static void Bits(Json* json, const char* name, const void* pointer) {
  char text[96];
  snprintf(text, sizeof text, ",\"%s\":\"%016llx\"", name, (unsigned long long)(uintptr_t)pointer);
  AppendText(json, text);
}

static void End(Json* json) {
  AppendText(json, "}\n");
  EnterCriticalSection(&recordLock);
  FILE* file = recordPath[0] ? _wfopen(recordPath, L"ab") : NULL;
  if (file) {
    fwrite(json->text, 1, json->length, file);
    fclose(file);
  }
  LeaveCriticalSection(&recordLock);
  free(json->text);
}

static void ParamsFields(Json* json, const Params* params) {
  Field(json, "clientId", params->clientId);
  Field(json, "authority", params->authority);
  Field(json, "scopes", params->scopes);
  Field(json, "redirectUri", params->redirectUri);
  Field(json, "claims", params->claims);
  Field(json, "accessTokenToRenew", params->accessTokenToRenew);
  static const char* const popNames[4] = {"popMethod", "popHost", "popPath", "popNonce"};
  for (int i = 0; i < 4; ++i) Field(json, popNames[i], params->pop[i]);
  for (int i = 0; i < params->additionalCount; ++i) {
    char name[32];
    snprintf(name, sizeof name, "additionalKey%d", i);
    Field(json, name, params->additional[i][0]);
    snprintf(name, sizeof name, "additionalValue%d", i);
    Field(json, name, params->additional[i][1]);
  }
}

/* The windows the addon's default parent is made of, as this DLL sees them. */
static void WindowFields(Json* json, void* window) {
  Bits(json, "window", window);
  HWND console = GetConsoleWindow();
  Bits(json, "consoleWindow", console);
  Bits(json, "consoleRootOwner", console ? GetAncestor(console, GA_ROOTOWNER) : NULL);
  Bits(json, "desktopWindow", GetDesktopWindow());
}

static void Record(const char* call) {
  Json json;
  Begin(&json, call);
  End(&json);
}

/* ---------- errors and strings ---------- */

static Error* NewError(int32_t status, int64_t code, int32_t tag, const wchar_t* context) {
  Error* error = calloc(1, sizeof *error);
  error->status = status;
  error->code = code;
  error->tag = tag;
  error->context = WideCopy(context);
  return error;
}

static void FreeError(Error* error) {
  if (!error) return;
  free(error->context);
  free(error);
}

/* The runtime's getter protocol: too small a buffer gets InsufficientBuffer and the size needed. */
static Error* CopyOut(const wchar_t* value, wchar_t* buffer, int32_t* size) {
  if (!value) value = L"";
  const int32_t needed = (int32_t)wcslen(value) + 1;
  if (!buffer || *size < needed) {
    *size = needed;
    return NewError(STATUS_INSUFFICIENT_BUFFER, 0, 0, L"Buffer too small");
  }
  memcpy(buffer, value, (size_t)needed * sizeof(wchar_t));
  *size = needed;
  return NULL;
}

static Account* CopyAccount(const Account* from) {
  Account* account = calloc(1, sizeof *account);
  for (int i = 0; i < ACCOUNT_FIELDS; ++i) account->fields[i] = WideCopy(from->fields[i]);
  return account;
}

static void FreeAccount(Account* account) {
  if (!account) return;
  for (int i = 0; i < ACCOUNT_FIELDS; ++i) free(account->fields[i]);
  free(account);
}

static void FreeParams(Params* params) {
  free(params->clientId);
  free(params->authority);
  free(params->scopes);
  free(params->redirectUri);
  free(params->claims);
  free(params->accessTokenToRenew);
  for (int i = 0; i < 4; ++i) free(params->pop[i]);
  for (int i = 0; i < params->additionalCount; ++i) {
    free(params->additional[i][0]);
    free(params->additional[i][1]);
  }
  free(params);
}

/* ---------- lifecycle and errors ---------- */

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void* reserved) {
  if (reason == DLL_PROCESS_ATTACH) {
    InitializeCriticalSection(&recordLock);
    GetEnvironmentVariableW(L"STUB_MSALRUNTIME_RECORD", recordPath, MAX_PATH * 4);
  }
  return TRUE;
}

EXPORT Error* CALL MSALRUNTIME_Startup(void) {
  if (InterlockedIncrement(&startups) == 1) ReadScript();
  Json json;
  Begin(&json, "Startup");
  wchar_t self[MAX_PATH * 4] = {0};
  HMODULE module = NULL;
  GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                     (LPCWSTR)(void*)&MSALRUNTIME_Startup, &module);
  GetModuleFileNameW(module, self, MAX_PATH * 4);
  Field(&json, "modulePath", self);
  End(&json);
  return NULL;
}

EXPORT void CALL MSALRUNTIME_Shutdown(void) { Record("Shutdown"); }

EXPORT int32_t CALL MSALRUNTIME_ReleaseError(Error* error) {
  FreeError(error);
  return 1;
}

EXPORT Error* CALL MSALRUNTIME_GetStatus(Error* error, int32_t* status) {
  *status = error->status;
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_GetErrorCode(Error* error, int64_t* code) {
  *code = error->code;
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_GetTag(Error* error, int32_t* tag) {
  *tag = error->tag;
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_GetContext(Error* error, wchar_t* buffer, int32_t* size) {
  return CopyOut(error->context, buffer, size);
}

/* ---------- auth parameters ---------- */

EXPORT Error* CALL MSALRUNTIME_CreateAuthParameters(const wchar_t* clientId, const wchar_t* authority, Params** out) {
  Params* params = calloc(1, sizeof *params);
  params->clientId = WideCopy(clientId);
  params->authority = WideCopy(authority);
  *out = params;
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_ReleaseAuthParameters(Params* params) {
  FreeParams(params);
  return NULL;
}

#define STRING_SETTER(name, member)                                        \
  EXPORT Error* CALL MSALRUNTIME_##name(Params* params, const wchar_t* value) { \
    free(params->member);                                                  \
    params->member = WideCopy(value);                                      \
    return NULL;                                                           \
  }
STRING_SETTER(SetRequestedScopes, scopes)
STRING_SETTER(SetRedirectUri, redirectUri)
STRING_SETTER(SetDecodedClaims, claims)
STRING_SETTER(SetAccessTokenToRenew, accessTokenToRenew)

EXPORT Error* CALL MSALRUNTIME_SetPopParams(Params* params, const wchar_t* method, const wchar_t* host,
                                            const wchar_t* path, const wchar_t* nonce) {
  const wchar_t* values[4] = {method, host, path, nonce};
  for (int i = 0; i < 4; ++i) {
    free(params->pop[i]);
    params->pop[i] = WideCopy(values[i]);
  }
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_SetAdditionalParameter(Params* params, const wchar_t* key, const wchar_t* value) {
  if (params->additionalCount == 16) return NewError(9, 0, 0, L"Too many additional parameters");
  params->additional[params->additionalCount][0] = WideCopy(key);
  params->additional[params->additionalCount][1] = WideCopy(value);
  ++params->additionalCount;
  return NULL;
}

/* ---------- asynchronous calls ---------- */

enum { KIND_AUTH, KIND_READ_ACCOUNT, KIND_DISCOVER, KIND_SIGN_OUT };

typedef struct ReadAccountResult {
  Error* error;
  Account* account;
} ReadAccountResult;

typedef struct DiscoverResult {
  Account* account;
} DiscoverResult;

typedef struct SignOutResult {
  int unused;
} SignOutResult;

static void ReleaseAsync(Async* async) {
  if (InterlockedDecrement(&async->refs) != 0) return;
  CloseHandle(async->cancelled);
  FreeError(async->scriptedError);
  free(async->accountId);
  free(async);
}

static Result* NewAuthResult(Error* error) {
  Result* result = calloc(1, sizeof *result);
  result->error = error;
  if (!error) {
    result->account = CopyAccount(&script.account);
    for (int i = 0; i < RESULT_FIELDS; ++i) result->fields[i] = WideCopy(script.result[i]);
    result->expiresOn = script.expiresOn;
    result->isPop = script.isPop;
  }
  return result;
}

static DWORD WINAPI Complete(void* argument) {
  Async* async = argument;
  Error* error = NULL;
  if (async->behaviour == BEHAVE_WAIT) {
    const DWORD waited = WaitForSingleObject(async->cancelled, WAIT_LIMIT_MS);
    error = waited == WAIT_OBJECT_0 ? NewError(STATUS_APPLICATION_CANCELED, 0, 0, L"Cancelled by the application")
                                    : NewError(STATUS_USER_CANCELED, 0, 0, L"The stub waited too long for a cancel");
  } else if (async->behaviour == BEHAVE_ERROR) {
    error = NewError(async->scriptedError->status, async->scriptedError->code, async->scriptedError->tag,
                     async->scriptedError->context);
  }
  void* result = NULL;
  switch (async->kind) {
    case KIND_AUTH:
      result = NewAuthResult(error);
      break;
    case KIND_READ_ACCOUNT: {
      ReadAccountResult* read = calloc(1, sizeof *read);
      const wchar_t* known = script.account.fields[F_ID];
      if (known && async->accountId && wcscmp(known, async->accountId) == 0) {
        read->account = CopyAccount(&script.account);
      } else {
        read->error = NewError(STATUS_ACCOUNT_NOT_FOUND, 0, 0, L"No such account");
      }
      result = read;
      break;
    }
    case KIND_DISCOVER: {
      DiscoverResult* discover = calloc(1, sizeof *discover);
      discover->account = CopyAccount(&script.account);
      result = discover;
      break;
    }
    case KIND_SIGN_OUT:
      result = calloc(1, sizeof(SignOutResult));
      break;
  }
  Json json;
  Begin(&json, "Completion");
  AppendText(&json, ",\"operation\":");
  AppendQuoted(&json, async->operation);
  Number(&json, "async", async->id);
  Number(&json, "status", error ? error->status : -1);
  End(&json);
  async->completion(result, async->data);
  ReleaseAsync(async);
  return 0;
}

/* Starts one operation: records the call (the caller adds its fields to `json`), then completes on a new thread. */
static Error* Start(Json* json, const char* operation, int kind, const wchar_t* accountId, Completion completion,
                    void* data, Async** out) {
  Async* async = calloc(1, sizeof *async);
  async->refs = 2;
  async->id = (int)InterlockedIncrement(&nextAsyncId);
  async->cancelled = CreateEventW(NULL, TRUE, FALSE, NULL);
  async->operation = operation;
  async->kind = kind;
  async->completion = completion;
  async->data = data;
  async->accountId = WideCopy(accountId);
  const int op = OperationIndex(operation, strlen(operation));
  if (op >= 0) {
    async->behaviour = script.behaviour[op];
    if (async->behaviour == BEHAVE_ERROR) {
      const Error* e = &script.errors[op];
      async->scriptedError = NewError(e->status, e->code, e->tag, e->context);
    }
  }
  Number(json, "async", async->id);
  End(json);
  *out = async;
  HANDLE thread = CreateThread(NULL, 0, Complete, async, 0, NULL);
  if (!thread) return NewError(0, (int64_t)GetLastError(), 0, L"CreateThread failed");
  CloseHandle(thread);
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_SignInAsync(void* window, Params* params, const wchar_t* correlationId,
                                           const wchar_t* accountHint, Completion completion, void* data,
                                           Async** async) {
  Json json;
  Begin(&json, "SignInAsync");
  WindowFields(&json, window);
  ParamsFields(&json, params);
  Field(&json, "correlationId", correlationId);
  Field(&json, "accountHint", accountHint);
  return Start(&json, "SignIn", KIND_AUTH, NULL, completion, data, async);
}

EXPORT Error* CALL MSALRUNTIME_SignInSilentlyAsync(Params* params, const wchar_t* correlationId,
                                                   Completion completion, void* data, Async** async) {
  Json json;
  Begin(&json, "SignInSilentlyAsync");
  ParamsFields(&json, params);
  Field(&json, "correlationId", correlationId);
  return Start(&json, "SignInSilently", KIND_AUTH, NULL, completion, data, async);
}

EXPORT Error* CALL MSALRUNTIME_SignInInteractivelyAsync(void* window, Params* params, const wchar_t* correlationId,
                                                        const wchar_t* accountHint, Completion completion,
                                                        void* data, Async** async) {
  Json json;
  Begin(&json, "SignInInteractivelyAsync");
  WindowFields(&json, window);
  ParamsFields(&json, params);
  Field(&json, "correlationId", correlationId);
  Field(&json, "accountHint", accountHint);
  return Start(&json, "SignInInteractively", KIND_AUTH, NULL, completion, data, async);
}

EXPORT Error* CALL MSALRUNTIME_AcquireTokenSilentlyAsync(Params* params, const wchar_t* correlationId,
                                                         Account* account, Completion completion, void* data,
                                                         Async** async) {
  Json json;
  Begin(&json, "AcquireTokenSilentlyAsync");
  ParamsFields(&json, params);
  Field(&json, "correlationId", correlationId);
  Field(&json, "accountId", account ? account->fields[F_ID] : NULL);
  return Start(&json, "AcquireTokenSilently", KIND_AUTH, NULL, completion, data, async);
}

EXPORT Error* CALL MSALRUNTIME_AcquireTokenInteractivelyAsync(void* window, Params* params,
                                                              const wchar_t* correlationId, Account* account,
                                                              Completion completion, void* data, Async** async) {
  Json json;
  Begin(&json, "AcquireTokenInteractivelyAsync");
  WindowFields(&json, window);
  ParamsFields(&json, params);
  Field(&json, "correlationId", correlationId);
  Field(&json, "accountId", account ? account->fields[F_ID] : NULL);
  return Start(&json, "AcquireTokenInteractively", KIND_AUTH, NULL, completion, data, async);
}

EXPORT Error* CALL MSALRUNTIME_ReadAccountByIdAsync(const wchar_t* accountId, const wchar_t* correlationId,
                                                    Completion completion, void* data, Async** async) {
  Json json;
  Begin(&json, "ReadAccountByIdAsync");
  Field(&json, "accountId", accountId);
  Field(&json, "correlationId", correlationId);
  return Start(&json, "ReadAccountById", KIND_READ_ACCOUNT, accountId, completion, data, async);
}

EXPORT Error* CALL MSALRUNTIME_DiscoverAccountsAsync(const wchar_t* clientId, const wchar_t* correlationId,
                                                     Completion completion, void* data, Async** async) {
  Json json;
  Begin(&json, "DiscoverAccountsAsync");
  Field(&json, "clientId", clientId);
  Field(&json, "correlationId", correlationId);
  return Start(&json, "DiscoverAccounts", KIND_DISCOVER, NULL, completion, data, async);
}

EXPORT Error* CALL MSALRUNTIME_SignOutSilentlyAsync(const wchar_t* clientId, const wchar_t* correlationId,
                                                    Account* account, Completion completion, void* data,
                                                    Async** async) {
  Json json;
  Begin(&json, "SignOutSilentlyAsync");
  Field(&json, "clientId", clientId);
  Field(&json, "correlationId", correlationId);
  Field(&json, "accountId", account ? account->fields[F_ID] : NULL);
  return Start(&json, "SignOutSilently", KIND_SIGN_OUT, NULL, completion, data, async);
}

EXPORT Error* CALL MSALRUNTIME_CancelAsyncOperation(Async* async) {
  Json json;
  Begin(&json, "CancelAsyncOperation");
  Number(&json, "async", async->id);
  End(&json);
  SetEvent(async->cancelled);
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_ReleaseAsyncHandle(Async* async) {
  Json json;
  Begin(&json, "ReleaseAsyncHandle");
  Number(&json, "async", async->id);
  End(&json);
  ReleaseAsync(async);
  return NULL;
}

/* ---------- auth results ---------- */

EXPORT Error* CALL MSALRUNTIME_ReleaseAuthResult(Result* result) {
  FreeError(result->error);
  FreeAccount(result->account);
  for (int i = 0; i < RESULT_FIELDS; ++i) free(result->fields[i]);
  free(result);
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_GetAccount(Result* result, Account** account) {
  *account = result->account ? CopyAccount(result->account) : NULL;
  return NULL;
}

#define RESULT_GETTER(name, index)                                                     \
  EXPORT Error* CALL MSALRUNTIME_##name(Result* result, wchar_t* buffer, int32_t* size) { \
    return CopyOut(result->fields[index], buffer, size);                               \
  }
RESULT_GETTER(GetIdToken, R_ID_TOKEN)
RESULT_GETTER(GetRawIdToken, R_RAW_ID_TOKEN)
RESULT_GETTER(GetAccessToken, R_ACCESS_TOKEN)
RESULT_GETTER(GetGrantedScopes, R_GRANTED_SCOPES)
RESULT_GETTER(GetAuthorizationHeader, R_AUTHORIZATION_HEADER)
RESULT_GETTER(GetTelemetryData, R_TELEMETRY)

EXPORT Error* CALL MSALRUNTIME_IsPopAuthorization(Result* result, int32_t* isPop) {
  *isPop = result->isPop;
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_GetExpiresOn(Result* result, int64_t* expiresOn) {
  *expiresOn = result->expiresOn;
  return NULL;
}

/* The caller releases what it gets, so each call hands out a copy. */
static Error* CopyError(const Error* error, Error** out) {
  *out = error ? NewError(error->status, error->code, error->tag, error->context) : NULL;
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_GetError(Result* result, Error** error) { return CopyError(result->error, error); }

/* ---------- accounts ---------- */

EXPORT Error* CALL MSALRUNTIME_ReleaseAccount(Account* account) {
  FreeAccount(account);
  return NULL;
}

#define ACCOUNT_GETTER(name, index)                                                      \
  EXPORT Error* CALL MSALRUNTIME_##name(Account* account, wchar_t* buffer, int32_t* size) { \
    return CopyOut(account->fields[index], buffer, size);                                \
  }
ACCOUNT_GETTER(GetAccountId, F_ID)
ACCOUNT_GETTER(GetHomeAccountId, F_HOME_ACCOUNT_ID)
ACCOUNT_GETTER(GetEnvironment, F_ENVIRONMENT)
ACCOUNT_GETTER(GetRealm, F_REALM)
ACCOUNT_GETTER(GetLocalAccountId, F_LOCAL_ACCOUNT_ID)
ACCOUNT_GETTER(GetUserName, F_USERNAME)
ACCOUNT_GETTER(GetGivenName, F_GIVEN_NAME)
ACCOUNT_GETTER(GetFamilyName, F_FAMILY_NAME)
ACCOUNT_GETTER(GetMiddleName, F_MIDDLE_NAME)
ACCOUNT_GETTER(GetDisplayName, F_DISPLAY_NAME)
ACCOUNT_GETTER(GetAdditionalFieldsJson, F_ADDITIONAL_FIELDS_JSON)
ACCOUNT_GETTER(GetHomeEnvironment, F_HOME_ENVIRONMENT)
ACCOUNT_GETTER(GetClientInfo, F_CLIENT_INFO)

/* ---------- sign-out, read-account and discover results ---------- */

EXPORT Error* CALL MSALRUNTIME_ReleaseSignOutResult(SignOutResult* result) {
  free(result);
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_GetSignOutError(SignOutResult* result, Error** error) {
  *error = NULL;
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_GetSignOutTelemetryData(SignOutResult* result, wchar_t* buffer, int32_t* size) {
  return CopyOut(L"{}", buffer, size);
}

EXPORT Error* CALL MSALRUNTIME_ReleaseReadAccountResult(ReadAccountResult* result) {
  FreeError(result->error);
  FreeAccount(result->account);
  free(result);
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_GetReadAccount(ReadAccountResult* result, Account** account) {
  *account = result->account ? CopyAccount(result->account) : NULL;
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_GetReadAccountError(ReadAccountResult* result, Error** error) {
  return CopyError(result->error, error);
}

EXPORT Error* CALL MSALRUNTIME_GetReadAccountTelemetryData(ReadAccountResult* result, wchar_t* buffer,
                                                           int32_t* size) {
  return CopyOut(L"{}", buffer, size);
}

EXPORT Error* CALL MSALRUNTIME_ReleaseDiscoverAccountsResult(DiscoverResult* result) {
  FreeAccount(result->account);
  free(result);
  return NULL;
}

/* One account, then the null that ends the list. */
EXPORT Error* CALL MSALRUNTIME_GetDiscoverAccountsAt(DiscoverResult* result, int32_t index, Account** account) {
  *account = index == 0 && result->account ? CopyAccount(result->account) : NULL;
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_GetDiscoverAccountsError(DiscoverResult* result, Error** error) {
  *error = NULL;
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_GetDiscoverAccountsTelemetryData(DiscoverResult* result, wchar_t* buffer,
                                                                int32_t* size) {
  return CopyOut(L"{}", buffer, size);
}

/* ---------- logging ---------- */

EXPORT Error* CALL MSALRUNTIME_RegisterLogCallback(void* callback, void* data, LogHandle** handle) {
  LogHandle* log = calloc(1, sizeof *log);
  log->callback = callback;
  log->data = data;
  *handle = log;
  return NULL;
}

EXPORT Error* CALL MSALRUNTIME_ReleaseLogCallbackHandle(LogHandle* handle) {
  free(handle);
  return NULL;
}

EXPORT void CALL MSALRUNTIME_SetIsPiiEnabled(int32_t enabled) {
  Json json;
  Begin(&json, "SetIsPiiEnabled");
  Number(&json, "enabled", enabled);
  End(&json);
}
