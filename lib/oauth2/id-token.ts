/** Decoding and validating ID tokens as OpenID Connect Core 3.1.3.7 asks (signature aside). */
import { decodeJwt } from 'jose';
import { IdTokenError, MalformedResponseError } from '../errors.js';
import type { IdTokenClaims } from './types.js';

const BASE64_ANY = /^[A-Za-z0-9\-_+/]*={0,2}$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes one base64url segment (a JWT part, client_info) to UTF-8 text. Padding is optional and
 * the standard alphabet is tolerated too, since some servers send it in client_info.
 */
export function decodePart(b64url: string): string {
  if (typeof b64url !== 'string' || !BASE64_ANY.test(b64url) || b64url.replace(/=+$/, '').length % 4 === 1) {
    throw new MalformedResponseError('Not a base64url-encoded value');
  }
  const bytes = Buffer.from(b64url.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  try {
    return strictUtf8.decode(bytes);
  } catch (e) {
    throw new MalformedResponseError('A base64url-encoded value does not hold UTF-8 text', { cause: e });
  }
}

/** What {@link decodeIdToken} checks; each check runs only when its option is given. */
export interface DecodeIdTokenOptions {
  /** The aud claim must hold it; with several audiences azp must equal it. */
  clientId?: string | undefined;
  /** Expected iss. Entra's `{tenantid}` placeholder (multi-tenant discovery) is filled from `tid`. */
  issuer?: string | undefined;
  nonce?: string | undefined;
  /** Seconds; requires auth_time no older than this. */
  maxAge?: number | undefined;
  /** Seconds since the epoch. */
  now?: number | undefined;
  /** Tolerated clock difference in seconds. Default 120. */
  skewSeconds?: number | undefined;
  /**
   * Receives time problems (exp passed, nbf ahead) beyond the skew. They are not errors,
   * as in MSAL Python: a wrong clock here or at the provider does not make the tokens wrong.
   */
  onTimeWarning?: ((message: string) => void) | undefined;
}

function fail(reason: string, cause?: unknown): never {
  throw new IdTokenError(`Invalid ID token: ${reason}`, cause === undefined ? undefined : { cause });
}

function issuerMatches(expected: string, iss: string, tid: unknown): boolean {
  if (!expected.includes('{tenantid}')) return expected === iss;
  return typeof tid === 'string' && tid.length > 0 && expected.split('{tenantid}').join(tid) === iss;
}

/** Only the payload is read, as MSAL Python does: with the signature unverified, the header says nothing we use. */
function parse(idToken: string): Record<string, unknown> {
  if (typeof idToken !== 'string' || idToken.split('.').length !== 3) fail('not a JWT (expected three dot-separated parts)');
  try {
    return decodeJwt(idToken);
  } catch (e) {
    fail('the payload is not a base64url-encoded JSON object', e);
  }
}

function checkShape(claims: Record<string, unknown>): asserts claims is IdTokenClaims {
  for (const name of ['iss', 'sub'] as const) {
    if (typeof claims[name] !== 'string' || claims[name] === '') fail(`the ${name} claim is missing`);
  }
  const aud = claims.aud;
  const audOk = (typeof aud === 'string' && aud !== '') || (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string'));
  if (!audOk) fail('the aud claim is missing');
  for (const name of ['exp', 'iat'] as const) {
    if (typeof claims[name] !== 'number') fail(`the ${name} claim is missing or not a number`);
  }
}

/**
 * Decodes an ID token and checks the claims a client must check. The signature is not verified:
 * the token came straight from the token endpoint over TLS (OIDC Core 3.1.3.7, item 6).
 * Issuer, audience, nonce and max_age mismatches throw IdTokenError; time claims only warn.
 */
export function decodeIdToken(idToken: string, options: DecodeIdTokenOptions = {}): IdTokenClaims {
  const claims = parse(idToken);
  checkShape(claims);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const skew = options.skewSeconds ?? 120;

  if (options.issuer !== undefined && !issuerMatches(options.issuer, claims.iss, claims.tid)) {
    fail(`issuer mismatch: expected ${options.issuer}, got ${claims.iss}`);
  }
  if (options.clientId !== undefined) {
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(options.clientId)) fail(`audience mismatch: ${options.clientId} is not in aud`);
    if (audiences.length > 1 && claims.azp !== options.clientId) {
      fail(`azp mismatch: a token for several audiences must name ${options.clientId} as azp`);
    }
  }
  const timeWarning = (problem: string): void =>
    options.onTimeWarning?.(`The ID token ${problem}, now is ${now}; make sure this computer's clock and time zone are correct`);
  if (now - skew > claims.exp) timeWarning(`expired at ${claims.exp}`);
  if (typeof claims.nbf === 'number' && claims.nbf > now + skew) timeWarning(`is not valid before ${claims.nbf}`);
  if (options.nonce !== undefined && claims.nonce !== options.nonce) {
    fail('nonce mismatch: the nonce claim is not the one sent in the authorization request');
  }
  if (options.maxAge !== undefined) {
    if (typeof claims.auth_time !== 'number') fail('auth_time is missing although max_age was requested');
    if (now > claims.auth_time + options.maxAge + skew) {
      fail(`auth_time ${claims.auth_time} is older than max_age ${options.maxAge} allows`);
    }
  }
  return claims;
}
