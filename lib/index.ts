export * from './errors.js';
export type { HttpClient, HttpRequest, HttpResponse } from './http/types.js';
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
export type { AuthorityKind, AuthorityMetadata, ResolvedAuthority } from './authority/types.js';
export type { Logger, LogLevel, LoggerOptions } from './app/logger.js';
