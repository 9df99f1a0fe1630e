/**
 * Client-side throttling and HTTP caching, as MSAL Python's ThrottledHttpClient
 * does them: replies that tell us to back off are replayed locally for a while,
 * so that a busy app cannot hammer a struggling (or already-refusing) token
 * service, and discovery documents are fetched once a day.
 *
 * Three layers, each remembering replies under its own key:
 * - POST answered 429, 5xx or with any Retry-After: replayed for Retry-After
 *   seconds to every request with the same URL, client_id, scope and refresh
 *   token (the reference's approximation of "the same account");
 * - POST answered exactly 400 without Retry-After: replayed for 60 s to the
 *   identical request (same URL and body), except device-code polling, whose
 *   repeated 400s are the protocol;
 * - GET answered 2xx: kept for 24 h.
 * Keys are hashed, so no refresh token, user name or secret sits in a store
 * the caller may write to disk.
 */
import { createHash } from 'node:crypto';
import { ExpiringStore, type HttpCacheStore } from './http-cache.js';
import type { HttpClient, HttpRequest, HttpResponse } from './types.js';

export interface ThrottledHttpClientOptions {
  /**
   * Seconds to replay a 429/5xx reply that names no readable Retry-After. The reference
   * uses 60 for public clients and 5 for confidential ones; 5 when not given.
   */
  defaultThrottleSeconds?: number | undefined;
  /** Where remembered replies live (MSAL Python's `http_cache`); in memory by default. */
  store?: HttpCacheStore | undefined;
  /** Epoch milliseconds; injectable for tests. */
  now?: (() => number) | undefined;
  /** Upper bound on remembered replies. Default 1024. */
  maxEntries?: number | undefined;
}

/** The reference's default when the application names none. */
export const DEFAULT_THROTTLE_SECONDS = 5;
export const MAX_RETRY_AFTER_SECONDS = 3600;
/** How long an exact-400 reply to a POST is replayed (the reference's "UI required cache"). */
export const BAD_REQUEST_REPLAY_SECONDS = 60;
/** How long a 2xx reply to a GET is kept. */
export const GET_CACHE_SECONDS = 24 * 3600;
const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * Seconds a Retry-After value asks for: delta-seconds or an HTTP-date.
 * Undefined when absent or unreadable; at most MAX_RETRY_AFTER_SECONDS. (The transport's retry and error
 * results use this; throttling reads delta-seconds only, as the reference does.)
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  // Capped like the throttling layer's replay: a server asking for 1e20 seconds gets an hour.
  if (/^\d+$/.test(text)) return Math.min(MAX_RETRY_AFTER_SECONDS, Number.parseInt(text, 10));
  // Every HTTP-date form starts with a day name; Date.parse alone would accept "-5" as a year.
  const when = /^[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(when)) return undefined;
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Math.ceil((when - nowMs) / 1000)));
}

/** A header by name, whatever case a custom client used; tolerates a reply without headers. */
function headerOf(response: HttpResponse, name: string): string | undefined {
  const headers = (response.headers ?? {}) as Record<string, string | undefined>;
  const found = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return found === undefined ? undefined : headers[found];
}

/**
 * How long the reference replays a reply to a POST because of 429/5xx/Retry-After:
 * 0 when none of those applies. Retry-After must be whole seconds (Entra sends
 * nothing else); anything else means `defaultSeconds`. A negative value keeps nothing.
 */
export function retryAfterThrottleSeconds(response: HttpResponse, defaultSeconds: number): number {
  const retryAfter = headerOf(response, 'retry-after');
  if (!(response.status === 429 || response.status >= 500 || retryAfter !== undefined)) return 0;
  const seconds = retryAfter !== undefined && /^\s*[+-]?\d+\s*$/.test(retryAfter) ? Number.parseInt(retryAfter, 10) : defaultSeconds;
  return Math.min(MAX_RETRY_AFTER_SECONDS, seconds);
}

/** The request body as form parameters, when it is a form (token requests are). */
function formBody(request: HttpRequest): URLSearchParams | undefined {
  if (request.body === undefined) return undefined;
  const contentType = Object.entries(request.headers ?? {}).find(([n]) => n.toLowerCase() === 'content-type')?.[1];
  const isForm =
    contentType !== undefined
      ? contentType.toLowerCase().includes('application/x-www-form-urlencoded')
      : !/^\s*[[{<]/.test(request.body);
  return isForm ? new URLSearchParams(request.body) : undefined;
}

const digest = (parts: unknown[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/** The three keys a request is remembered under; see the module comment. */
export function throttleKeys(request: HttpRequest): { retryAfter: string; badRequest: string; get: string } {
  const form = formBody(request);
  const field = (name: string): string | null => form?.get(name) ?? null;
  return {
    retryAfter: `POST 429/5xx/Retry-After ${digest([request.url, field('client_id'), field('scope'), field('refresh_token')])}`,
    // Literally all parameters, short-lived ones (assertions, timestamps) included: such entries simply expire.
    badRequest: `POST 400 ${digest([request.url, request.body ?? ''])}`,
    get: `GET 2xx ${digest([request.url])}`,
  };
}

/** Only what throttling needs survives in the store: status, body and Retry-After. */
function normalize(response: HttpResponse): HttpResponse {
  const retryAfter = headerOf(response, 'retry-after');
  return {
    status: response.status,
    headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
    body: response.body,
  };
}

export class ThrottledHttpClient implements HttpClient {
  /** The unthrottled client; wrapping a ThrottledHttpClient wraps its client instead, so layers never nest. */
  readonly httpClient: HttpClient;
  private readonly entries: ExpiringStore;
  private readonly defaultThrottleSeconds: number;

  constructor(inner: HttpClient, options: ThrottledHttpClientOptions = {}) {
    this.httpClient = inner instanceof ThrottledHttpClient ? inner.httpClient : inner;
    this.entries = new ExpiringStore(options.store ?? new Map<string, string>(), {
      capacity: options.maxEntries,
      now: options.now,
    });
    this.defaultThrottleSeconds = options.defaultThrottleSeconds || DEFAULT_THROTTLE_SECONDS;
  }

  send(request: HttpRequest): Promise<HttpResponse> {
    const keys = throttleKeys(request);
    if (request.method === 'GET') {
      return this.remembered(keys.get, () => this.httpClient.send(request), (r) => (r.status >= 200 && r.status < 300 ? GET_CACHE_SECONDS : 0));
    }
    const viaRetryAfter = (): Promise<HttpResponse> =>
      this.remembered(keys.retryAfter, () => this.httpClient.send(request), (r) => retryAfterThrottleSeconds(r, this.defaultThrottleSeconds));
    return this.remembered(keys.badRequest, viaRetryAfter, (r) =>
      r.status === 400 && formBody(request)?.get('grant_type') !== DEVICE_CODE_GRANT && r.headers['retry-after'] === undefined
        ? BAD_REQUEST_REPLAY_SECONDS
        : 0,
    );
  }

  /** Not used by the library; forwarded for callers who manage their client's lifetime through us. */
  async close(): Promise<void> {
    await this.httpClient.close?.();
  }

  private async remembered(key: string, call: () => Promise<HttpResponse>, secondsFor: (r: HttpResponse) => number): Promise<HttpResponse> {
    const hit = this.entries.get(key);
    if (hit) return hit;
    const response = normalize(await call());
    this.entries.set(key, response, secondsFor(response));
    return response;
  }
}
