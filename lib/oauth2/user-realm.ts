/**
 * User realm discovery: asks Entra ID whether a username's domain is managed
 * in the cloud or federated to an on-premises server (ADFS), and where that
 * server's WS-Trust metadata lives. ADFS authorities have no such endpoint;
 * callers skip this step for them.
 */
import { DiscoveryError, InvalidArgumentError, MalformedResponseError } from '../errors.js';
import { newCorrelationId } from '../http/correlation.js';
import type { HttpClient } from '../http/types.js';

export type AccountType = 'Managed' | 'Federated' | 'Unknown';

/** The discovery reply; keys as the server sends them. */
export interface UserRealm {
  account_type: AccountType;
  federation_protocol?: string;
  federation_metadata_url?: string;
  federation_active_auth_url?: string;
  cloud_audience_urn?: string;
  domain_name?: string;
  [key: string]: unknown;
}

export interface UserRealmOptions {
  /** Extra request headers, sent verbatim. */
  headers?: Record<string, string> | undefined;
  /** Sent as client-request-id unless `headers` already holds one; a fresh id otherwise. */
  correlationId?: string | undefined;
  signal?: AbortSignal | undefined;
}

const ACCOUNT_TYPES: readonly string[] = ['Managed', 'Federated', 'Unknown'] satisfies AccountType[];
const OPTIONAL_STRING_KEYS = [
  'federation_protocol',
  'federation_metadata_url',
  'federation_active_auth_url',
  'cloud_audience_urn',
  'domain_name',
] as const;

/**
 * Hosts that answered user realm discovery with 404, which the reference
 * remembers for the life of the process (a class attribute there): such a host
 * has no endpoint, so asking again only costs a round trip.
 */
const hostsWithoutUserRealm = new Set<string>();

/** The hosts remembered as having no user realm endpoint (lower-cased, with port). */
export const hostsWithoutUserRealmDiscovery: ReadonlySet<string> = hostsWithoutUserRealm;

/** Tests only: forget every remembered 404, as the reference's tests reset its set. */
export function forgetHostsWithoutUserRealmDiscovery(): void {
  hostsWithoutUserRealm.clear();
}

/** `<host>/common/userrealm/<username>?api-version=1.0`; host includes the scheme. */
export function userRealmUrl(host: string, username: string): string {
  let base: URL;
  try {
    base = new URL(host);
  } catch (e) {
    throw new InvalidArgumentError(`The host ${host} is not a URL with a scheme`, { cause: e });
  }
  if (username.trim() === '') throw new InvalidArgumentError('The username is empty');
  return `${base.origin}/common/userrealm/${encodeURIComponent(username)}?api-version=1.0`;
}

/**
 * A host without the endpoint (HTTP 404) yields account_type Unknown, which
 * leads the caller to the plain username/password grant, as MSAL does; the
 * host is remembered and not asked again.
 */
export async function discoverUserRealm(
  http: HttpClient,
  host: string,
  username: string,
  options: UserRealmOptions = {},
): Promise<UserRealm> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'client-request-id')) {
    headers['client-request-id'] = options.correlationId ?? newCorrelationId();
  }
  const url = userRealmUrl(host, username);
  const hostKey = new URL(url).host;
  if (hostsWithoutUserRealm.has(hostKey)) return { account_type: 'Unknown' };
  const response = await http.send({ method: 'GET', url, headers, signal: options.signal });
  if (response.status === 404) {
    hostsWithoutUserRealm.add(hostKey);
    return { account_type: 'Unknown' };
  }
  if (response.status < 200 || response.status >= 300) {
    throw new DiscoveryError(`User realm discovery failed with HTTP ${response.status}`);
  }
  return parseUserRealm(response.body, response.status);
}

export function parseUserRealm(body: string, status?: number): UserRealm {
  const malformed = (why: string): never => {
    throw new MalformedResponseError(`The user realm reply ${why}`, { status, body });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    return malformed(`is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return malformed('is not a JSON object');
  const realm: Record<string, unknown> = { ...parsed };
  const accountType = realm['account_type'];
  if (typeof accountType !== 'string') return malformed('has no account_type');
  for (const key of OPTIONAL_STRING_KEYS) {
    // Absent and null mean the same thing here; keep callers' checks to `=== undefined`.
    if (realm[key] === null) delete realm[key];
    else if (realm[key] !== undefined && typeof realm[key] !== 'string') malformed(`has a non-string ${key}`);
  }
  // A type this library does not know cannot be acted on; Unknown routes the caller to the plain grant.
  return { ...realm, account_type: ACCOUNT_TYPES.includes(accountType) ? (accountType as AccountType) : 'Unknown' };
}
