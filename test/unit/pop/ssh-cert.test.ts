import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../lib/errors.js';
import { loadOrCreatePopKey } from '../../../lib/pop/pop-key.js';
import { SshCertAuthScheme, sshCertParams } from '../../../lib/pop/ssh-cert.js';

describe('SSH certificate scheme', () => {
  it('builds token_type=ssh-cert, req_cnf=<public JWK JSON>, key_id', async () => {
    const { publicJwk } = await loadOrCreatePopKey();
    const scheme = new SshCertAuthScheme({ publicKeyJwk: publicJwk, keyId: 'key1' });
    expect(scheme.tokenRequestParams).toEqual({ token_type: 'ssh-cert', req_cnf: JSON.stringify(publicJwk), key_id: 'key1' });
    const fromText = new SshCertAuthScheme({ publicKeyJwk: JSON.stringify(publicJwk), keyId: 'key1' });
    expect(JSON.parse(fromText.tokenRequestParams.req_cnf)).toEqual(publicJwk);
  });

  it('requires key_id and a usable public JWK', () => {
    const jwk = { kty: 'RSA', n: 'AQAB', e: 'AQAB' };
    const bad: unknown[] = [
      undefined,
      { publicKeyJwk: jwk },
      { publicKeyJwk: jwk, keyId: '' },
      { publicKeyJwk: '{not json', keyId: 'k' },
      { publicKeyJwk: '[]', keyId: 'k' },
      { publicKeyJwk: { n: 'x' }, keyId: 'k' },
      { publicKeyJwk: { kty: 'RSA', e: 'AQAB' }, keyId: 'k' },
      { publicKeyJwk: { ...jwk, d: 'secret' }, keyId: 'k' },
    ];
    for (const options of bad) expect(() => new SshCertAuthScheme(options as never)).toThrow(InvalidArgumentError);
  });

  it('validates MSAL Python style data dicts', () => {
    const jwk = JSON.stringify({ kty: 'RSA', n: 'AQAB', e: 'AQAB' });
    expect(sshCertParams({ token_type: 'ssh-cert', req_cnf: jwk, key_id: 'k' })).toEqual({ token_type: 'ssh-cert', req_cnf: jwk, key_id: 'k' });
    expect(() => sshCertParams({ token_type: 'ssh-cert', req_cnf: jwk })).toThrow(/key_id is required/);
    expect(() => sshCertParams({ token_type: 'pop', req_cnf: jwk, key_id: 'k' })).toThrow(InvalidArgumentError);
    expect(() => sshCertParams({ token_type: 'ssh-cert', key_id: 'k' })).toThrow(InvalidArgumentError);
  });
});
