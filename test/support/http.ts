/** Test-side HttpClients built on Node's fetch, independent of lib/http. */
import type { HttpClient, HttpRequest, HttpResponse } from '../../lib/http/types.js';

async function send(request: HttpRequest): Promise<HttpResponse> {
  const signals = [request.signal, AbortSignal.timeout(request.timeoutMs ?? 10_000)].filter((s): s is AbortSignal => !!s);
  const res = await fetch(request.url, {
    method: request.method,
    headers: request.headers ?? {},
    body: request.body ?? null,
    signal: AbortSignal.any(signals),
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  return { status: res.status, headers, body: await res.text() };
}

export const fetchHttp: HttpClient = { send };

/**
 * Sends every request to `baseUrl` (keeping path and query), so tests can use
 * real host names such as login.microsoftonline.com without leaving 127.0.0.1.
 * `urls` records the URLs the library asked for, before rerouting.
 */
export function routedHttp(baseUrl: string): HttpClient & { urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    send(request) {
      urls.push(request.url);
      const original = new URL(request.url);
      const target = new URL(`${original.pathname}${original.search}`, baseUrl);
      return send({ ...request, url: target.href });
    },
  };
}
