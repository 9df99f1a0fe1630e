/** The pluggable transport. Implementations must not throw on HTTP error statuses. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Header names as given; the client sends them verbatim. */
  headers?: Record<string, string>;
  /** application/x-www-form-urlencoded or JSON text, already encoded. */
  body?: string;
  signal?: AbortSignal;
  /** Per-request override of the client's timeout. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
}

export interface HttpClient {
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Optional; the library never calls it, but its wrappers forward it (as MSAL Python's do). */
  close?(): void | Promise<void>;
}
