/**
 * Client-side throttling, as the reference MSAL does it: replies that tell us
 * to back off are replayed locally for a while, so that a busy app cannot
 * hammer a struggling (or already-refusing) token service.
 */
import { createHash } from 'node:crypto';
import type { HttpClient, HttpRequest, HttpResponse } from './types.js';

export interface ThrottledHttpClientOptions {
  /** How long an invalid_grant / interaction_required reply to a silent refresh is replayed (public 60, confidential 5). */
  defaultThrottleSeconds: number;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
  /** Upper bound on remembered replies. Default 1024. */
  maxEntries?: number;
}

/** Used when a 429/5xx reply carries no (or an unreadable) Retry-After. */
export const DEFAULT_RETRY_AFTER_SECONDS = 60;
export const MAX_RETRY_AFTER_SECONDS = 3600;
const DEFAULT_MAX_ENTRIES = 1024;

/** Parameters that differ between otherwise identical requests (fresh ids, freshly signed assertions). */
const VOLATILE_PARAMS = new Set(['client_assertion', 'client-request-id', 'client_request_id', 'correlation_id']);
/** Headers that differ between otherwise identical requests (compared lower-cased). */
const VOLATILE_HEADERS = new Set([
  'client-request-id',
  'x-ms-client-request-id',
  'x-ms-correlation-id',
  'x-client-current-telemetry',
  'x-client-last-telemetry',
]);
const SILENT_GRANT_ERRORS = new Set(['invalid_grant', 'interaction_required']);

/**
 * What makes two requests "the same" for throttling: method, URL and body
 * with volatile parts removed, plus the remaining headers. Everything but the
 * method and the URL's origin and path is hashed, so refresh tokens and
 * secrets never sit in the table in clear.
 */
export function throttleKey(request: HttpRequest): string {
  const url = parseUrl(request.url);
  let location = request.url;
  let query = '';
  if (url) {
    location = `${url.origin}${url.pathname}`;
    query = canonicalParams(url.searchParams);
  }
  const headers = Object.entries(request.headers ?? {})
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .filter(([name]) => !VOLATILE_HEADERS.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const form = formBody(request);
  const body = form ? canonicalParams(form) : (request.body ?? '');
  const digest = createHash('sha256').update(JSON.stringify([query, headers, body])).digest('hex');
  return `${request.method} ${location} ${digest}`;
}

/**
 * Seconds a Retry-After value asks for: delta-seconds or an HTTP-date.
 * Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10);
  // Every HTTP-date form starts with a day name; Date.parse alone would accept "-5" as a year.
  const when = /^[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, Math.ceil((when - nowMs) / 1000));
}

/** How long to replay this reply to this request; 0 means not at all. */
export function throttleSeconds(
  request: HttpRequest,
  response: HttpResponse,
  defaultThrottleSeconds: number,
  nowMs: number,
): number {
  const retryAfter = response.headers['retry-after'];
  if (response.status === 429 || response.status >= 500 || retryAfter !== undefined) {
    const seconds = parseRetryAfter(retryAfter, nowMs) ?? DEFAULT_RETRY_AFTER_SECONDS;
    return Math.min(MAX_RETRY_AFTER_SECONDS, seconds);
  }
  if (isRejectedSilentRefresh(request, response)) return Math.max(0, defaultThrottleSeconds);
  return 0;
}

interface Remembered {
  expiresAt: number;
  response: HttpResponse;
}

export class ThrottledHttpClient implements HttpClient {
  private readonly entries = new Map<string, Remembered>();
  private readonly now: () => number;
  private readonly maxEntries: number;

  constructor(
    private readonly inner: HttpClient,
    private readonly options: ThrottledHttpClientOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
  }

  /** Number of replies currently remembered (expired ones may linger until the next write). */
  get size(): number {
    return this.entries.size;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const key = throttleKey(request);
    const remembered = this.entries.get(key);
    if (remembered) {
      if (remembered.expiresAt > this.now()) return copyResponse(remembered.response);
      this.entries.delete(key);
    }
    const response = await this.inner.send(request);
    const now = this.now();
    const seconds = throttleSeconds(request, response, this.options.defaultThrottleSeconds, now);
    if (seconds > 0) this.remember(key, { expiresAt: now + seconds * 1000, response: copyResponse(response) }, now);
    return response;
  }

  private remember(key: string, entry: Remembered, now: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      for (const [k, v] of this.entries) if (v.expiresAt <= now) this.entries.delete(k);
    }
    // Still full of live entries: drop the oldest, which expire soonest in practice.
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, entry);
  }
}

function isRejectedSilentRefresh(request: HttpRequest, response: HttpResponse): boolean {
  if (request.method !== 'POST' || response.status !== 400) return false;
  if (formBody(request)?.get('grant_type') !== 'refresh_token') return false;
  try {
    const parsed: unknown = JSON.parse(response.body);
    const error = (parsed as { error?: unknown } | null)?.error;
    return typeof error === 'string' && SILENT_GRANT_ERRORS.has(error);
  } catch {
    return false;
  }
}

/** The request body as form parameters, when it is a form. */
function formBody(request: HttpRequest): URLSearchParams | undefined {
  if (request.body === undefined) return undefined;
  const contentType = Object.entries(request.headers ?? {}).find(([n]) => n.toLowerCase() === 'content-type')?.[1];
  const isForm =
    contentType !== undefined
      ? contentType.toLowerCase().includes('application/x-www-form-urlencoded')
      : !/^\s*[[{<]/.test(request.body);
  return isForm ? new URLSearchParams(request.body) : undefined;
}

function canonicalParams(params: URLSearchParams): string {
  const kept = [...params].filter(([name]) => !VOLATILE_PARAMS.has(name));
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new URLSearchParams(kept).toString();
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function copyResponse(r: HttpResponse): HttpResponse {
  return { status: r.status, headers: { ...r.headers }, body: r.body };
}
