// Applications (MSAL Python's ClientApplication family).
export { ClientApplication } from './app/client-application.js';
export type { SilentOptions, AuthCodeFlowOptions, TokenRequestOptions } from './app/client-application.js';
export { PublicClientApplication } from './app/public-client-application.js';
export type { InteractiveOptions, DeviceFlowOptions } from './app/public-client-application.js';
export { ConfidentialClientApplication } from './app/confidential-client-application.js';
export type { ClientCredentialOptions } from './app/confidential-client-application.js';
export type {
  ClientApplicationOptions,
  PublicClientApplicationOptions,
  ConfidentialClientApplicationOptions,
  BrokerOptions,
} from './app/options.js';
export type { Account } from './app/account.js';
export type { AuthScheme } from './app/auth-scheme.js';
export type { Logger, LogLevel, LoggerOptions } from './app/logger.js';

// Errors.
export * from './errors.js';
export {
  BrokerCallError,
  BROKER_STATUS_NAMES,
  type BrokerStatus,
  type BrokerStatusName,
  type BrokerErrorInfo,
} from './broker/broker-error.js';

// The OS broker as a strategy (the brokerClient option).
export type { BrokerClient, BrokerPlatform, BrokerAvailability } from './broker/broker-client.js';
export type {
  BrokerAuthParams,
  BrokerPopParams,
  BrokerCallOptions,
  BrokerAuthResult,
  BrokerAccount,
  BrokerLogCallback,
  BrokerLogLevel,
  BrokerLogOptions,
  WindowHandle,
} from './broker/types.js';

// Wire-level result types.
export type {
  TokenResponse,
  ErrorResponse,
  TokenResult,
  ErrorResult,
  AcquireTokenResult,
  TokenSource,
  IdTokenClaims,
} from './oauth2/types.js';
export { isErrorResult } from './oauth2/types.js';

// Authorities.
export { Authority, type AuthorityOptions } from './authority/authority.js';
export {
  AuthorityBuilder,
  AZURE_PUBLIC,
  AZURE_US_GOVERNMENT,
  AZURE_CHINA,
  WELL_KNOWN_AUTHORITY_HOSTS,
  knownAliases,
} from './authority/clouds.js';
export type { AuthorityKind, AuthorityMetadata, ResolvedAuthority } from './authority/types.js';

// HTTP.
export type { HttpClient, HttpRequest, HttpResponse } from './http/types.js';
export { createFetchHttpClient, type FetchHttpClientOptions } from './http/fetch-client.js';
export type { HttpCacheStore } from './http/http-cache.js';
export { LIBRARY_VERSION } from './http/telemetry.js';

// OAuth2 building blocks.
export { Prompt } from './oauth2/prompt.js';
export type { ClientCredential, ClientAssertionCallback, ClientAssertionContext } from './oauth2/client-credential.js';
export { AutoRefresher, type AutoRefresherOptions } from './oauth2/auto-refresher.js';
export { extractCerts } from './oauth2/certificate.js';
export { decodeIdToken, decodePart, type DecodeIdTokenOptions } from './oauth2/id-token.js';
export type { DeviceFlow, DeviceFlowProgress } from './oauth2/device-flow.js';
export type { AuthCodeFlow, ResponseMode } from './oauth2/auth-code-flow.js';
export { RESERVED_SCOPES } from './oauth2/scopes.js';

// Token cache.
export { TokenCache } from './cache/token-cache.js';
export {
  SerializableTokenCache,
  type DeserializeReport,
  type DeserializeOptions,
  type DroppedEntry,
} from './cache/serializable-token-cache.js';
export type {
  TokenCacheOptions,
  CachedAccount,
  CacheAddEvent,
  AccessTokenQuery,
  RefreshTokenQuery,
  IdTokenQuery,
  AccountQuery,
  CacheChange,
  CacheChangeKind,
  CacheChangeListener,
} from './cache/token-cache.js';
export {
  PersistentTokenCache,
  type PersistentTokenCacheOptions,
  type CacheAccessHooks,
} from './cache/persistence/persistent-token-cache.js';
export type { Persistence } from './cache/persistence/persistence.js';
export { DistributedTokenCache, type DistributedTokenCacheOptions } from './cache/distributed/distributed-token-cache.js';
export { RedisCacheStore, type RedisCacheStoreOptions } from './cache/distributed/redis-store.js';
export type { CacheAccessContext } from './cache/distributed/partition.js';
export type {
  DistributedCacheStore,
  PartitionRead,
  PartitionWrite,
  InvalidationListener,
} from './cache/distributed/store.js';
export { FilePersistence, type FilePersistenceOptions } from './cache/persistence/file-persistence.js';
export { EncryptedFilePersistence, type EncryptedFilePersistenceOptions } from './cache/persistence/keyring-persistence.js';
export {
  KeyringKeyStore,
  type KeyStore,
  type KeyringKeyStoreOptions,
  type KeyringEntry,
  type KeyringEntryFactory,
} from './cache/persistence/key-store.js';
export { createPersistence, type CreatePersistenceOptions } from './cache/persistence/create-persistence.js';
export { CrossProcessLock, type CrossProcessLockOptions, type HeldLock } from './cache/persistence/cross-process-lock.js';
export type {
  CredentialFields,
  AccessTokenEntry,
  RefreshTokenEntry,
  IdTokenEntry,
  AccountEntry,
  AppMetadataEntry,
  CacheSection,
  HomeAccountId,
  AuthorityType,
} from './cache/entries.js';

// Proof-of-Possession and SSH certificates.
export { PopAuthScheme, type PopAuthSchemeOptions } from './pop/pop-auth-scheme.js';
export { SshCertAuthScheme, type SshCertAuthSchemeOptions, type SshCertTokenParams } from './pop/ssh-cert.js';
export type { PopKeyStore, PopKey } from './pop/pop-key.js';
export { createFilePopKeyStore } from './pop/pop-key-file-store.js';
export type { Jwk, WebCryptoKey } from './pop/jwk.js';

// Interactive.
export type { BrowserLauncher } from './interactive/browser.js';
