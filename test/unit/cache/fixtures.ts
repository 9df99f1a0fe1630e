/** Realistic Entra token responses for cache tests (unsigned id tokens: the cache never verifies them). */
import type { TokenResponse } from '../../../lib/oauth2/types.js';

export const CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
export const ENV = 'login.microsoftonline.com';
export const ALIASES = ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'];
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export function idToken(claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
}

export interface UserOptions {
  uid?: string;
  utid?: string;
  tid?: string;
  username?: string;
  clientId?: string;
  now?: number;
  accessToken?: string;
  refreshToken?: string;
  foci?: string;
  expiresIn?: number;
  refreshIn?: number;
  scope?: string;
}

export function userResponse(o: UserOptions = {}): TokenResponse {
  const uid = o.uid ?? '9f4880d8-80ba-4c40-97bc-f7a23c703084';
  const utid = o.utid ?? TENANT;
  const now = o.now ?? Math.trunc(Date.now() / 1000);
  const r: TokenResponse = {
    token_type: 'Bearer',
    scope: o.scope ?? 'User.Read profile openid email',
    expires_in: o.expiresIn ?? 3599,
    ext_expires_in: (o.expiresIn ?? 3599) + 1000,
    access_token: o.accessToken ?? `at-${uid}`,
    refresh_token: o.refreshToken ?? `rt-${uid}`,
    id_token: idToken({
      aud: o.clientId ?? CLIENT_ID,
      iss: `https://login.microsoftonline.com/${o.tid ?? utid}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: 'Ada Lovelace',
      oid: uid,
      preferred_username: o.username ?? 'ada@contoso.com',
      sub: `sub-${uid}`,
      tid: o.tid ?? utid,
      ver: '2.0',
    }),
    client_info: b64url({ uid, utid }),
  };
  if (o.foci) r.foci = o.foci;
  if (o.refreshIn !== undefined) r.refresh_in = o.refreshIn;
  return r;
}

export const homeId = (uid = '9f4880d8-80ba-4c40-97bc-f7a23c703084', utid = TENANT) => `${uid}.${utid}`;
