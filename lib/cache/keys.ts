/**
 * Storage keys we write. Our readers never rely on them (they use the indexes of token-cache.ts), but
 * other libraries do: MSAL Python recomputes a key from an entry's fields before
 * it updates or removes that entry, so we write exactly MSAL Python's key shapes;
 * MSAL Node only checks that a key contains the client id, home account id,
 * realm and scopes it looks for, which these shapes also satisfy.
 */
import type {
  AccessTokenEntry,
  AccountEntry,
  AppMetadataEntry,
  CacheSection,
  IdTokenEntry,
  RefreshTokenEntry,
  SectionEntry,
} from './entries.js';
import { accessTokenKeyId } from './entries.js';

const part = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * MSAL Python's key, as the newest reference builds it: the credential type
 * segment is `atext` when the AT carries an ext_cache_key, whose hash then
 * follows the target; a key-bound (PoP, SSH certificate) AT gets its key_id
 * last, so it never overwrites a Bearer AT, or one bound to another key, for
 * the same scopes. The token type is not part of the key.
 */
export function accessTokenKey(e: AccessTokenEntry): string {
  const ext = part(e.ext_cache_key);
  const parts = [part(e.home_account_id), e.environment, ext ? 'atext' : 'AccessToken', e.client_id, e.realm, part(e.target)];
  if (ext) parts.push(ext);
  const keyId = accessTokenKeyId(e);
  if (keyId) parts.push(keyId);
  return parts.join('-').toLowerCase();
}

/** RTs are cross-tenant, so the realm slot stays empty; target may be absent when another SDK wrote it. */
export function refreshTokenKey(e: RefreshTokenEntry): string {
  return [part(e.home_account_id), e.environment, 'RefreshToken', e.client_id, '', part(e.target)]
    .join('-')
    .toLowerCase();
}

/** The trailing empty slot is the schema's (unused) target. */
export function idTokenKey(e: IdTokenEntry): string {
  return [part(e.home_account_id), e.environment, 'IdToken', e.client_id, e.realm, ''].join('-').toLowerCase();
}

export function accountKey(e: AccountEntry): string {
  return [e.home_account_id, e.environment, e.realm].join('-').toLowerCase();
}

/** Not lowercased: MSAL Python does not lowercase this one. MSAL Node requires the `appmetadata` prefix. */
export function appMetadataKey(e: AppMetadataEntry): string {
  return `appmetadata-${e.environment}-${e.client_id}`;
}

const keyMakers: { [S in CacheSection]: (e: SectionEntry[S]) => string } = {
  AccessToken: accessTokenKey,
  RefreshToken: refreshTokenKey,
  IdToken: idTokenKey,
  Account: accountKey,
  AppMetadata: appMetadataKey,
};

export function cacheKey<S extends CacheSection>(section: S, entry: SectionEntry[S]): string {
  return (keyMakers[section] as (e: SectionEntry[S]) => string)(entry);
}
