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

/** Where a result's token came from: the token endpoint, this app's cache, or the OS broker. */
export type TokenSource = 'identity_provider' | 'cache' | 'broker';

/** What acquire* methods resolve with when they succeed. */
export interface TokenResult {
  /** The token to send to the resource: `Authorization: <token_type> <access_token>`. */
  access_token: string;
  /** 'Bearer', 'pop' (Proof-of-Possession) or 'ssh-cert'. */
  token_type: string;
  /** Seconds until the access token expires. */
  expires_in: number;
  ext_expires_in?: number;
  refresh_in?: number;
  /** Epoch seconds after which a silent call refreshes the token early (when the server sent refresh_in). */
  refresh_on?: number;
  refresh_token?: string;
  id_token?: string;
  /** The validated claims of the ID token, when a user signed in. */
  id_token_claims?: IdTokenClaims;
  client_info?: string;
  /** The scopes granted, space-separated. */
  scope?: string;
  /** Where the token came from. */
  token_source: TokenSource;
  /** The id the requests of this call carried. */
  correlation_id?: string;
  [key: string]: unknown;
}

/** What acquire* methods resolve with when the server (or broker) refused: the OAuth error reply, plus correlation_id. */
export interface ErrorResult extends ErrorResponse {
  error: string;
}

/**
 * What acquire* methods resolve with: a token, or the server's refusal as a value.
 *
 * @example
 * ```ts
 * const r: AcquireTokenResult = await app.acquireTokenInteractive(['User.Read']);
 * if (isErrorResult(r)) console.error(r.error, r.error_description);
 * else console.log(r.access_token);
 * ```
 */
export type AcquireTokenResult = TokenResult | ErrorResult;

/** True for an OAuth error value (anything with a string `error`): results, replies, device flows. */
export function isErrorResult(r: object): r is ErrorResult {
  return typeof (r as { error?: unknown }).error === 'string';
}

/** The claims of an ID token (OIDC Core 2), Entra's included; other claims pass through. */
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
