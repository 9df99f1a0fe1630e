/**
 * The default transport, over Node's built-in fetch (undici).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortError, MalformedResponseError, NetworkError, TimeoutError } from '../errors.js';
import { timerDelay } from '../timers.js';
import { parseRetryAfter } from './throttling.js';
import type { HttpClient, HttpRequest, HttpResponse } from './types.js';

/** Options of {@link createFetchHttpClient}. */
export interface FetchHttpClientOptions {
  /** Whole-request budget (connect, headers and body, and any retry), in milliseconds. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Retry once when the connection fails before any response arrives. Default true. */
  retryOnConnectionError?: boolean | undefined;
  /**
   * Retry a GET once, after the wait it names, when answered 413, 429 or 503 with
   * Retry-After: what MSAL Python's default transport (urllib3, one retry) does. POSTs
   * are left to the throttling layer. Skipped when the wait would not fit in the
   * request's time budget. Default true.
   */
  retryThrottledGet?: boolean | undefined;
  /**
   * Largest response body read, in bytes; a bigger one is cut off unread past this point and the
   * request fails with MalformedResponseError. Default 4 MiB, far more than any OAuth or discovery reply.
   */
  maxResponseBytes?: number | undefined;
}

export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * Error codes meaning "the server never saw or never answered this request":
 * safe to send again, even a POST. A pooled keep-alive socket closed by the
 * server between requests surfaces as UND_ERR_SOCKET or ECONNRESET.
 */
const RETRYABLE_CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
/** Statuses urllib3 retries when they come with Retry-After. */
const RETRY_AFTER_STATUSES = new Set([413, 429, 503]);

/**
 * The default transport: Node's built-in fetch, with a whole-request deadline and one retry
 * for connection failures and throttled GETs.
 */
export function createFetchHttpClient(options: FetchHttpClientOptions = {}): HttpClient {
  const defaultTimeout = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const retry = options.retryOnConnectionError ?? true;
  const retryThrottledGet = options.retryThrottledGet ?? true;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return {
    async send(request: HttpRequest): Promise<HttpResponse> {
      const timeoutMs = request.timeoutMs ?? defaultTimeout;
      const startedAt = Date.now();
      const deadline = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        deadline.abort(new TimeoutError(`HTTP ${request.method} timed out after ${timeoutMs} ms`));
      }, timerDelay(timeoutMs));
      const onCallerAbort = (): void => deadline.abort(request.signal?.reason);
      if (request.signal?.aborted) onCallerAbort();
      else request.signal?.addEventListener('abort', onCallerAbort, { once: true });

      const describe = (): string => `HTTP ${request.method} ${safeUrl(request.url)}`;
      const translate = (e: unknown, stage: string): Error => {
        if (timedOut) return new TimeoutError(`${describe()} timed out after ${timeoutMs} ms`, { cause: e });
        if (request.signal?.aborted) return new AbortError(`${describe()} was aborted`, { cause: request.signal.reason ?? e });
        return new NetworkError(`${describe()} failed ${stage}: ${reasonOf(e)}`, { cause: e });
      };

      try {
        let retried = false;
        let response: Response;
        try {
          response = await fetchOnce(request, deadline.signal);
        } catch (e) {
          if (!retry || deadline.signal.aborted || !isConnectionError(e)) throw translate(e, 'before a response');
          retried = true;
          try {
            response = await fetchOnce(request, deadline.signal);
          } catch (again) {
            throw translate(again, 'before a response (after one retry)');
          }
        }
        const waitMs = retried || !retryThrottledGet ? undefined : throttledGetWaitMs(request, response, timeoutMs - (Date.now() - startedAt));
        if (waitMs !== undefined) {
          try {
            await response.body?.cancel();
            await sleep(waitMs, undefined, { signal: deadline.signal });
            response = await fetchOnce(request, deadline.signal);
          } catch (e) {
            throw translate(e, 'before a response (retrying after Retry-After)');
          }
        }
        let body: string | undefined;
        try {
          body = await readCapped(response, maxResponseBytes);
        } catch (e) {
          throw translate(e, 'while reading the response body');
        }
        if (body === undefined) {
          throw new MalformedResponseError(`${describe()} replied with a body larger than ${maxResponseBytes} bytes`, {
            status: response.status,
          });
        }
        const headers: Record<string, string> = {};
        // Headers iteration yields lower-cased names already; lower-case anyway to not depend on it.
        response.headers.forEach((value, name) => {
          headers[name.toLowerCase()] = value;
        });
        return { status: response.status, headers, body };
      } finally {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onCallerAbort);
      }
    },
  };
}

function fetchOnce(request: HttpRequest, signal: AbortSignal): Promise<Response> {
  return fetch(request.url, {
    method: request.method,
    headers: request.headers ?? {},
    body: request.method === 'POST' ? (request.body ?? null) : null,
    // A POST carries secrets (a refresh token, a client secret): a 307/308 must never re-send them
    // elsewhere. The 3xx reaches the caller, and the token client refuses it.
    redirect: request.method === 'POST' ? 'manual' : 'follow',
    signal,
  });
}

/** The body as text, or undefined (and the rest left unread) once it passes `maxBytes`. */
async function readCapped(response: Response, maxBytes: number): Promise<string | undefined> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      // Leaving the loop cancels the stream: nothing past the cap is downloaded.
      return undefined;
    }
    chunks.push(chunk);
  }
  // As Response.text() does: UTF-8, a byte order mark dropped.
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * Milliseconds to wait before retrying a throttled GET, or undefined for no retry: the
 * status is not one urllib3 retries, Retry-After is absent or unreadable, or the wait
 * would outlast what is left of the request's time budget (every wait has a deadline).
 */
function throttledGetWaitMs(request: HttpRequest, response: Response, remainingMs: number): number | undefined {
  if (request.method !== 'GET' || !RETRY_AFTER_STATUSES.has(response.status)) return undefined;
  const seconds = parseRetryAfter(response.headers.get('retry-after') ?? undefined, Date.now());
  if (seconds === undefined || seconds * 1000 >= remainingMs) return undefined;
  return seconds * 1000;
}

function errorCodes(e: unknown): string[] {
  const codes: string[] = [];
  const visit = (x: unknown, depth: number): void => {
    if (typeof x !== 'object' || x === null || depth > 4) return;
    const { code, cause, errors } = x as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') codes.push(code);
    // Happy-eyeballs connects report an AggregateError of per-address failures.
    if (Array.isArray(errors)) for (const inner of errors) visit(inner, depth + 1);
    visit(cause, depth + 1);
  };
  visit(e, 0);
  return codes;
}

function isConnectionError(e: unknown): boolean {
  return errorCodes(e).some((c) => RETRYABLE_CONNECTION_CODES.has(c));
}

function reasonOf(e: unknown): string {
  const cause = (e as { cause?: unknown } | null)?.cause;
  const inner = cause instanceof Error ? cause : e instanceof Error ? e : undefined;
  const code = errorCodes(e)[0];
  return [code, inner?.message ?? String(e)].filter(Boolean).join(' ');
}

/** Query strings carry codes, paths may carry user names (userrealm): keep neither in messages. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname.split('/').map((segment) => (/@|%40/i.test(segment) ? '<redacted>' : segment));
    return `${u.origin}${path.join('/')}`;
  } catch {
    return '<invalid url>';
  }
}
