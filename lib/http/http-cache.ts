/**
 * The store behind MSAL Python's `http_cache`: HTTP replies kept for a
 * per-entry lifetime, in a caller-supplied key/value store so that they may
 * outlive the process (the reference pickles its dict; callers persist ours).
 * ThrottledHttpClient decides what goes in and for how long.
 */
import type { HttpResponse } from './types.js';

/** Where cached replies live. A `Map<string, string>` qualifies; persist it to keep entries across runs. */
export interface HttpCacheStore {
  /** The stored value, or undefined. */
  get(key: string): string | undefined;
  /** Stores a value (each holds its own expiry). */
  set(key: string, value: string): void;
  /** Removes an expired or evicted entry; a store without it keeps them until overwritten. */
  delete?(key: string): void;
}

export interface ExpiringStoreOptions {
  /** Entries kept at most; a new one evicts the entry expiring soonest. The reference's 1024 by default. */
  capacity?: number | undefined;
  /** Epoch milliseconds; injectable for tests. */
  now?: (() => number) | undefined;
}

export const DEFAULT_HTTP_CACHE_CAPACITY = 1024;
const KEY_PREFIX = 'brokerbridge.http.v1 ';
/** Reserved key of the expiry index, which bounds the store without iterating it (a store may be a file). */
const INDEX_KEY = `${KEY_PREFIX}index`;

interface StoredReply {
  createdAt: number;
  expiresAt: number;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Store key for a cache key; namespaced so a shared store can hold other data too. */
export function storeKey(key: string): string {
  return KEY_PREFIX + key;
}

export class ExpiringStore {
  private readonly capacity: number;
  private readonly now: () => number;

  constructor(
    private readonly store: HttpCacheStore,
    options: ExpiringStoreOptions = {},
  ) {
    this.capacity = Math.max(1, options.capacity ?? DEFAULT_HTTP_CACHE_CAPACITY);
    this.now = options.now ?? Date.now;
  }

  /** A live, well-formed entry, or undefined. Expired, future-dated or unreadable entries count as misses and go. */
  get(key: string): HttpResponse | undefined {
    const k = storeKey(key);
    const raw = this.store.get(k);
    if (raw === undefined) return undefined;
    const entry = parseStoredReply(raw);
    const now = this.now();
    // An entry "created in the future" means the clock went back: trust neither it nor its expiry.
    if (entry && entry.createdAt <= now && now < entry.expiresAt) {
      return { status: entry.status, headers: { ...entry.headers }, body: entry.body };
    }
    this.remove(k);
    return undefined;
  }

  /** Keeps `reply` for `seconds`; zero or less keeps nothing. */
  set(key: string, reply: HttpResponse, seconds: number): void {
    if (!(seconds > 0)) return;
    const k = storeKey(key);
    const now = this.now();
    const entry: StoredReply = {
      createdAt: now,
      expiresAt: now + seconds * 1000,
      status: reply.status,
      headers: { ...reply.headers },
      body: reply.body,
    };
    const index = this.readIndex();
    for (const [name, expiresAt] of index) {
      if (expiresAt <= now) {
        index.delete(name);
        this.store.delete?.(name);
      }
    }
    if (!index.has(k)) {
      while (index.size >= this.capacity) {
        const soonest = [...index].reduce((a, b) => (b[1] < a[1] ? b : a));
        index.delete(soonest[0]);
        this.store.delete?.(soonest[0]);
      }
    }
    index.set(k, entry.expiresAt);
    this.store.set(k, JSON.stringify(entry));
    this.writeIndex(index);
  }

  private remove(k: string): void {
    this.store.delete?.(k);
    const index = this.readIndex();
    if (index.delete(k)) this.writeIndex(index);
  }

  private readIndex(): Map<string, number> {
    const index = new Map<string, number>();
    const raw = this.store.get(INDEX_KEY);
    if (raw === undefined) return index;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const [name, expiresAt] of Object.entries(parsed)) {
          if (typeof expiresAt === 'number' && name.startsWith(KEY_PREFIX)) index.set(name, expiresAt);
        }
      }
    } catch {
      // An unreadable index only costs us the bound on entries written before; start a new one.
    }
    return index;
  }

  private writeIndex(index: Map<string, number>): void {
    this.store.set(INDEX_KEY, JSON.stringify(Object.fromEntries(index)));
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
  const { createdAt, expiresAt, status, headers, body } = value as Record<string, unknown>;
  if (typeof createdAt !== 'number' || typeof expiresAt !== 'number') return undefined;
  if (typeof status !== 'number' || typeof body !== 'string') return undefined;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const cleanHeaders: Record<string, string> = {};
  for (const [name, v] of Object.entries(headers)) {
    if (typeof v !== 'string') return undefined;
    cleanHeaders[name] = v;
  }
  return { createdAt, expiresAt, status, headers: cleanHeaders, body };
}
