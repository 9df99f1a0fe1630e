import type { AcquireTokenResult } from '../oauth2/types.js';
import { isErrorResult } from '../oauth2/types.js';
import { PopAuthScheme } from '../pop/pop-auth-scheme.js';
import type { PopKeyManager } from '../pop/pop-key.js';
import { popTokenRequestParams } from '../pop/req-cnf.js';
import { SshCertAuthScheme } from '../pop/ssh-cert.js';
import { InvalidArgumentError } from '../errors.js';

/** What an acquire* call's `authScheme` option takes: a bound token instead of a bearer token. */
export type AuthScheme = PopAuthScheme | SshCertAuthScheme;

/** What an auth scheme changes about one request: extra parameters, the cache key id, and the result. */
export interface PreparedAuthScheme {
  extra: Record<string, string>;
  keyId: string;
  finalize(result: AcquireTokenResult): Promise<AcquireTokenResult>;
}

const passThrough = async (r: AcquireTokenResult) => r;

export async function prepareAuthScheme(
  scheme: AuthScheme | undefined,
  keys: PopKeyManager,
): Promise<PreparedAuthScheme | undefined> {
  if (scheme === undefined) return undefined;
  if (scheme instanceof SshCertAuthScheme) {
    return { extra: { ...scheme.tokenRequestParams }, keyId: scheme.keyId, finalize: passThrough };
  }
  if (!(scheme instanceof PopAuthScheme)) {
    throw new InvalidArgumentError('authScheme must be a PopAuthScheme or an SshCertAuthScheme');
  }
  const key = await keys.getKey();
  return {
    extra: { ...popTokenRequestParams(key.kid) },
    keyId: key.kid,
    // The caller sends `Authorization: PoP <access_token>`: the signed request, not the bare bound token.
    async finalize(result) {
      if (isErrorResult(result)) return result;
      return { ...result, access_token: await scheme.signRequest(result.access_token, key), token_type: 'pop' };
    },
  };
}
