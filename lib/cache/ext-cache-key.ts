/**
 * MSAL's extended cache key (`ext_cache_key`): tokens requested with extra,
 * non-standard request parameters (an FMI path, client claims, ...) are cached
 * apart from plain ones, under a hash of those parameters. The encoding is the
 * one the MSAL family converged on (MSAL Go, .NET and Python agree byte for
 * byte), so a token we cache is found by them and the other way round.
 */
import { createHash } from 'node:crypto';
import { compareCodePoints } from './scopes.js';

/**
 * Request parameters that never partition the cache: the protocol's own
 * (they are the same for every request of a kind, or are secrets) and the
 * ones the cache keys on anyway (key_id) or bypasses (a claims challenge).
 */
const EXCLUDED = new Set([
  'grant_type',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'client_info',
  'scope',
  'claims',
  'refresh_token',
  'code',
  'code_verifier',
  'redirect_uri',
  'username',
  'password',
  'assertion',
  'requested_token_use',
  'device_code',
  'key_id',
  'token_type',
  'req_cnf',
]);

/** `<utf-8 byte length>:<text>`: the lengths make the concatenation unambiguous. */
function lengthPrefixed(text: string): string {
  return `${Buffer.byteLength(text, 'utf8')}:${text}`;
}

/**
 * The ext_cache_key for a token request's parameters, or "" when none of them
 * partitions the cache. Non-empty string parameters outside the standard set
 * are sorted by name, length-prefixed, SHA-256 hashed, base64url encoded
 * (no padding) and lowercased.
 */
export function computeExtCacheKey(data: Readonly<Record<string, unknown>> | null | undefined): string {
  if (!data) return '';
  const parts = Object.entries(data)
    .filter((kv): kv is [string, string] => kv[0] !== '' && !EXCLUDED.has(kv[0]) && typeof kv[1] === 'string' && kv[1] !== '')
    .sort(([a], [b]) => compareCodePoints(a, b));
  if (parts.length === 0) return '';
  const encoded = parts.map(([k, v]) => lengthPrefixed(k) + lengthPrefixed(v)).join('');
  return createHash('sha256').update(encoded, 'utf8').digest('base64url').toLowerCase();
}
