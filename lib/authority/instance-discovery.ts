/**
 * Entra instance discovery: validates an unknown host and tells which hosts
 * are aliases of the same cloud (so cached tokens are found across them).
 */
import { DiscoveryError } from '../errors.js';
import type { HttpClient } from '../http/types.js';
import type { CloudAliases } from './clouds.js';
import { AZURE_PUBLIC, isWellKnownHost } from './clouds.js';
import { getJson, httpError } from './fetch-json.js';
import { parseSecureUrl } from './secure-url.js';

const INSTANCE_DISCOVERY_PATH = '/common/discovery/instance';

export type InstanceDiscoveryOutcome =
  | { kind: 'found'; cloud: CloudAliases }
  /** The reply is valid but does not list the host; it is its own cloud. */
  | { kind: 'unlisted' }
  | { kind: 'invalid_instance'; description: string };

/**
 * Base URL of the instance discovery endpoint. A well-known host discovers
 * from itself (sovereign clouds answer for their own aliases); anything else
 * asks the public cloud. `override` may be a host, an origin or a full URL.
 */
export function instanceDiscoveryBase(host: string, override: string | undefined, allowHttpLoopback: boolean): string {
  if (override === undefined) {
    return `https://${isWellKnownHost(host) ? host : AZURE_PUBLIC}${INSTANCE_DISCOVERY_PATH}`;
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(override) ? override : `https://${override}`;
  const url = parseSecureUrl(withScheme, 'instanceDiscoveryEndpoint', allowHttpLoopback);
  if (url.pathname === '/' || url.pathname === '') url.pathname = INSTANCE_DISCOVERY_PATH;
  url.search = '';
  url.hash = '';
  return url.href;
}

export function instanceDiscoveryUrl(base: string, canonicalAuthority: string): string {
  const url = new URL(base);
  url.searchParams.set('api-version', '1.1');
  url.searchParams.set('authorization_endpoint', `${canonicalAuthority.replace(/\/+$/, '')}/oauth2/v2.0/authorize`);
  return url.href;
}

/** Interprets an instance discovery reply (from the network or given up front) for `host`. */
export function interpretInstanceDiscovery(reply: Record<string, unknown>, host: string, source: string): InstanceDiscoveryOutcome {
  if (typeof reply.error === 'string') {
    const description = typeof reply.error_description === 'string' ? reply.error_description : reply.error;
    if (reply.error === 'invalid_instance') return { kind: 'invalid_instance', description };
    throw new DiscoveryError(`Instance discovery from ${source} returned error "${reply.error}": ${description.slice(0, 200)}`);
  }
  const metadata = reply.metadata;
  if (!Array.isArray(metadata)) {
    throw new DiscoveryError(`Instance discovery from ${source} has no "metadata" array`);
  }
  const h = host.toLowerCase();
  for (const entry of metadata) {
    const cloud = toCloud(entry);
    if (!cloud) throw new DiscoveryError(`Instance discovery from ${source} has a malformed metadata entry: ${JSON.stringify(entry)?.slice(0, 200)}`);
    if (cloud.aliases.includes(h)) return { kind: 'found', cloud };
  }
  return { kind: 'unlisted' };
}

export async function fetchInstanceDiscovery(http: HttpClient, url: string, host: string): Promise<InstanceDiscoveryOutcome> {
  const reply = await getJson(http, url, 'Instance discovery');
  // Entra answers an unknown instance with HTTP 400 and a JSON error; that is a verdict, not a failure.
  const isVerdict = reply.json.error === 'invalid_instance';
  if ((reply.status < 200 || reply.status >= 300) && !isVerdict) throw httpError('Instance discovery', url, reply);
  return interpretInstanceDiscovery(reply.json, host, url);
}

function toCloud(entry: unknown): CloudAliases | undefined {
  if (entry === null || typeof entry !== 'object') return undefined;
  const e = entry as Record<string, unknown>;
  const aliases = e.aliases;
  if (!Array.isArray(aliases) || aliases.length === 0 || !aliases.every((a): a is string => typeof a === 'string')) return undefined;
  const lower = aliases.map((a) => a.toLowerCase());
  const first = lower[0] as string;
  const preferredNetwork = typeof e.preferred_network === 'string' ? e.preferred_network.toLowerCase() : first;
  const preferredCache = typeof e.preferred_cache === 'string' ? e.preferred_cache.toLowerCase() : preferredNetwork;
  return { preferredNetwork, preferredCache, aliases: lower };
}
