import type { ResolvedAuthority } from '../authority/types.js';
import type { RefreshTokenEntry } from '../cache/entries.js';
import type { TokenCache } from '../cache/token-cache.js';
import { IdTokenError, MalformedResponseError } from '../errors.js';
import { decodeIdToken } from '../oauth2/id-token.js';
import type {
  AcquireTokenResult,
  ErrorResponse,
  IdTokenClaims,
  TokenResponse,
  TokenResult,
} from '../oauth2/types.js';
import { isErrorResult } from '../oauth2/types.js';
import type { Logger } from './logger.js';

export interface FinishContext {
  clientId: string;
  authority: ResolvedAuthority;
  /** Scopes the request asked for; used as the cache target when the reply names none. */
  scopes: readonly string[];
  correlationId: string;
  cache: TokenCache;
  /** Receives ID token time warnings (MSAL Python logs them instead of failing). */
  logger?: Logger | undefined;
  /** Expected ID token nonce (auth code flows); null when the flow holds none, so no ID token can be trusted. */
  nonce?: string | null | undefined;
  /** max_age sent on the authorization request; auth_time is then required and checked. */
  maxAge?: number | undefined;
  /** The grant that established the account (MSAL Python's account_source), for the flows that establish one. */
  accountSource?: string | undefined;
  /** Names the account when the ID token does not (ROPC). */
  username?: string | undefined;
  localAccountId?: string | undefined;
  keyId?: string | undefined;
  extCacheKey?: string | undefined;
  /** Token type asked for (pop, ssh-cert); bound tokens are cached with key_id. */
  homeAccountId?: string | null | undefined;
  /** Claims already validated elsewhere (the broker's). */
  idTokenClaims?: IdTokenClaims | undefined;
  /** Where the reply came from; the broker's replies are shaped like the server's. */
  tokenSource?: 'identity_provider' | 'broker' | undefined;
  /** Cache the account and refresh token but not this access token. */
  skipAccessTokenCache?: boolean | undefined;
  /** Skip writing to the cache (e.g. a refresh token given by the caller for migration is still cached). */
  skipCache?: boolean | undefined;
  /** Host to cache under instead of the authority's: a refresh writes where the refresh token it redeemed lives. */
  environment?: string | undefined;
  /** A silent refresh: the cached RT it redeemed, which a rotated refresh_token replaces in place. */
  replacesRefreshToken?: RefreshTokenEntry | undefined;
  /** A silent refresh writes no Account entry, so an account removed meanwhile stays removed. */
  skipAccountCreation?: boolean | undefined;
  now?: number | undefined;
}

const authorityTypeOf = (a: ResolvedAuthority): 'MSSTS' | 'ADFS' | 'Generic' =>
  a.kind === 'adfs' ? 'ADFS' : a.kind === 'oidc' ? 'Generic' : 'MSSTS';

function withoutAccessToken({ access_token: _unused, ...rest }: TokenResponse): TokenResponse {
  return rest;
}

/** Server error replies become values carrying the correlation id. */
export function errorResult(response: ErrorResponse, correlationId: string): AcquireTokenResult {
  return { ...response, correlation_id: response.correlation_id ?? correlationId };
}

/**
 * The one place where a token endpoint reply becomes a result: ID token
 * validation, cache write, and the MSAL-shaped result (refresh_in handled,
 * token_source and id_token_claims added).
 */
export function finishTokenResponse(
  response: TokenResponse | ErrorResponse,
  ctx: FinishContext,
): AcquireTokenResult {
  if (isErrorResult(response)) return errorResult(response, ctx.correlationId);
  // A result always carries a token: an ID-token-only reply (an openid-only request to some providers) has none to give.
  if (typeof response.access_token !== 'string' || response.access_token === '') {
    throw new MalformedResponseError('The token reply carries no access_token');
  }
  const now = ctx.now ?? Math.floor(Date.now() / 1000);
  let claims: IdTokenClaims | undefined;
  if (ctx.idTokenClaims) {
    claims = ctx.idTokenClaims; // the broker validated and decoded it already
  } else if (typeof response.id_token === 'string' && response.id_token !== '') {
    if (ctx.nonce === null) throw new IdTokenError('Invalid ID token: the auth code flow holds no nonce to check it against');
    const logger = ctx.logger;
    claims = decodeIdToken(response.id_token, {
      clientId: ctx.clientId,
      issuer: ctx.authority.metadata.issuer,
      nonce: ctx.nonce,
      maxAge: ctx.maxAge,
      onTimeWarning: logger ? (message: string) => logger.log('warning', message) : undefined,
      now,
    });
  }
  if (!ctx.skipCache) {
    ctx.cache.add({
      clientId: ctx.clientId,
      environment: ctx.environment ?? ctx.authority.environment,
      realm: ctx.authority.tenant,
      scopes: typeof response.scope === 'string' && response.scope.trim() !== '' ? response.scope.split(' ') : ctx.scopes,
      response: ctx.skipAccessTokenCache ? withoutAccessToken(response) : response,
      idTokenClaims: claims,
      homeAccountId: ctx.homeAccountId,
      authorityType: authorityTypeOf(ctx.authority),
      accountSource: ctx.accountSource,
      username: ctx.username,
      localAccountId: ctx.localAccountId,
      keyId: ctx.keyId,
      extCacheKey: ctx.extCacheKey,
      replacesRefreshToken: ctx.replacesRefreshToken,
      skipAccountCreation: ctx.skipAccountCreation,
      now,
    });
  }
  const { refresh_in, ...rest } = response;
  const result: TokenResult = {
    ...rest,
    access_token: response.access_token,
    token_type: typeof response.token_type === 'string' ? response.token_type : 'Bearer',
    expires_in: Number(response.expires_in ?? 3600),
    token_source: ctx.tokenSource ?? 'identity_provider',
    correlation_id: ctx.correlationId,
  };
  if (typeof refresh_in === 'number') result.refresh_on = now + refresh_in;
  if (claims) result.id_token_claims = claims;
  return result;
}
