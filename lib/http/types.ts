/** One request the library asks an {@link HttpClient} to send. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Header names as given; the client sends them verbatim. */
  headers?: Record<string, string> | undefined;
  /** application/x-www-form-urlencoded or JSON text, already encoded. */
  body?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Per-request override of the client's timeout. */
  timeoutMs?: number | undefined;
}

/** What an {@link HttpClient} answers with, whatever the status. */
export interface HttpResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
}

/**
 * The pluggable transport (the `httpClient` option). Implementations must not throw on HTTP
 * error statuses: a 4xx or 5xx is a response; only transport failures reject.
 *
 * @example
 * ```ts
 * // Log each request's method and URL, then send it with the built-in client.
 * const inner = createFetchHttpClient({ timeoutMs: 10_000 });
 * const httpClient: HttpClient = {
 *   send: (request) => {
 *     console.log(request.method, new URL(request.url).pathname);
 *     return inner.send(request);
 *   },
 * };
 * const app = new PublicClientApplication({ clientId: '<app id>', httpClient });
 * ```
 */
export interface HttpClient {
  /** Sends one request; resolves with the response whatever its status. */
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Optional; the library never calls it, but its wrappers forward it (as MSAL Python's do). */
  close?(): void | Promise<void>;
}
