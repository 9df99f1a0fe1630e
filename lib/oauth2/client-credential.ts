/**
 * The confidential client's credential (MSAL Python's `client_credential`) and the token
 * request parameters it turns into.
 */
import type { AuthorityKind } from '../authority/types.js';
import { CredentialError, InvalidArgumentError } from '../errors.js';
import {
  loadPemCredential,
  loadPfxCredential,
  type PemCertificateCredential,
  type PfxCertificateCredential,
  type SigningCertificate,
} from './certificate.js';
import { AutoRefresher } from './auto-refresher.js';
import {
  ASSERTION_LIFETIME_SECONDS,
  JWT_BEARER_ASSERTION_TYPE,
  perTokenEndpoint,
  signClientAssertion,
} from './client-assertion.js';

/** What a clientAssertion callback is told about the request it signs for. */
export interface ClientAssertionContext {
  clientId: string;
  tokenEndpoint: string;
  /** Present when acquireTokenForClient() was given one. */
  fmiPath?: string;
}

/**
 * Returns a client assertion; called for every token request, so it can return a fresh one
 * (wrap it in an AutoRefresher to reuse one for a while). A callback that declares a
 * parameter receives the request's context; one that declares none (or only defaulted
 * ones: Function.length is 0) is called without arguments, as MSAL Python does.
 */
export type ClientAssertionCallback = (context: ClientAssertionContext) => string | Promise<string>;

/** A plain string is a client secret. */
export type ClientCredential =
  | string
  | { clientSecret: string }
  | { privateKey: string | Buffer; thumbprint?: string; publicCertificate?: string; passphrase?: string }
  | { privateKeyPfxPath: string; passphrase?: string; publicCertificate?: boolean }
  | { clientAssertion: string | ClientAssertionCallback | AutoRefresher };

/** What the token request being authenticated carries that a credential may need. */
export interface ClientAuthenticationRequest {
  fmiPath?: string | undefined;
}

export interface ClientAuthenticator {
  /** Body parameters that authenticate the client at `tokenEndpoint` (client_id is not included). */
  params(tokenEndpoint: string, request?: ClientAuthenticationRequest): Promise<Record<string, string>>;
}

export interface ClientAuthenticatorOptions {
  clientId: string;
  /** Extra claims for certificate-signed assertions; may override aud, iss, sub, exp, iat, nbf, jti. */
  clientClaims?: Record<string, unknown> | undefined;
  /** AD FS accepts only RS256 with a SHA-1 thumbprint, so certificates are signed that way for it. */
  authorityKind?: AuthorityKind | undefined;
  /** Clock in milliseconds; injectable for tests. */
  now?: (() => number) | undefined;
}

const KINDS = ['clientSecret', 'privateKey', 'privateKeyPfxPath', 'clientAssertion'] as const;
type Kind = (typeof KINDS)[number];
const ALLOWED_KEYS: Record<Kind, readonly string[]> = {
  clientSecret: ['clientSecret'],
  privateKey: ['privateKey', 'thumbprint', 'publicCertificate', 'passphrase'],
  privateKeyPfxPath: ['privateKeyPfxPath', 'passphrase', 'publicCertificate'],
  clientAssertion: ['clientAssertion'],
};

function expectType(obj: Record<string, unknown>, key: string, type: 'string' | 'boolean'): void {
  if (obj[key] !== undefined && typeof obj[key] !== type) {
    throw new InvalidArgumentError(`clientCredential.${key} must be a ${type}`);
  }
}

function kindOf(credential: Record<string, unknown>): Kind {
  const present = KINDS.filter((k) => credential[k] !== undefined);
  if (present.length !== 1) {
    const snake = Object.keys(credential).some((k) => k.includes('_')) ? ' (options are camelCase, e.g. privateKey, not private_key)' : '';
    throw new InvalidArgumentError(
      `clientCredential must have exactly one of ${KINDS.join(', ')}; got ${present.length === 0 ? 'none' : present.join(' and ')}${snake}`,
    );
  }
  const kind = present[0] as Kind;
  const unknown = Object.keys(credential).filter((k) => credential[k] !== undefined && !ALLOWED_KEYS[kind].includes(k));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(`clientCredential with ${kind} does not take ${unknown.join(', ')}`);
  }
  return kind;
}

function nonEmpty(value: string, what: string): string {
  if (value.length === 0) throw new CredentialError(`${what} is empty`);
  return value;
}

function secretAuthenticator(secret: string): ClientAuthenticator {
  const params = { client_secret: nonEmpty(secret, 'The client secret') };
  return { params: async () => ({ ...params }) };
}

function assertionParams(assertion: string): Record<string, string> {
  return { client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion };
}

