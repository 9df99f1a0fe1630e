import { parseRetryAfter } from '../http/throttling.js';
import { MalformedResponseError } from '../errors.js';
import type { HttpClient, HttpResponse } from '../http/types.js';
import type { ErrorResponse, TokenResponse } from './types.js';

/** How a confidential client proves itself (secret, assertion, certificate). Structural on purpose. */
export interface ClientAuthenticator {
  params(tokenEndpoint: string, request?: { fmiPath?: string | undefined }): Promise<Record<string, string>>;
}

export interface TokenClientOptions {
  http: HttpClient;
  clientId: string;
  authenticator?: ClientAuthenticator | undefined;
  /** Headers added to every request (telemetry, client-request-id); called per request. */
  headers?: (() => Record<string, string>) | undefined;
  /** Ask Entra for client_info (uid/utid) in every reply, as MSAL does. Default true. */
  clientInfo?: boolean | undefined;
}

export interface TokenTransportOptions {
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
}

function malformed(message: string, res: HttpResponse, cause?: unknown): MalformedResponseError {
  // The error keeps a redacted prefix; it needs the start whole so that redaction sees each secret's name.
  return new MalformedResponseError(`${message} (HTTP ${res.status})`, { status: res.status, body: String(res.body ?? ''), cause });
}

/**
 * Parses an OAuth endpoint's JSON reply. An object with a string `error` is an ErrorResponse
 * value whatever the status; anything else that is not a 2xx JSON object throws.
 */
export function parseOAuthReply(res: HttpResponse, what: string): Record<string, unknown> | ErrorResponse {
  if (res.status >= 300 && res.status < 400) {
    // Token requests never follow redirects: following one would re-send the grant elsewhere.
    throw malformed(`${what} redirected the request, which token requests never follow`, res);
  }
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch (e) {
    throw malformed(`${what} replied with a body that is not JSON`, res, e);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw malformed(`${what} replied with JSON that is not an object`, res);
  }
  const obj = json as Record<string, unknown>;
  if (typeof obj.error === 'string') {
    const err = { ...obj } as ErrorResponse;
    const retryAfter = parseRetryAfter(res.headers['retry-after'], Date.now());
    if (retryAfter !== undefined) err.retry_after = retryAfter;
    return err;
  }
  if (res.status < 200 || res.status >= 300) throw malformed(`${what} failed without an OAuth error`, res);
  return obj;
}

/** Throws MalformedResponseError for a 2xx reply that lacks a field the protocol requires. */
export function requireFields(obj: Record<string, unknown>, fields: readonly string[], res: HttpResponse, what: string): void {
  const missing = fields.filter((f) => typeof obj[f] !== 'string' || obj[f] === '');
  if (missing.length > 0) throw malformed(`${what} replied without ${missing.join(', ')}`, res);
}

/** Lifetimes a token reply may carry: seconds (expires_on: epoch seconds), as numbers or, from AADv1-like endpoints, strings. */
const LIFETIME_FIELDS = ['expires_in', 'ext_expires_in', 'refresh_in', 'expires_on'] as const;

function isSeconds(v: unknown): boolean {
  return (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && /^\s*[+-]?\d+(?:\.\d+)?\s*$/.test(v));
}

/** Turns a token endpoint's HTTP reply into a TokenResponse or an ErrorResponse value. */
export function parseTokenResponse(res: HttpResponse): TokenResponse | ErrorResponse {
  const obj = parseOAuthReply(res, 'Token endpoint');
  if (typeof obj.error === 'string') return obj as ErrorResponse;
  // RFC 6749 requires access_token; some OIDC providers answer an openid-only request with just id_token.
  if (typeof obj.id_token !== 'string') requireFields(obj, ['access_token'], res, 'Token endpoint');
  for (const field of LIFETIME_FIELDS) {
    const v = obj[field];
    if (v !== undefined && v !== null && !isSeconds(v)) throw malformed(`Token endpoint replied with a ${field} that is not a number`, res);
  }
  return obj as TokenResponse;
}

export class TokenClient {
  readonly clientId: string;
  private readonly http: HttpClient;
  private readonly authenticator: ClientAuthenticator | undefined;
  private readonly defaultHeaders: (() => Record<string, string>) | undefined;
  private readonly clientInfo: boolean;

  constructor(options: TokenClientOptions) {
    this.http = options.http;
    this.clientId = options.clientId;
    this.authenticator = options.authenticator;
    this.defaultHeaders = options.headers;
    this.clientInfo = options.clientInfo ?? true;
  }

  /**
   * POSTs one token request. Server errors come back as values; malformed replies throw
   * MalformedResponseError; transport failures propagate as the HttpClient raised them.
   */
  async request(
    tokenEndpoint: string,
    params: Record<string, string | undefined>,
    options: TokenTransportOptions = {},
  ): Promise<TokenResponse | ErrorResponse> {
    const form = new URLSearchParams();
    const set = (k: string, v: string | undefined): void => {
      if (v !== undefined) form.set(k, v);
    };
    set('client_id', this.clientId);
    if (this.clientInfo) set('client_info', '1');
    for (const [k, v] of Object.entries(params)) set(k, v);
    // Last, so a stray request parameter can never replace the client's credential.
    if (this.authenticator) {
      // An assertion callback may sign for the FMI path the request names.
      for (const [k, v] of Object.entries(await this.authenticator.params(tokenEndpoint, { fmiPath: params['fmi_path'] }))) set(k, v);
    }
    const res = await this.http.send({
      method: 'POST',
      url: tokenEndpoint,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8',
        Accept: 'application/json',
        ...this.defaultHeaders?.(),
        ...options.headers,
      },
      body: form.toString(),
      signal: options.signal,
    });
    return parseTokenResponse(res);
  }
}
