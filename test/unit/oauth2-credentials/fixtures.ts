/**
 * Keys and certificates made fresh for each run with the openssl CLI, so no private key is ever
 * committed: a CA, a leaf signed by it, an encrypted copy of the leaf key, PFX files, an EC key.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Fixtures {
  dir: string;
  caCertPem: string;
  leafKeyPem: string;
  leafCertPem: string;
  /** Leaf then CA, as a chain is usually stored. */
  chainPem: string;
  encryptedLeafKeyPem: string;
  passphrase: string;
  otherKeyPem: string;
  ecKeyPem: string;
  pfxNoPassword: string;
  pfxWithPassword: string;
  /** A PFX whose certificates come CA first, to prove the leaf is found by key. */
  pfxCaFirst: string;
  sha1Hex: string;
  sha256Hex: string;
  cleanup(): void;
}

function openssl(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function fingerprintHex(cwd: string, file: string, alg: 'sha1' | 'sha256'): string {
  const out = openssl(['x509', '-in', file, '-noout', '-fingerprint', `-${alg}`], cwd);
  return (out.split('=')[1] ?? '').replace(/[:\s]/g, '').toLowerCase();
}

export function makeFixtures(): Fixtures {
  const dir = mkdtempSync(join(tmpdir(), 'bb-oauth2-cred-'));
  const passphrase = 'correct horse';
  const run = (...args: string[]) => openssl(args, dir);
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Test CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=test-app');
  run('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.crt', '-days', '2');
  run('pkey', '-in', 'leaf.key', '-aes256', '-passout', `pass:${passphrase}`, '-out', 'leaf.enc.key');
  run('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'other.key');
  run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ec.key');
  run('pkcs12', '-export', '-inkey', 'leaf.key', '-in', 'leaf.crt', '-certfile', 'ca.crt', '-passout', 'pass:', '-out', 'nopass.pfx');
  run('pkcs12', '-export', '-inkey', 'leaf.key', '-in', 'leaf.crt', '-certfile', 'ca.crt', '-passout', `pass:${passphrase}`, '-out', 'pass.pfx');
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  writeFileSync(join(dir, 'ca-first.pem'), read('ca.crt') + read('leaf.crt'));
  run('pkcs12', '-export', '-inkey', 'leaf.key', '-in', 'ca-first.pem', '-passout', `pass:${passphrase}`, '-out', 'ca-first.pfx');
  return {
    dir,
    caCertPem: read('ca.crt'),
    leafKeyPem: read('leaf.key'),
    leafCertPem: read('leaf.crt'),
    chainPem: read('leaf.crt') + read('ca.crt'),
    encryptedLeafKeyPem: read('leaf.enc.key'),
    passphrase,
    otherKeyPem: read('other.key'),
    ecKeyPem: read('ec.key'),
    pfxNoPassword: join(dir, 'nopass.pfx'),
    pfxWithPassword: join(dir, 'pass.pfx'),
    pfxCaFirst: join(dir, 'ca-first.pfx'),
    sha1Hex: fingerprintHex(dir, 'leaf.crt', 'sha1'),
    sha256Hex: fingerprintHex(dir, 'leaf.crt', 'sha256'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Base64 DER body of a single-certificate PEM, computed independently of the code under test. */
export function derBase64(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}
