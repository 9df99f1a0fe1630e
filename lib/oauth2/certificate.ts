/**
 * Loading certificate credentials (PEM key, PEM certificate chain, PFX) into what the
 * assertion signer needs: an RSA private key, the leaf certificate's thumbprints, and the chain.
 */
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type forge from 'node-forge';
import { CredentialError, InvalidArgumentError } from '../errors.js';
import { nodeForge } from './lazy-dependencies.js';

export interface SigningCertificate {
  key: KeyObject;
  /** SHA-1 of the leaf certificate's DER (caller-given when no certificate was supplied). */
  sha1Thumbprint: Buffer;
  /** SHA-256 of the leaf certificate's DER; known only when the certificate itself was given. */
  sha256Thumbprint?: Buffer;
  /** Base64 DER certificates, leaf first; present only when the caller asked to send the chain. */
  x5c?: string[];
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/gi;

/**
 * The base64 DER body of every CERTIFICATE block in `pem`, in order, as MSAL
 * Python's extract_certs: text without any block is taken as one certificate
 * body already (unless it is a private key), so a bare base64 certificate works.
 * Bodies are not checked here; loading the certificate does that.
 */
export function extractCerts(pem: string): string[] {
  if (typeof pem !== 'string') throw new InvalidArgumentError('extractCerts expects PEM text');
  // Whitespace goes: a certificate in an x5c header is one unbroken base64 string.
  const certs = [...pem.matchAll(CERT_BLOCK)].map((match) => (match[1] ?? '').replace(/\s+/g, ''));
  if (certs.length > 0) return certs;
  if (pem.includes('PRIVATE KEY')) throw new CredentialError('Expected a public certificate, but the text holds a private key');
  const bare = pem.replace(/\s+/g, '');
  if (bare === '') throw new CredentialError('No certificate: the text is empty');
  return [bare];
}

export function thumbprint(der: Buffer, algorithm: 'sha1' | 'sha256'): Buffer {
  return createHash(algorithm).update(der).digest();
}

/** Accepts the hex forms people copy from portals and cert stores: any case, with spaces or colons. */
export function parseSha1Thumbprint(hex: string): Buffer {
  const clean = hex.replace(/[\s:\u200e]/g, '');
  if (!/^[0-9a-fA-F]{40}$/.test(clean)) {
    throw new CredentialError('thumbprint must be the 40 hex digits of the certificate\'s SHA-1 thumbprint');
  }
  return Buffer.from(clean, 'hex');
}

function requireRsa(key: KeyObject, where: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new CredentialError(`${where} must be an RSA private key (got ${key.asymmetricKeyType ?? 'unknown'}); Entra signs client assertions with RS256/PS256`);
  }
  return key;
}

function parsePemKey(pem: string | Buffer, passphrase: string | undefined): KeyObject {
  try {
    return requireRsa(
      createPrivateKey({ key: pem, format: 'pem', ...(passphrase === undefined ? {} : { passphrase }) }),
      'privateKey',
    );
  } catch (e) {
    if (e instanceof CredentialError) throw e;
    const hint = passphrase === undefined ? ' (if it is encrypted, pass its passphrase)' : ' (wrong passphrase?)';
    throw new CredentialError(`privateKey could not be read as a PEM private key${hint}`, { cause: e });
  }
}

/** Puts the certificate that belongs to `key` first; throws if none does. */
function orderLeafFirst(certs: Buffer[], key: KeyObject, source: string): Buffer[] {
  const leafIndex = certs.findIndex((der) => {
    try {
      return new X509Certificate(der).checkPrivateKey(key);
    } catch (e) {
      throw new CredentialError(`${source} holds a certificate that cannot be parsed`, { cause: e });
    }
  });
  if (leafIndex < 0) throw new CredentialError(`No certificate in ${source} matches the private key`);
  const leaf = certs[leafIndex] as Buffer;
  return [leaf, ...certs.filter((_, i) => i !== leafIndex)];
}

function fromChain(key: KeyObject, chain: Buffer[], sendChain: boolean): SigningCertificate {
  const leaf = chain[0] as Buffer;
  return {
    key,
    sha1Thumbprint: thumbprint(leaf, 'sha1'),
    sha256Thumbprint: thumbprint(leaf, 'sha256'),
    ...(sendChain ? { x5c: chain.map((der) => der.toString('base64')) } : {}),
  };
}

export interface PemCertificateCredential {
  privateKey: string | Buffer;
  thumbprint?: string | undefined;
  publicCertificate?: string | undefined;
  passphrase?: string | undefined;
}

export function loadPemCredential(credential: PemCertificateCredential): SigningCertificate {
  const key = parsePemKey(credential.privateKey, credential.passphrase);
  if (credential.publicCertificate === undefined) {
    if (credential.thumbprint === undefined) {
      throw new CredentialError('A privateKey credential needs its certificate\'s thumbprint or publicCertificate');
    }
    return { key, sha1Thumbprint: parseSha1Thumbprint(credential.thumbprint) };
  }
  const certs = extractCerts(credential.publicCertificate).map((b64) => Buffer.from(b64, 'base64'));
  // The leaf must lead: servers take x5c[0] as the signing certificate.
  if (orderLeafFirst(certs, key, 'publicCertificate')[0] !== certs[0]) {
    throw new CredentialError('The first certificate in publicCertificate must be the one that matches privateKey');
  }
  const loaded = fromChain(key, certs, true);
  if (credential.thumbprint !== undefined && !parseSha1Thumbprint(credential.thumbprint).equals(loaded.sha1Thumbprint)) {
    throw new CredentialError('thumbprint does not match the SHA-1 thumbprint of publicCertificate');
  }
  return loaded;
}

export interface PfxCertificateCredential {
  privateKeyPfxPath: string;
  passphrase?: string | undefined;
  publicCertificate?: boolean | undefined;
}

function bagsOf(p12: forge.pkcs12.Pkcs12Pfx, bagType: string | undefined): forge.pkcs12.Bag[] {
  return bagType === undefined ? [] : (p12.getBags({ bagType })[bagType] ?? []);
}

export function loadPfxCredential(credential: PfxCertificateCredential): SigningCertificate {
  const path = credential.privateKeyPfxPath;
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new CredentialError(`Cannot read the PFX file at ${path}`, { cause: e });
  }
  const forgeLib = nodeForge();
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forgeLib.pkcs12.pkcs12FromAsn1(forgeLib.asn1.fromDer(raw.toString('binary')), credential.passphrase ?? '');
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new CredentialError(`Cannot open the PFX file at ${path}: ${reason}`, { cause: e });
  }
  const keyBags = [...bagsOf(p12, forgeLib.pki.oids.pkcs8ShroudedKeyBag), ...bagsOf(p12, forgeLib.pki.oids.keyBag)];
  const forgeKey = keyBags.find((bag) => bag.key)?.key;
  if (!forgeKey) throw new CredentialError(`The PFX file at ${path} holds no RSA private key`);
  const key = requireRsa(createPrivateKey(forgeLib.pki.privateKeyToPem(forgeKey)), 'The PFX private key');
  const certs = bagsOf(p12, forgeLib.pki.oids.certBag)
    .flatMap((bag) => (bag.cert ? [bag.cert] : []))
    .map((cert) => Buffer.from(forgeLib.asn1.toDer(forgeLib.pki.certificateToAsn1(cert)).getBytes(), 'binary'));
  if (certs.length === 0) throw new CredentialError(`The PFX file at ${path} holds no certificate`);
  return fromChain(key, orderLeafFirst(certs, key, `the PFX file at ${path}`), credential.publicCertificate === true);
}
