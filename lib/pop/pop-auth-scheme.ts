/**
 * Public API: asks acquire* methods for a PoP token bound to one HTTP request
 * (method + URL), like MSAL Python's PopAuthScheme.
 */
import { InvalidArgumentError } from '../errors.js';
import { createSignedHttpRequest } from './signed-http-request.js';
import type { PopKey } from './pop-key.js';

// RFC 9110 token characters; the SHR spec wants the method exactly as sent, which is uppercase.
const HTTP_METHOD = /^[A-Z!#$%&'*+.^_`|~0-9-]+$/;

export interface PopAuthSchemeOptions {
  httpMethod: string;
  url: string;
  /** The nonce from the resource's WWW-Authenticate challenge; a random one when absent. */
  nonce?: string;
}

export class PopAuthScheme {
  static readonly HTTP_GET = 'GET';
  static readonly HTTP_POST = 'POST';
  static readonly HTTP_PUT = 'PUT';
  static readonly HTTP_DELETE = 'DELETE';
  static readonly HTTP_PATCH = 'PATCH';

  readonly httpMethod: string;
  readonly url: URL;
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

  /** The request shape the OS broker wants (see MSALRUNTIME_SetPopParams). */
  get brokerPopParams(): { httpMethod: string; uriHost: string; uriPath: string; nonce: string } {
    return { httpMethod: this.httpMethod, uriHost: this.url.host, uriPath: this.url.pathname, nonce: this.nonce ?? '' };
  }

  /** The value for `Authorization: PoP <…>` once a bound access token is in hand. */
  signRequest(accessToken: string, key: PopKey): Promise<string> {
    return createSignedHttpRequest({ accessToken, key, method: this.httpMethod, url: this.url.href, nonce: this.nonce });
  }
}