function requireEndpoint(tokenEndpoint: string): string {
  if (typeof tokenEndpoint !== 'string' || tokenEndpoint.length === 0) {
    throw new InvalidArgumentError('params() needs the token endpoint URL');
  }
  return tokenEndpoint;
}

function certificateAuthenticator(certificate: SigningCertificate, options: ClientAuthenticatorOptions, now: () => number): ClientAuthenticator {
  const sha1Only = options.authorityKind === 'adfs';
  const assertionFor = perTokenEndpoint(
    (tokenEndpoint) => () =>
      signClientAssertion(
        certificate,
        {
          clientId: options.clientId,
          tokenEndpoint,
          now: Math.floor(now() / 1000),
          clientClaims: options.clientClaims,
        },
        { sha1Only },
      ),
    { cap: ASSERTION_LIFETIME_SECONDS, now },
  );
  return { params: async (tokenEndpoint) => assertionParams(await assertionFor(requireEndpoint(tokenEndpoint))) };
}

/** Calls the callback for every request, as the reference does; caching is the AutoRefresher's job. */
function callbackAuthenticator(callback: ClientAssertionCallback, clientId: string): ClientAuthenticator {
  return {
    async params(tokenEndpoint, request = {}) {
      const context: ClientAssertionContext = { clientId, tokenEndpoint: requireEndpoint(tokenEndpoint) };
      if (request.fmiPath !== undefined) context.fmiPath = request.fmiPath;
      const assertion: unknown = await (callback.length > 0 ? callback(context) : (callback as () => string | Promise<string>)());
      if (typeof assertion !== 'string' || assertion.length === 0) {
        throw new CredentialError('The clientAssertion callback must return a non-empty string');
      }
      return assertionParams(assertion);
    },
  };
}

/**
 * Validates `credential` now (reading keys and PFX files), so a bad configuration fails at
 * construction rather than at the first token request.
 */
export function createClientAuthenticator(credential: ClientCredential, options: ClientAuthenticatorOptions): ClientAuthenticator {
  if (typeof options?.clientId !== 'string' || options.clientId.length === 0) {
    throw new InvalidArgumentError('clientId is required to authenticate a client');
  }
  if (options.clientClaims !== undefined && (typeof options.clientClaims !== 'object' || options.clientClaims === null || Array.isArray(options.clientClaims))) {
    throw new InvalidArgumentError('clientClaims must be an object of claim names to values');
  }
  const now = options.now ?? Date.now;
  const record: Record<string, unknown> = typeof credential === 'string' ? { clientSecret: credential } : (credential as Record<string, unknown>);
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new InvalidArgumentError('clientCredential must be a client secret string or a credential object');
  }
  const kind = kindOf(record);
  if (options.clientClaims !== undefined && kind !== 'privateKey' && kind !== 'privateKeyPfxPath') {
    throw new InvalidArgumentError('clientClaims apply only to certificate credentials, which sign their own assertion');
  }
  for (const key of ['clientSecret', 'thumbprint', 'passphrase', 'privateKeyPfxPath']) expectType(record, key, 'string');
  switch (kind) {
    case 'clientSecret':
      return secretAuthenticator(record.clientSecret as string);
    case 'privateKey': {
      if (typeof record.privateKey !== 'string' && !Buffer.isBuffer(record.privateKey)) {
        throw new InvalidArgumentError('clientCredential.privateKey must be PEM text or a Buffer holding it');
      }
      expectType(record, 'publicCertificate', 'string');
      const loaded = loadPemCredential(record as unknown as PemCertificateCredential);
      return certificateAuthenticator(loaded, options, now);
    }
    case 'privateKeyPfxPath': {
      expectType(record, 'publicCertificate', 'boolean');
      nonEmpty(record.privateKeyPfxPath as string, 'clientCredential.privateKeyPfxPath');
      const loaded = loadPfxCredential(record as unknown as PfxCertificateCredential);
      return certificateAuthenticator(loaded, options, now);
    }
    case 'clientAssertion': {
      const assertion = record.clientAssertion;
      if (typeof assertion === 'string') {
        const params = assertionParams(nonEmpty(assertion, 'clientCredential.clientAssertion'));
        return { params: async () => ({ ...params }) };
      }
      if (assertion instanceof AutoRefresher) return callbackAuthenticator(() => assertion.get(), options.clientId);
      if (typeof assertion !== 'function') {
        throw new InvalidArgumentError('clientCredential.clientAssertion must be a string, a function returning one, or an AutoRefresher');
      }
      return callbackAuthenticator(assertion as ClientAssertionCallback, options.clientId);
    }
  }
}
