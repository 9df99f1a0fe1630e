/**
 * The fixtures MSAL Python's offline tests share (tests/test_token_cache.py's
 * build_id_token / build_response, tests/http_client.py's minimal client),
 * rebuilt for brokerbridge's API so each ported test reads like its original.
 */
import type { HttpClient, HttpRequest, HttpResponse } from '../../../lib/http/types.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64');

/** An unsigned ID token, as the reference's tests build it ("header.<claims>.signature"). */
export function buildIdToken(claims: Record<string, unknown> = {}): string {
  const now = Date.now() / 1000;
  const { iss = 'issuer', sub = 'subject', aud = 'my_client_id', exp, iat, ...rest } = claims;
  return `header.${b64({ iss, sub, aud, exp: exp ?? now + 100, iat: iat ?? now, ...rest })}.signature`;
}

export interface BuildResponseOptions {
  /** With utid, forms client_info, as Entra does for client_info=1. */
  uid?: string;
  utid?: string;
  access_token?: string;
  expires_in?: number;
  token_type?: string;
  /** Passed through as top-level fields: refresh_token, foci, id_token, error, refresh_in, ... */
  [field: string]: unknown;
}

/** A token endpoint reply, shaped as Entra sends it. */
export function buildResponse(options: BuildResponseOptions = {}): Record<string, unknown> {
  const { uid, utid, access_token, expires_in = 3600, token_type = 'some type', ...rest } = options;
  const response: Record<string, unknown> = {};
  if (uid && utid) response['client_info'] = b64({ uid, utid });
  if (access_token) Object.assign(response, { access_token, expires_in, token_type });
  return Object.assign(response, rest);
}

/** What a handler sees of one request: its URL, headers and (form-decoded) body. */
export interface SeenRequest {
  method: HttpRequest['method'];
  url: string;
  headers: Record<string, string>;
  /** The form body as key/value pairs (JSON bodies are parsed); {} for GETs. */
  data: Record<string, string>;
  body: string | undefined;
}

export type Handler = (request: SeenRequest) => HttpResponse | Promise<HttpResponse>;

/** A reply, as MinimalResponse(status_code, text, headers) makes one. */
export function minimalResponse(status: number, text: unknown = '', headers: Record<string, string> = {}): HttpResponse {
  const lowered = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status, headers: lowered, body: typeof text === 'string' ? text : JSON.stringify(text) };
}

function decodeBody(body: string | undefined): Record<string, string> {
  if (!body) return {};
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed) as Record<string, string>;
    } catch {
      // not JSON after all: fall through to form decoding
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}

/**
 * The reference's MinimalHttpClient plus its per-call `post=tester` hook: set
 * `post` / `get` for a test, read `requests` afterwards. A request with no
 * handler fails the test loudly instead of reaching a network.
 */
export class ScriptedHttpClient implements HttpClient {
  post: Handler | undefined;
  get: Handler | undefined;
  readonly requests: SeenRequest[] = [];

  constructor(handlers: { post?: Handler; get?: Handler } = {}) {
    this.post = handlers.post;
    this.get = handlers.get;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const seen: SeenRequest = {
      method: request.method,
      url: request.url,
      headers: { ...request.headers },
      data: decodeBody(request.body),
      body: request.body,
    };
    this.requests.push(seen);
    const handler = request.method === 'POST' ? this.post : this.get;
    if (!handler) throw new Error(`Unexpected ${request.method} ${request.url}: this test scripted no reply for it`);
    return handler(seen);
  }
}
