/**
 * Wire-level shapes. Keys stay as the server and MSAL send them (snake_case),
 * because callers port code from MSAL Python and compare keys verbatim.
 */

/** A successful token endpoint reply, as parsed from JSON. */
export interface TokenResponse {
  access_token?: string;
  token_type?: string;
  expires_in?: number;
  ext_expires_in?: number;
  refresh_in?: number;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
  scope?: string;
  foci?: string;
  [key: string]: unknown;
}

/** An OAuth2 error reply. Returned as a value, never thrown. */
export interface ErrorResponse {
  error: string;
  error_description?: string;
  error_codes?: number[];
  suberror?: string;
  correlation_id?: string;
  trace_id?: string;
  timestamp?: string;
  claims?: string;
  /** Seconds to wait, from Retry-After, where the server asked for it. */
  retry_after?: number;
  [key: string]: unknown;
}

export type TokenSource = 'identity_provider' | 'cache' | 'broker';

/** What acquire* methods resolve with when they succeed. */
export interface TokenResult {
  access_token: string;
  token_type: string;
  expires_in: number;
  ext_expires_in?: number;
  refresh_in?: number;
  refresh_on?: number;
  refresh_token?: string;
  id_token?: string;
  id_token_claims?: IdTokenClaims;
  client_info?: string;
  scope?: string;
  token_source: TokenSource;
  correlation_id?: string;
  [key: string]: unknown;
}

export interface ErrorResult extends ErrorResponse {
  error: string;
}

export type AcquireTokenResult = TokenResult | ErrorResult;

/** True for an OAuth error value (anything with a string `error`): results, replies, device flows. */
export function isErrorResult(r: object): r is ErrorResult {
  return typeof (r as { error?: unknown }).error === 'string';
}

export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nonce?: string;
  auth_time?: number;
  oid?: string;
  tid?: string;
  preferred_username?: string;
  name?: string;
  [key: string]: unknown;
}
