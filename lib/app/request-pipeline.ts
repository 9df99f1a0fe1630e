/**
 * The two steps every token flow of the facade is built from. MSAL Python spells
 * them out again in each acquire_token_* method; here a flow is its own logic
 * (which grant, which cache lookups, which fallbacks) between one prepare() and
 * one or more redeem() calls of ClientApplication.
 *
 * - prepare: what all requests of one public call share (correlation id, the
 *   resolved authority, the merged claims, the auth scheme's parameters).
 * - redeem: one trip to the token endpoint (telemetry, client and CCS headers,
 *   the grant) and the reply turned into a cached, MSAL-shaped result.
 */
import type { ResolvedAuthority } from '../authority/types.js';
import type { CacheRefreshReason, ApiId } from '../http/telemetry.js';
import type { GrantOptions } from '../oauth2/grants.js';
import type { ErrorResponse, TokenResponse } from '../oauth2/types.js';
import type { AuthScheme, PreparedAuthScheme } from './auth-scheme.js';
import type { FinishContext } from './token-result.js';

/** What a public call's options contribute to its context; every field may be absent. */
export interface CallOptions {
  correlationId?: string | undefined;
  claimsChallenge?: string | undefined;
  authScheme?: AuthScheme | undefined;
  /** Extra token request parameters (MSAL Python's `data`). */
  data?: Record<string, string> | undefined;
}

/** What every request of one public call shares. */
export interface CallContext {
  readonly correlationId: string;
  readonly authority: ResolvedAuthority;
  /** The caller's claims challenge merged with the app's client capabilities. */
  readonly claims: string | undefined;
  /** Extra token request parameters: the caller's `data` and the auth scheme's. */
  readonly extra: Record<string, string> | undefined;
  /** The key a bound token is cached under: the auth scheme's, or `data.key_id`. */
  readonly keyId: string | undefined;
  /** A PoP or SSH certificate scheme; its finalize() makes what the caller sends. */
  readonly scheme: PreparedAuthScheme | undefined;
}

/** How a redeemed reply is cached, beyond what the app and the context supply. */
export type RedemptionCaching = Omit<FinishContext, 'clientId' | 'cache' | 'logger' | 'authority' | 'scopes' | 'correlationId' | 'keyId'>;

/** One trip to the token endpoint. */
export interface Redemption {
  /** The public API the request is reported under (server-side telemetry). */
  apiId: ApiId;
  /** Scopes the caller asked for: where the token is cached when the reply names none. */
  scopes: readonly string[];
  /** Sends the grant to the endpoint, with the headers, body extras and signal it is given. */
  grant(tokenEndpoint: string, transport: GrantOptions): Promise<TokenResponse | ErrorResponse>;
  /** CCS routing headers naming the user, when the flow knows who it is for. */
  routing?: Record<string, string> | undefined;
  /** Why a cached token was not good enough, for the reference's telemetry. */
  refreshReason?: CacheRefreshReason | undefined;
  /** Another token endpoint than the authority's (a regional one). */
  tokenEndpoint?: string | undefined;
  signal?: AbortSignal | undefined;
  caching?: RedemptionCaching | undefined;
}
