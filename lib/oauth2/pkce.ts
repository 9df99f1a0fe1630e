import { createHash, randomBytes } from 'node:crypto';

export interface Pkce {
  verifier: string;
  challenge: string;
  method: 'S256';
}

/** RFC 7636 proof key. Only S256: the plain method leaks the verifier to anyone who sees the authorize URL. */
export function createPkce(): Pkce {
  // 48 random bytes give a 64-char base64url verifier, inside RFC 7636's 43..128 bounds.
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
