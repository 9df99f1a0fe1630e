/**
 * Public API: asks acquire* methods for a PoP token bound to one HTTP request
 * (method + URL), like MSAL Python's PopAuthScheme.
 */
import { InvalidArgumentError } from '../errors.js';
import { createSignedHttpRequest } from './signed-http-request.js';
import type { PopKey } from './pop-key.js';

// RFC 9110 token characters; the SHR spec wants the method exactly as sent, which is uppercase.
const HTTP_METHOD = /^[A-Z!#$%&'*+.^_`|~0-9-]+$/;

/** Options of {@link PopAuthScheme}: the one HTTP request the token will be bound to. */
export interface PopAuthSchemeOptions {
  /** The request's method, uppercase (see the HTTP_* constants). */
  httpMethod: string;
  /** The request's absolute URL. */
  url: string;
  /** The nonce from the resource's WWW-Authenticate challenge; a random one when absent. */
  nonce?: string | undefined;
}

/**
 * Asks an acquire* call for a Proof-of-Possession token bound to one HTTP request (method and
 * URL), as MSAL Python's PopAuthScheme does. The result's `access_token` is then the signed
 * request (token_type 'pop'), to send as `Authorization: PoP <access_token>`. Works with and
 * without a broker.
 *
 * @example
 * ```ts
 * const scheme = new PopAuthScheme({ httpMethod: PopAuthScheme.HTTP_GET, url: 'https://api.contoso.com/items', nonce });
 * const r = await app.acquireTokenSilent(['api://contoso/.default'], account, { authScheme: scheme });
 * if (r) await fetch('https://api.contoso.com/items', { headers: { Authorization: `PoP ${r.access_token}` } });
 * ```
 */
export class PopAuthScheme {
  /** 'GET'. */
  static readonly HTTP_GET = 'GET';
  /** 'POST'. */
  static readonly HTTP_POST = 'POST';
  /** 'PUT'. */
  static readonly HTTP_PUT = 'PUT';
  /** 'DELETE'. */
  static readonly HTTP_DELETE = 'DELETE';
  /** 'PATCH'. */
  static readonly HTTP_PATCH = 'PATCH';

  /** The bound request's method. */
  readonly httpMethod: string;
  /** The bound request's URL. */
  readonly url: URL;
  /** The resource's nonce, when one was given. */
  readonly nonce: string | undefined;

  constructor(options: PopAuthSchemeOptions) {
    if (!options || typeof options !== 'object') throw new InvalidArgumentError('PopAuthScheme needs { httpMethod, url }');
    const { httpMethod, url, nonce } = options;
    if (typeof httpMethod !== 'string' || !HTTP_METHOD.test(httpMethod)) {
      throw new InvalidArgumentError(`httpMethod must be an uppercase HTTP method such as "GET", got ${JSON.stringify(httpMethod)}`);
    }
    if (typeof url !== 'string' || !URL.canParse(url)) {
      throw new InvalidArgumentError(`url must be an absolute URL, got ${JSON.stringify(url)}`);
    }
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new InvalidArgumentError(`url must be http or https, got ${parsed.protocol}`);
    }
    if (nonce !== undefined && (typeof nonce !== 'string' || nonce.length === 0)) {
      throw new InvalidArgumentError('nonce, when given, must be a non-empty string');
    }
    this.httpMethod = httpMethod;
    this.url = parsed;
    this.nonce = nonce;
  }

  /** @internal The request shape the OS broker wants (see MSALRUNTIME_SetPopParams). */
  get brokerPopParams(): { httpMethod: string; uriHost: string; uriPath: string; nonce: string } {
    return { httpMethod: this.httpMethod, uriHost: this.url.host, uriPath: this.url.pathname, nonce: this.nonce ?? '' };
  }

  /**
   * The value for `Authorization: PoP <…>` once a bound access token is in hand. acquire*
   * calls with this scheme already return it; call this to sign another request with the same token.
   */
  signRequest(accessToken: string, key: PopKey): Promise<string> {
    return createSignedHttpRequest({ accessToken, key, method: this.httpMethod, url: this.url.href, nonce: this.nonce });
  }
}
