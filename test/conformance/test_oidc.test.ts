/**
 * Port of MSAL Python's tests/test_oidc.py. oauth2cli.oidc.decode_id_token is our
 * exported decodeIdToken; msal.IdTokenError is our IdTokenError.
 */
import { describe, expect, it } from 'vitest';
import { decodeIdToken, IdTokenError } from '../../lib/index.js';

describe('TestIdToken', () => {
  const EXPIRED_ID_TOKEN =
    'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJpc3N1ZXIiLCJpYXQiOjE3MDY1NzA3MzIsImV4cCI6MTY3NDk0ODMzMiwiYXVkIjoiZm9vIiwic3ViIjoic3ViamVjdCJ9.wyWNFxnE35SMP6FpxnWZmWQAy4KD0No_Q1rUy5bNnLs';

  it('test_id_token_should_tolerate_time_error', () => {
    expect(decodeIdToken(EXPIRED_ID_TOKEN), 'id_token is decoded correctly, without raising exception').toEqual({
      iss: 'issuer',
      iat: 1706570732,
      exp: 1674948332, // 2023-1-28
      aud: 'foo',
      sub: 'subject',
    });
  });

  it('test_id_token_should_error_out_on_client_id_error', () => {
    expect(() => decodeIdToken(EXPIRED_ID_TOKEN, { clientId: 'not foo' })).toThrow(IdTokenError);
  });
});
