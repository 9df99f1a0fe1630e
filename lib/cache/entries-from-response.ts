/**
 * Turns one token response into the cache entries MSAL writes for it. Pure:
 * TokenCache.add commits the result in one synchronous step.
 */
import { InvalidArgumentError } from '../errors.js';
import { homeAccountIdFrom } from '../oauth2/client-info.js';
import { decodePart } from '../oauth2/id-token.js';
import type { IdTokenClaims, TokenResponse } from '../oauth2/types.js';
import type {
  AccessTokenEntry,
  AccountEntry,
  AppMetadataEntry,
  AuthorityType,
  IdTokenEntry,
  RefreshTokenEntry,
} from './entries.js';
import { CredentialType } from './entries.js';
import { computeExtCacheKey } from './ext-cache-key.js';
import { cacheTarget } from './scopes.js';

/** What {@link TokenCache.add} caches: a token response and where it came from. */
export interface CacheAddEvent {
  clientId: string;
  /** Host the tokens are cached under: the authority's host, or the host of the refresh token being redeemed. */
  environment: string;
  /** Tenant of the authority that issued the tokens. */
  realm: string;
  scopes: readonly string[];
  response: TokenResponse;
  /**
   * The token request's parameters, as MSAL Python's event carries them: key_id
   * binds the AT to a key, the non-standard ones form its ext_cache_key, and
   * username names the account when the ID token does not (ROPC).
   */
  data?: Readonly<Record<string, string | undefined>>;
  /** Claims of an id token the caller already validated; otherwise decoded (not validated) from the response. */
  idTokenClaims?: IdTokenClaims | undefined;
  /** Overrides the home account id derived from client_info / sub. */
  homeAccountId?: string | null | undefined;
  authorityType?: AuthorityType | undefined;
  accountSource?: string | undefined;
  /** The broker's own id for the account, which later broker calls need (local_account_id). */
  localAccountId?: string | undefined;
  /** The account's username when neither the ID token nor data names it (federated ROPC). */
  username?: string | undefined;
  /** Overrides data.key_id. */
  keyId?: string | undefined;
  /** Overrides the ext_cache_key computed from data. */
  extCacheKey?: string | undefined;
  /**
   * A silent refresh: write no Account entry, so an account removed while the
   * request was in flight stays removed (MSAL Python's skip_account_creation).
   */
  skipAccountCreation?: boolean | undefined;
  /**
   * The cached RT this response's refresh_token replaces (a refresh): that entry
   * gets the new secret in place instead of a new entry being added.
   */
  replacesRefreshToken?: RefreshTokenEntry | undefined;
  /** Epoch seconds; defaults to the clock. */
  now?: number | undefined;
}

export interface ResponseEntries {
  homeAccountId: string | null;
  accessToken?: AccessTokenEntry;
  refreshToken?: RefreshTokenEntry;
  idToken?: IdTokenEntry;
  account?: AccountEntry;
  appMetadata: AppMetadataEntry;
}

/**
 * The ID token's claims, decoded but not validated (the facade validates before
 * it caches). Decoded as MSAL Python's decode_part does, tolerating padding and
 * the standard base64 alphabet, which jose's strict decoder rejects.
 */
function claimsOf(event: CacheAddEvent): IdTokenClaims | undefined {
  if (event.idTokenClaims) return event.idTokenClaims;
  const idToken = event.response.id_token;
  if (typeof idToken !== 'string' || !idToken) return undefined;
  const payload = idToken.split('.')[1];
  try {
    const claims: unknown = JSON.parse(decodePart(payload ?? ''));
    if (typeof claims === 'object' && claims !== null && !Array.isArray(claims)) return claims as IdTokenClaims;
  } catch (cause) {
    throw new InvalidArgumentError('response.id_token is not a JWT', { cause });
  }
  throw new InvalidArgumentError('response.id_token is not a JWT');
}

/** The fields add() writes on accounts and app metadata, each taken from the response alone, as MSAL Python does. */
const writtenFields = {
  Account: new Set(['home_account_id', 'environment', 'realm', 'local_account_id', 'username', 'authority_type', 'account_source', 'name']),
  AppMetadata: new Set(['client_id', 'environment', 'family_id']),
};

/**
 * What a rewrite of a stored account or app metadata entry carries over: the
 * fields add() never writes, which other SDKs added (e.g. MSAL Node's
 * client_info and tenantProfiles).
 */
export function carriedOver(section: keyof typeof writtenFields, stored: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(stored).filter(([field]) => !writtenFields[section].has(field)));
}

