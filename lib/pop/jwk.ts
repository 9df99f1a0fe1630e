/**
 * The key types in brokerbridge's public API. jose's own types stay out of the
 * published declarations: jose is ESM-only, so a CommonJS consumer's type check
 * (moduleResolution node16) cannot import them (TS1479).
 */
import type { webcrypto } from 'node:crypto';

/** A JSON Web Key (RFC 7517) as plain JSON; members beyond those listed pass through. */
export interface Jwk {
  kty?: string;
  kid?: string;
  use?: string;
  alg?: string;
  /** RSA modulus and exponent. */
  n?: string;
  e?: string;
  /** Elliptic-curve name and point. */
  crv?: string;
  x?: string;
  y?: string;
  [member: string]: unknown;
}

/** A Web Crypto key, as `crypto.subtle` and jose produce it. */
export type WebCryptoKey = webcrypto.CryptoKey;
