import { MalformedResponseError } from '../errors.js';
import type { TokenResponse } from './types.js';

export interface ClientInfo {
  /** The user's object id in their home tenant. */
  uid: string;
  /** The home tenant id. */
  utid: string;
}

/** Decodes Entra's base64url `client_info` ({"uid","utid"}). */
export function parseClientInfo(b64url: string): ClientInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(b64url, 'base64url').toString('utf8'));
  } catch (e) {
    throw new MalformedResponseError('client_info is not base64url-encoded JSON', { cause: e });
  }
  const { uid, utid } = (parsed ?? {}) as { uid?: unknown; utid?: unknown };
  if (typeof uid !== 'string' || typeof utid !== 'string' || uid === '' || utid === '') {
    throw new MalformedResponseError('client_info lacks uid/utid');
  }
  return { uid, utid };
}

/**
 * The cache's home_account_id: `uid.utid` from client_info (Entra), else the ID token's
 * `sub` (other OIDC providers, ADFS). Undefined for app-only tokens.
 */
export function homeAccountIdFrom(response: TokenResponse, idTokenClaims?: { sub?: unknown }): string | undefined {
  if (typeof response.client_info === 'string' && response.client_info !== '') {
    const { uid, utid } = parseClientInfo(response.client_info);
    return `${uid}.${utid}`;
  }
  return typeof idTokenClaims?.sub === 'string' ? idTokenClaims.sub : undefined;
}