/**
 * Lifetimes beyond this (100 years, either way) are cut to it: every epoch we write must stay
 * plain digits, which our reader (and other SDKs') require; 1e21 would be written as "1e+21".
 */
const MAX_LIFETIME_SECONDS = 100 * 365 * 24 * 3600;

/** AADv1-like endpoints send numbers as strings. */
function seconds(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) return undefined;
  return Math.trunc(Math.min(MAX_LIFETIME_SECONDS, Math.max(-MAX_LIFETIME_SECONDS, n)));
}

/** The epoch `lifetime` seconds after `now`, as the digits the cache schema stores (a past one as 0 at the earliest). */
function epochAfter(now: number, lifetime: number): string {
  return String(Math.max(0, now + lifetime));
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function entriesFromResponse(event: CacheAddEvent, appOnlyHomeAccountId: null | ''): ResponseEntries {
  const { response, clientId, environment, realm } = event;
  if (!clientId || !environment) throw new InvalidArgumentError('clientId and environment are required to cache tokens');
  const now = Math.trunc(event.now ?? Date.now() / 1000);
  const claims = claimsOf(event);
  const homeAccountId = event.homeAccountId !== undefined ? event.homeAccountId : (homeAccountIdFrom(response, claims) ?? null);
  const credentialHid = homeAccountId ?? appOnlyHomeAccountId;
  const target = cacheTarget(event.scopes);
  const data = event.data ?? {};
  const out: ResponseEntries = {
    homeAccountId,
    appMetadata: { client_id: clientId, environment },
  };
  const foci = str(response.foci);
  if (foci) out.appMetadata.family_id = foci;

  const accessToken = str(response.access_token);
  if (accessToken) {
    // Managed identity sends an absolute expires_on; RFC 6749 suggests 600s when nothing is sent.
    const absolute = seconds(response['expires_on']);
    const expiresIn = seconds(response.expires_in) ?? (absolute !== undefined ? absolute - now : 600);
    const extExpiresIn = seconds(response.ext_expires_in) ?? expiresIn;
    const at: AccessTokenEntry = {
      credential_type: CredentialType.AccessToken,
      secret: accessToken,
      home_account_id: credentialHid,
      environment,
      client_id: clientId,
      realm,
      target,
      token_type: str(response.token_type) ?? 'Bearer',
      cached_at: String(now),
      expires_on: epochAfter(now, expiresIn),
      extended_expires_on: epochAfter(now, extExpiresIn),
    };
    const refreshIn = seconds(response.refresh_in);
    if (refreshIn !== undefined) at.refresh_on = epochAfter(now, refreshIn);
    const keyId = event.keyId ?? data['key_id'];
    if (keyId) at.key_id = keyId;
    const extCacheKey = event.extCacheKey ?? computeExtCacheKey(data);
    if (extCacheKey) at.ext_cache_key = extCacheKey;
    out.accessToken = at;
  }

  const refreshToken = str(response.refresh_token);
  if (refreshToken) {
    const rt: RefreshTokenEntry = {
      credential_type: CredentialType.RefreshToken,
      secret: refreshToken,
      home_account_id: credentialHid,
      environment,
      client_id: clientId,
      target,
      last_modification_time: String(now),
    };
    if (foci) rt.family_id = foci;
    out.refreshToken = rt;
  }

  const idToken = str(response.id_token);
  if (idToken) {
    out.idToken = {
      credential_type: CredentialType.IdToken,
      secret: idToken,
      home_account_id: credentialHid,
      environment,
      realm,
      client_id: clientId,
    };
  }

  // MSAL Python's rule: an account exists when client_info or an ID token names it.
  if (homeAccountId && (str(response.client_info) || claims) && !event.skipAccountCreation) {
    const c: Record<string, unknown> = claims ?? {};
    const account: AccountEntry = {
      home_account_id: homeAccountId,
      environment,
      realm,
      local_account_id: event.localAccountId ?? str(c['oid']) ?? str(c['sub']) ?? '',
      // The schema does not allow null here.
      username: str(c['preferred_username']) ?? str(c['upn']) ?? str(data['username']) ?? str(event.username) ?? '',
      authority_type: event.authorityType ?? (realm.toLowerCase() === 'adfs' ? 'ADFS' : 'MSSTS'),
    };
    const name = str(c['name']);
    if (name) account.name = name;
    if (event.accountSource) account.account_source = event.accountSource;
    out.account = account;
  }
  return out;
}
