/**
 * The software key that Proof-of-Possession tokens are bound to: one RSA-2048
 * key per application, optionally persisted so bound tokens in a persisted
 * cache stay usable across restarts.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Jwk, WebCryptoKey } from './jwk.js';

/** Where the private key lives between runs. Holds the private JWK as JSON text. */
export interface PopKeyStore {
  /** The stored private JWK (JSON text), undefined when none was stored yet. */
  load(): Promise<string | undefined>;
  /** Stores the private JWK; keep it as private as a password. */
  save(jwkJson: string): Promise<void>;
}

/** A Proof-of-Possession key pair, as {@link PopAuthScheme.signRequest} uses it. */
export interface PopKey {
  /** The RSA private key that signs requests. */
  privateKey: WebCryptoKey;
  /** Public members only (kty, n, e): what goes into `cnf.jwk`. */
  publicJwk: Jwk;
  /** RFC 7638 SHA-256 thumbprint, base64url: the `kid` the token gets bound to. */
  kid: string;
}

export const POP_ALG = 'RS256';
const MODULUS_BITS = 2048;

function publicPart(jwk: JWK): JWK {
  // An RSA key's public JWK always has all three.
  return { kty: jwk.kty as string, n: jwk.n as string, e: jwk.e as string };
}

async function fromPrivateJwk(jwk: JWK): Promise<PopKey> {
  const privateKey = (await importJWK(jwk, POP_ALG, { extractable: true })) as WebCryptoKey;
  const publicJwk = publicPart(jwk);
  return { privateKey, publicJwk, kid: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

/** Only a complete RSA-2048 private JWK is reusable; anything else is replaced. */
function parseStoredJwk(text: string): JWK | undefined {
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof jwk !== 'object' || jwk === null) return undefined;
  const k = jwk as JWK;
  const members = [k.n, k.e, k.d, k.p, k.q, k.dp, k.dq, k.qi];
  if (k.kty !== 'RSA' || members.some((m) => typeof m !== 'string')) return undefined;
  if (Buffer.from(k.n as string, 'base64url').length * 8 !== MODULUS_BITS) return undefined;
  return k;
}

export async function generatePopKey(): Promise<{ key: PopKey; privateJwk: JWK }> {
  const { privateKey } = await generateKeyPair(POP_ALG, { extractable: true, modulusLength: MODULUS_BITS });
  const privateJwk = await exportJWK(privateKey);
  return { key: await fromPrivateJwk(privateJwk), privateJwk };
}

/**
 * Reuses the stored key when there is a valid one; otherwise generates a new
 * key and saves it (a corrupt stored key is overwritten, since nothing it
 * signed can be verified any more anyway).
 */
export async function loadOrCreatePopKey(store?: PopKeyStore): Promise<PopKey> {
  const stored = store ? await store.load() : undefined;
  const jwk = stored === undefined ? undefined : parseStoredJwk(stored);
  const restored = jwk ? await fromPrivateJwk(jwk).catch(() => undefined) : undefined;
  if (restored) return restored;
  const { key, privateJwk } = await generatePopKey();
  await store?.save(JSON.stringify(privateJwk));
  return key;
}

/** Holds an application's PoP key; concurrent first callers share one generation. */
export class PopKeyManager {
  private keyPromise: Promise<PopKey> | undefined;
  private readonly store: PopKeyStore | undefined;

  constructor(options: { store?: PopKeyStore | undefined } = {}) {
    this.store = options.store;
  }

  getKey(): Promise<PopKey> {
    if (!this.keyPromise) {
      this.keyPromise = loadOrCreatePopKey(this.store);
      // A failed load (e.g. unreadable store) must not poison later attempts.
      this.keyPromise.catch(() => (this.keyPromise = undefined));
    }
    return this.keyPromise;
  }
}
