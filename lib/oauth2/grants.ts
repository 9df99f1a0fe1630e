/**
 * One thin builder per OAuth2 grant. Each turns typed arguments into token-endpoint
 * parameters; TokenClient does the transport, client authentication and parsing.
 */
import { InvalidArgumentError } from '../errors.js';
import { scopesToString } from './scopes.js';
import type { TokenClient } from './token-client.js';
import type { ErrorResponse, TokenResponse } from './types.js';

export const GrantType = {
  AuthorizationCode: 'authorization_code',
  RefreshToken: 'refresh_token',
  ClientCredentials: 'client_credentials',
  DeviceCode: 'urn:ietf:params:oauth:grant-type:device_code',
  Password: 'password',
  JwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  UserFic: 'user_fic',
  Saml11Bearer: 'urn:ietf:params:oauth:grant-type:saml1_1-bearer',
  Saml2Bearer: 'urn:ietf:params:oauth:grant-type:saml2-bearer',
} as const;
export type GrantType = (typeof GrantType)[keyof typeof GrantType];

export interface GrantOptions {
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
  /** Extra body parameters (MSAL Python's `data`). The grant's own parameters win on conflict. */
  extra?: Record<string, string> | undefined;
  /** Proof-of-possession: `pop` (with reqCnf) or `ssh-cert`. */
  tokenType?: string | undefined;
  reqCnf?: string | undefined;
}

type Params = Record<string, string | undefined>;
export type Grant<A> = (
  client: TokenClient,
  tokenEndpoint: string,
  args: A,
  options?: GrantOptions,
) => Promise<TokenResponse | ErrorResponse>;

function grant<A>(build: (args: A) => Params): Grant<A> {
  // async so that argument errors from `build` reject instead of throwing synchronously.
  return async (client, tokenEndpoint, args, options = {}) =>
    client.request(
      tokenEndpoint,
      {
        ...options.extra,
        ...(options.tokenType !== undefined ? { token_type: options.tokenType } : {}),
        ...(options.reqCnf !== undefined ? { req_cnf: options.reqCnf } : {}),
        ...build(args),
      },
      { headers: options.headers, signal: options.signal },
    );
}

interface Scoped {
  scopes: readonly string[];
  claims?: string | undefined;
}

const scoped = (a: Scoped): Params => ({ scope: scopesToString(a.scopes), claims: a.claims });

export const byAuthorizationCode = grant(
  (a: Scoped & { code: string; redirectUri?: string | undefined; codeVerifier?: string | undefined }) => ({
    grant_type: GrantType.AuthorizationCode,
    code: a.code,
    redirect_uri: a.redirectUri,
    code_verifier: a.codeVerifier,
    ...scoped(a),
  }),
);

export const byRefreshToken = grant((a: Scoped & { refreshToken: string }) => ({
  grant_type: GrantType.RefreshToken,
  refresh_token: a.refreshToken,
  ...scoped(a),
}));

export const byClientCredentials = grant((a: Scoped & { fmiPath?: string | undefined }) => ({
  grant_type: GrantType.ClientCredentials,
  fmi_path: a.fmiPath,
  ...scoped(a),
}));

export const byDeviceCode = grant((a: { deviceCode: string; claims?: string | undefined }) => ({
  grant_type: GrantType.DeviceCode,
  device_code: a.deviceCode,
  claims: a.claims,
}));

export const byUsernamePassword = grant((a: Scoped & { username: string; password: string }) => ({
  grant_type: GrantType.Password,
  username: a.username,
  password: a.password,
  ...scoped(a),
}));

export const byOnBehalfOf = grant((a: Scoped & { assertion: string }) => ({
  grant_type: GrantType.JwtBearer,
  assertion: a.assertion,
  requested_token_use: 'on_behalf_of',
  ...scoped(a),
}));

/** Agent identities: exchange a federated credential for a user's token. Names the user by UPN or object id. */
export const byUserFic = grant(
  (a: Scoped & { userFederatedIdentityCredential: string; username?: string | undefined; userObjectId?: string | undefined }) => {
    if (!a.username === !a.userObjectId) {
      throw new InvalidArgumentError('user_fic needs exactly one of username or userObjectId');
    }
    return {
      grant_type: GrantType.UserFic,
      user_federated_identity_credential: a.userFederatedIdentityCredential,
      username: a.username,
      user_id: a.userObjectId,
      ...scoped(a),
    };
  },
);

/** A SAML token from WS-Trust, sent base64url without padding as RFC 7522 asks. */
export const bySamlBearer = grant((a: Scoped & { assertion: string; samlVersion: '1.1' | '2.0' }) => ({
  grant_type: a.samlVersion === '1.1' ? GrantType.Saml11Bearer : GrantType.Saml2Bearer,
  assertion: Buffer.from(a.assertion, 'utf8').toString('base64url'),
  ...scoped(a),
}));
