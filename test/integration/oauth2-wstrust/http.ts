/**
 * A minimal fetch-based HttpClient for these tests, so they do not depend on
 * the library's transport while it is being written elsewhere.
 */
import { AbortError, NetworkError, TimeoutError } from '../../../lib/errors.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../lib/http/types.js';

export function createTestHttpClient(timeoutMs = 5_000): HttpClient {
  return {
    async send(request: HttpRequest): Promise<HttpResponse> {
      const timeout = AbortSignal.timeout(request.timeoutMs ?? timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
      try {
        const response = await fetch(request.url, {
          method: request.method,
          headers: request.headers ?? {},
          body: request.body ?? null,
          signal,
        });
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          headers[name.toLowerCase()] = value;
        });
        return { status: response.status, headers, body: await response.text() };
      } catch (e) {
        if (request.signal?.aborted) throw new AbortError(undefined, { cause: e });
        if (timeout.aborted) throw new TimeoutError(`No reply from ${request.url} in time`, { cause: e });
        throw new NetworkError(`Request to ${request.url} failed`, { cause: e });
      }
    },
  };
}
