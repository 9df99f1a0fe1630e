/**
 * The Signed HTTP Request (SHR) that accompanies a PoP access token:
 * `Authorization: PoP <shr>`. It proves possession of the bound key and pins
 * the token to one method + URL.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { InvalidArgumentError } from '../errors.js';
import { POP_ALG, type PopKey } from './pop-key.js';

export interface SignedHttpRequestOptions {
  accessToken: string;
  key: PopKey;
  method: string;
  url: string;
  /** The resource server's nonce; a random one is used when absent. */
  nonce?: string | undefined;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number | undefined;
}

export async function createSignedHttpRequest(options: SignedHttpRequestOptions): Promise<string> {
  const { accessToken, key, method } = options;
  if (!accessToken) throw new InvalidArgumentError('accessToken is required to sign a PoP request');
  let url: URL;
  try {
    url = new URL(options.url);
  } catch (e) {
    throw new InvalidArgumentError(`Not an absolute URL: ${options.url}`, { cause: e });
  }
  const query = url.search.slice(1);
  const claims: Record<string, unknown> = {
    at: accessToken,
    ts: options.timestamp ?? Math.floor(Date.now() / 1000),
    m: method.toUpperCase(),
    // URL.host omits default ports, which is the host[:port] form the STS expects.
    u: url.host,
    p: url.pathname,
    nonce: options.nonce ?? randomUUID(),
    cnf: { jwk: key.publicJwk },
  };
  // No individually signed query keys: the whole query string stands as is.
  if (query) claims.q = [[], query];
  return new SignJWT(claims).setProtectedHeader({ typ: 'pop', alg: POP_ALG, kid: key.kid }).sign(key.privateKey);
}
