/** OpenID Provider metadata: fetched from the well-known document or given up front, then checked. */
import { DiscoveryError } from '../errors.js';
import type { HttpClient } from '../http/types.js';
import { getJson, httpError } from './fetch-json.js';
import { parseSecureUrl } from './secure-url.js';
import type { AuthorityMetadata } from './types.js';

const REQUIRED = ['issuer', 'authorization_endpoint', 'token_endpoint'] as const;
/** Endpoints that receive secrets or codes, so they get the same scheme rule as the authority. */
const SECURED = ['authorization_endpoint', 'token_endpoint', 'device_authorization_endpoint', 'end_session_endpoint', 'jwks_uri'] as const;

/**
 * Checks a metadata document and substitutes `{tenant}` (some clouds publish
 * templated endpoints). `makeError` distinguishes a bad server reply from bad caller input.
 */
export function normalizeMetadata(
  raw: unknown,
  tenant: string,
  allowHttpLoopback: boolean,
  source: string,
  makeError: (message: string, cause?: unknown) => Error,
): AuthorityMetadata {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw makeError(`Authority metadata from ${source} is not a JSON object`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    out[key] = typeof value === 'string' ? value.replaceAll('{tenant}', tenant) : value;
  }
  for (const key of REQUIRED) {
    if (typeof out[key] !== 'string' || out[key] === '') {
      throw makeError(`Authority metadata from ${source} lacks "${key}"`);
    }
  }
  for (const key of SECURED) {
    const value = out[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw makeError(`Authority metadata from ${source} has a non-string "${key}"`);
    parseSecureUrl(value, `"${key}" in authority metadata from ${source}`, allowHttpLoopback, makeError);
  }
  return out as AuthorityMetadata;
}

export async function fetchTenantMetadata(
  http: HttpClient,
  url: string,
  tenant: string,
  allowHttpLoopback: boolean,
): Promise<AuthorityMetadata> {
  const reply = await getJson(http, url, 'Tenant discovery');
  if (reply.status < 200 || reply.status >= 300) throw httpError('Tenant discovery', url, reply);
  return normalizeMetadata(reply.json, tenant, allowHttpLoopback, url, (m, cause) => new DiscoveryError(m, { cause }));
}
