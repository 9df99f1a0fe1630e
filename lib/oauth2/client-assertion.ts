/** RFC 7523 client assertions: signing them from a certificate and keeping them fresh. */
import { randomUUID } from 'node:crypto';
import { decodeJwt, SignJWT, type JWTHeaderParameters } from 'jose';
import { AutoRefresher } from './auto-refresher.js';
import type { SigningCertificate } from './certificate.js';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Lifetime of the assertions we sign. */
export const ASSERTION_LIFETIME_SECONDS = 600;
/** Replace an assertion this long before it expires, so it never arrives stale. */
export const ASSERTION_REFRESH_MARGIN_SECONDS = 60;

export interface AssertionClaimsInput {
  clientId: string;
  tokenEndpoint: string;
  /** Extra claims; may override aud, iss, sub, exp, iat, nbf, jti. */
  clientClaims?: Record<string, unknown> | undefined;
  /** Seconds since the epoch. */
  now: number;
}

/**
 * Signs a client assertion. PS256 with the SHA-256 thumbprint when the certificate itself is known;
 * RS256 with the SHA-1 thumbprint when only a thumbprint was given or the server needs it (AD FS).
 */
export async function signClientAssertion(
  certificate: SigningCertificate,
  input: AssertionClaimsInput,
  options: { sha1Only?: boolean | undefined } = {},
): Promise<string> {
  const useSha256 = certificate.sha256Thumbprint !== undefined && options.sha1Only !== true;
  const header: JWTHeaderParameters = useSha256
    ? { alg: 'PS256', typ: 'JWT', 'x5t#S256': (certificate.sha256Thumbprint as Buffer).toString('base64url') }
    : { alg: 'RS256', typ: 'JWT', x5t: certificate.sha1Thumbprint.toString('base64url') };
  if (certificate.x5c) header.x5c = certificate.x5c;
  const claims = {
    aud: input.tokenEndpoint,
    iss: input.clientId,
    sub: input.clientId,
    jti: randomUUID(),
    iat: input.now,
    nbf: input.now,
    exp: input.now + ASSERTION_LIFETIME_SECONDS,
    ...input.clientClaims,
  };
  return new SignJWT(claims).setProtectedHeader(header).sign(certificate.key);
}

/**
 * How long a JWT may be re-used: until ASSERTION_REFRESH_MARGIN_SECONDS before its `exp`, at most
 * `cap`. Opaque values (not a JWT, or no numeric exp) get `cap`.
 */
export function reuseSecondsFor(value: string, nowSeconds: number, cap: number): number {
  let exp: unknown;
  try {
    exp = decodeJwt(value).exp;
  } catch {
    return cap;
  }
  if (typeof exp !== 'number') return cap;
  return Math.max(0, Math.min(cap, exp - nowSeconds - ASSERTION_REFRESH_MARGIN_SECONDS));
}

/**
 * Assertions carry the token endpoint as `aud`, so each endpoint gets its own refresher.
 * `make` receives the endpoint and the shared clock (ms).
 */
export function perTokenEndpoint(
  make: (tokenEndpoint: string) => () => string | Promise<string>,
  options: { cap: number; now: () => number },
): (tokenEndpoint: string) => Promise<string> {
  const refreshers = new Map<string, AutoRefresher>();
  return (tokenEndpoint) => {
    let refresher = refreshers.get(tokenEndpoint);
    if (!refresher) {
      refresher = new AutoRefresher(make(tokenEndpoint), {
        now: options.now,
        expiresInSeconds: (value) => reuseSecondsFor(value, options.now() / 1000, options.cap),
      });
      refreshers.set(tokenEndpoint, refresher);
    }
    return refresher.get();
  };
}
