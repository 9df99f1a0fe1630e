/**
 * Builds a large, valid unified-schema cache blob for benchmarks and scale
 * tests: N accounts, each with an AT, RT, id token and account entry, all
 * unexpired. Deterministic: the same options give the same bytes.
 */
import { createHash } from 'node:crypto';
import type { CacheSection } from '../lib/cache/entries.js';
import { entriesFromResponse } from '../lib/cache/entries-from-response.js';
import { cacheKey } from '../lib/cache/keys.js';

export interface GenerateCacheOptions {
  accounts: number;
  clientId: string;
  environment: string;
  realm: string;
  scopes: string[];
}

/** Fixed clock so output does not depend on when it runs; tokens live until 2100. */
const CACHED_AT = 1_700_000_000;
const EXPIRES_ON = 4_102_444_800;

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function guid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function generateCache(options: GenerateCacheOptions): string {
  const { accounts, clientId, environment, realm, scopes } = options;
  const tenantId = GUID_RE.test(realm) ? realm.toLowerCase() : guid(`tenant:${realm}`);
  const sections: Record<CacheSection, string[]> = {
    AccessToken: [],
    RefreshToken: [],
    IdToken: [],
    Account: [],
    AppMetadata: [],
  };
  const put = <S extends CacheSection>(section: S, entry: Parameters<typeof cacheKey<S>>[1]) => {
    sections[section].push(`${JSON.stringify(cacheKey(section, entry))}:${JSON.stringify(entry)}`);
  };

  for (let n = 0; n < accounts; n++) {
    const uid = guid(`user:${n}`);
    const username = `user${n}@example.test`;
    const claims = {
      iss: `https://${environment}/${tenantId}/v2.0`,
      sub: `sub-${uid}`,
      aud: clientId,
      exp: EXPIRES_ON,
      iat: CACHED_AT,
      oid: uid,
      tid: tenantId,
      preferred_username: username,
      name: `User ${n}`,
    };
    const built = entriesFromResponse(
      {
        clientId,
        environment,
        realm,
        scopes,
        now: CACHED_AT,
        idTokenClaims: claims,
        // Known already; saves decoding client_info back.
        homeAccountId: `${uid}.${tenantId}`,
        response: {
          access_token: `at-${n}-${uid}`,
          token_type: 'Bearer',
          expires_in: EXPIRES_ON - CACHED_AT,
          refresh_token: `rt-${n}-${uid}`,
          id_token: `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`,
          client_info: b64url({ uid, utid: tenantId }),
        },
      },
      '',
    );
    if (built.accessToken) put('AccessToken', built.accessToken);
    if (built.refreshToken) put('RefreshToken', built.refreshToken);
    if (built.idToken) put('IdToken', built.idToken);
    if (built.account) put('Account', built.account);
    if (n === 0) put('AppMetadata', built.appMetadata);
  }
  if (accounts === 0) put('AppMetadata', { client_id: clientId, environment });

  return `{${(Object.keys(sections) as CacheSection[]).map((s) => `"${s}":{${sections[s].join(',')}}`).join(',')}}`;
}
