/**
 * Which partition of a distributed cache an entry or a call belongs to, so one
 * call reads and writes one partition: the user's home account id for user
 * flows, the incoming assertion's hash for on-behalf-of, and the tenant plus
 * client for app-only tokens. Entries and calls map through the same rules.
 */
import type { CacheSection } from '../entries.js';
import { normalizeHomeAccountId } from '../entries.js';

/** Which partition a public call touches; the application passes it to `beforeAccess`. */
export type CacheAccessContext =
  | { kind: 'user'; homeAccountId: string }
  | { kind: 'obo'; assertionHash: string }
  | { kind: 'app'; tenant: string; clientId: string };

export function partitionOfContext(c: CacheAccessContext): string {
  switch (c.kind) {
    case 'user':
      return userPartition(c.homeAccountId);
    case 'obo':
      return `o:${c.assertionHash}`;
    case 'app':
      return appPartition(c.tenant, c.clientId);
  }
}

const userPartition = (homeAccountId: string) => `u:${homeAccountId.toLowerCase()}`;
const appPartition = (tenant: string, clientId: string) => `a:${tenant.toLowerCase()}:${clientId.toLowerCase()}`;

/**
 * The partition an entry lives in; undefined for app metadata, which every
 * partition carries a copy of (it is tiny and each partition must stand alone).
 */
export function partitionOfEntry(section: CacheSection, entry: Record<string, unknown>): string | undefined {
  if (section === 'AppMetadata') return undefined;
  const home = normalizeHomeAccountId(entry.home_account_id as string | null | undefined);
  if (home === '') return appPartition(String(entry.realm ?? ''), String(entry.client_id ?? ''));
  // An OBO access token is the only user token cached per incoming assertion.
  if (section === 'AccessToken' && typeof entry.ext_cache_key === 'string' && entry.ext_cache_key !== '') {
    return `o:${entry.ext_cache_key}`;
  }
  return userPartition(home);
}
