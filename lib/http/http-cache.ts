/**
 * The equivalent of MSAL Python's `http_cache`: discovery documents change
 * rarely, so their successful replies are kept (optionally across process
 * runs, through a caller-persisted store) and reused instead of refetched.
 */
import { createHash } from 'node:crypto';
import type { HttpClient, HttpRequest, HttpResponse } from './types.js';

/** Where cached replies live. A `Map<string, string>` qualifies; persist it to keep entries across runs. */
export interface HttpCacheStore {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete?(key: string): void;
}

export interface CachingHttpClientOptions {
  /** Default 24 hours. */
  ttlSeconds?: number;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
}

export const DEFAULT_HTTP_CACHE_TTL_SECONDS = 24 * 3600;
const KEY_PREFIX = 'brokerbridge.http.v1 ';

/** The GET endpoints whose replies are stable enough to cache: OIDC metadata, instance discovery, user realm, WS-Trust MEX. */
export function isDiscoveryUrl(url: string): boolean {
  let path: string;
  try {
    path = new URL(url).pathname.toLowerCase();
  } catch {
    return false;
  }
  return (
    path.endsWith('/.well-known/openid-configuration') ||
    path.endsWith('/discovery/instance') ||
    path.includes('/common/userrealm/') ||
    path.endsWith('/mex')
  );
}

/**
 * Store key for a URL. Hashed because user-realm URLs hold the user name, and
 * the store may be written to disk by the caller.
 */
export function httpCacheKey(url: string): string {
  return KEY_PREFIX + 'GET ' + createHash('sha256').update(url).digest('hex');
}

interface StoredReply {
  expiresAt: number;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class CachingHttpClient implements HttpClient {
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly inner: HttpClient,
    private readonly store: HttpCacheStore,
    options: CachingHttpClientOptions = {},
  ) {
    this.ttlMs = (options.ttlSeconds ?? DEFAULT_HTTP_CACHE_TTL_SECONDS) * 1000;
    this.now = options.now ?? Date.now;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    if (request.method !== 'GET' || !isDiscoveryUrl(request.url)) return this.inner.send(request);
    const key = httpCacheKey(request.url);
    const stored = this.read(key);
    if (stored) return { status: stored.status, headers: { ...stored.headers }, body: stored.body };

    const response = await this.inner.send(request);
    if (response.status >= 200 && response.status < 300 && this.ttlMs > 0) {
      const entry: StoredReply = {
        expiresAt: this.now() + this.ttlMs,
        status: response.status,
        headers: response.headers,
        body: response.body,
      };
      this.store.set(key, JSON.stringify(entry));
    }
    return response;
  }

  /** A live, well-formed entry, or undefined. Anything unreadable counts as a miss and is dropped. */
  private read(key: string): StoredReply | undefined {
    const raw = this.store.get(key);
    if (raw === undefined) return undefined;
    const entry = parseStoredReply(raw);
    if (entry && entry.expiresAt > this.now()) return entry;
    this.store.delete?.(key);
    return undefined;
  }
}

function parseStoredReply(raw: string): StoredReply | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { expiresAt, status, headers, body } = value as Record<string, unknown>;
  if (typeof expiresAt !== 'number' || typeof status !== 'number' || typeof body !== 'string') return undefined;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const cleanHeaders: Record<string, string> = {};
  for (const [name, v] of Object.entries(headers)) {
    if (typeof v !== 'string') return undefined;
    cleanHeaders[name] = v;
  }
  return { expiresAt, status, headers: cleanHeaders, body };
}
