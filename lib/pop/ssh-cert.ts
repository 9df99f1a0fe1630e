/**
 * SSH certificates from Entra: the token endpoint signs the caller's SSH
 * public key (sent as a JWK) and returns a certificate in place of an access token.
 */
import type { Jwk } from './jwk.js';
import { InvalidArgumentError } from '../errors.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Options of {@link SshCertAuthScheme}. */
export interface SshCertAuthSchemeOptions {
  /** The public key to certify: a JWK object or its JSON text. */
  publicKeyJwk: Jwk | string;
  /** Identifies the key; required by the STS and part of the cache lookup. */
  keyId: string;
}

/** The token request parameters an SSH certificate request adds. */
export interface SshCertTokenParams {
  /** Always 'ssh-cert'. */
  token_type: 'ssh-cert';
  /** The public JWK, as JSON text. */
  req_cnf: string;
  /** The key id. */
  key_id: string;
}

function parsePublicJwk(input: Jwk | string): Jwk {
  let jwk: unknown = input;
  if (typeof input === 'string') {
    try {
      jwk = JSON.parse(input);
    } catch (e) {
      throw new InvalidArgumentError('publicKeyJwk is not valid JSON', { cause: e });
    }
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw new InvalidArgumentError('publicKeyJwk must be a JWK object');
  }
  const k = jwk as Jwk;
  if (typeof k.kty !== 'string') throw new InvalidArgumentError('publicKeyJwk has no kty');
  if (k.kty === 'RSA' && (typeof k.n !== 'string' || typeof k.e !== 'string')) {
    throw new InvalidArgumentError('An RSA publicKeyJwk needs n and e');
  }
  // The JWK travels to the STS; refuse to leak a private key by mistake.
  if (PRIVATE_MEMBERS.some((m) => m in k)) {
    throw new InvalidArgumentError('publicKeyJwk contains private key material');
  }
  return k;
}

/**
 * Asks an acquire* call for an SSH certificate instead of an access token: the token endpoint
 * signs the given public key, and the result's `access_token` holds the certificate
 * (token_type 'ssh-cert'). Always goes to the identity provider, never to the broker.
 *
 * @example
 * ```ts
 * const scheme = new SshCertAuthScheme({ publicKeyJwk: { kty: 'RSA', n, e: 'AQAB' }, keyId: 'my-ssh-key' });
 * const r = await app.acquireTokenInteractive(['https://pas.windows.net/CheckMyAccess/Linux/.default'], { authScheme: scheme });
 * if (!isErrorResult(r)) await writeFile(certPath, `${r.access_token}\n`); // "ssh-rsa-cert-v01@openssh.com AAAA..."
 * ```
 */
export class SshCertAuthScheme {
  /** The key id the certificate is cached under. */
  readonly keyId: string;
  /** The public key to certify. */
  readonly publicKeyJwk: Jwk;

  constructor(options: SshCertAuthSchemeOptions) {
    if (!options || typeof options !== 'object') throw new InvalidArgumentError('SshCertAuthScheme needs { publicKeyJwk, keyId }');
    if (typeof options.keyId !== 'string' || options.keyId.length === 0) {
      throw new InvalidArgumentError('keyId is required for SSH certificates');
    }
    this.publicKeyJwk = parsePublicJwk(options.publicKeyJwk);
    this.keyId = options.keyId;
  }

  /** The parameters this scheme adds to the token request. */
  get tokenRequestParams(): SshCertTokenParams {
    return { token_type: 'ssh-cert', req_cnf: JSON.stringify(this.publicKeyJwk), key_id: this.keyId };
  }
}

/**
 * For callers porting MSAL Python, which passes SSH parameters through `data`:
 * validates such a dict and returns the normalized params (key_id required).
 */
export function sshCertParams(data: { token_type?: string | undefined; req_cnf?: unknown; key_id?: unknown }): SshCertTokenParams {
  if (data.token_type !== 'ssh-cert') throw new InvalidArgumentError('token_type must be "ssh-cert"');
  if (typeof data.key_id !== 'string' || data.key_id.length === 0) {
    throw new InvalidArgumentError('key_id is required when token_type is "ssh-cert"');
  }
  if (typeof data.req_cnf !== 'string' && (typeof data.req_cnf !== 'object' || data.req_cnf === null)) {
    throw new InvalidArgumentError('req_cnf must hold the public JWK');
  }
  return new SshCertAuthScheme({ publicKeyJwk: data.req_cnf as Jwk | string, keyId: data.key_id }).tokenRequestParams;
}
