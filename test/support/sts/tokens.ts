/**
 * Mints the JWTs and client_info blobs the local STS hands out, signed with a key the
 * tests can fetch as a JWKS. Also usable directly by tests that need a realistic ID token.
 */
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, privateKey, publicKey, publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

/** The JWKS document for jwks_uri. */
export function jwksOf(...keys: SigningKey[]): { keys: JWK[] } {
  return { keys: keys.map((k) => k.publicJwk) };
}

export async function signJwt(key: SigningKey, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ typ: 'JWT', ...header, alg: 'RS256', kid: key.kid }).sign(key.privateKey);
}

export interface IdTokenInput {
  issuer: string;
  clientId: string;
  oid: string;
  tid: string;
  /** Defaults to a pairwise-looking value derived from oid, as Entra's sub differs from oid. */
  sub?: string;
  preferredUsername?: string;
  name?: string;
  nonce?: string;
  authTime?: number;
  /** Seconds since the epoch; defaults to now. */
  iat?: number;
  lifetimeSeconds?: number;
  extra?: Record<string, unknown>;
}

export function idTokenClaims(input: IdTokenInput): JWTPayload {
  const iat = input.iat ?? Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    ver: '2.0',
    iss: input.issuer,
    aud: input.clientId,
    sub: input.sub ?? `sub-${input.oid}`,
    oid: input.oid,
    tid: input.tid,
    iat,
    nbf: iat,
    exp: iat + (input.lifetimeSeconds ?? 3600),
    auth_time: input.authTime ?? iat,
    ...input.extra,
  };
  if (input.preferredUsername !== undefined) claims.preferred_username = input.preferredUsername;
  if (input.name !== undefined) claims.name = input.name;
  if (input.nonce !== undefined) claims.nonce = input.nonce;
  return claims;
}

export function mintIdToken(key: SigningKey, input: IdTokenInput): Promise<string> {
  return signJwt(key, idTokenClaims(input));
}

export interface AccessTokenInput {
  issuer: string;
  audience: string;
  clientId: string;
  scope: string;
  /** Absent for app-only tokens. */
  user?: { oid: string; tid: string; preferredUsername?: string };
  tid: string;
  lifetimeSeconds: number;
  /** Proof-of-possession binding (RFC 7800 cnf). */
  cnf?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

export function mintAccessToken(key: SigningKey, input: AccessTokenInput): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    ver: '2.0',
    iss: input.issuer,
    aud: input.audience,
    azp: input.clientId,
    appid: input.clientId,
    tid: input.tid,
    iat,
    nbf: iat,
    exp: iat + input.lifetimeSeconds,
    uti: randomUUID(),
    ...input.extra,
  };
  if (input.user) {
    claims.sub = input.user.oid;
    claims.oid = input.user.oid;
    claims.scp = input.scope;
    if (input.user.preferredUsername !== undefined) claims.preferred_username = input.user.preferredUsername;
  } else {
    claims.sub = input.clientId;
    claims.roles = [];
  }
  if (input.cnf) claims.cnf = input.cnf;
  return signJwt(key, claims, { typ: 'at+jwt' });
}

/** Entra's client_info: base64url JSON {"uid","utid"}. */
export function encodeClientInfo(uid: string, utid: string): string {
  return Buffer.from(JSON.stringify({ uid, utid }), 'utf8').toString('base64url');
}
