/**
 * A real, standards-conformant OpenID Provider (node-oidc-provider) on
 * 127.0.0.1 for end-to-end tests: browser sign-in with PKCE, the device flow,
 * and a confidential web client. Its dev interactions serve genuine login and
 * consent pages that test/support/browser.ts fills in.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

/** The one user the provider knows. Dev interactions accept any password. */
export const TEST_ACCOUNT = {
  username: 'alice',
  password: 'correct horse battery staple',
  claims: {
    sub: 'alice',
    name: 'Alice Example',
    preferred_username: 'alice@example.test',
    email: 'alice@example.test',
    email_verified: true,
  },
} as const;

export interface StartOidcProviderOptions {
  /** Exact redirect URIs for the confidential web client. */
  webRedirectUris?: string[];
}

export interface OidcProviderHandle {
  /** http://127.0.0.1:<port>; discovery at `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /** Native public client: token_endpoint_auth_method none, PKCE required, any-port http://localhost redirects, device flow. */
  publicClientId: string;
  webClient: { clientId: string; clientSecret: string; redirectUris: string[] };
  account: typeof TEST_ACCOUNT;
  provider: Provider;
  stop(): Promise<void>;
}

export async function startOidcProvider(options: StartOidcProviderOptions = {}): Promise<OidcProviderHandle> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test-signing-key' };
  const publicClientId = 'brokerbridge-native';
  const webClient = {
    clientId: 'brokerbridge-web',
    clientSecret: randomBytes(24).toString('base64url'),
    redirectUris: options.webRedirectUris ?? ['http://localhost:5173/auth/callback'],
  };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: publicClientId,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        // RFC 8252 §7.3: for native clients the provider ignores the port of loopback redirects.
        redirect_uris: ['http://localhost', 'http://127.0.0.1'],
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types: ['code'],
      },
      {
        client_id: webClient.clientId,
        client_secret: webClient.clientSecret,
        application_type: 'web',
        token_endpoint_auth_method: 'client_secret_post',
        redirect_uris: webClient.redirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    // Explicit lifetimes (seconds), which also keeps the provider from printing a notice per default.
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      DeviceCode: 600,
      Grant: 3600,
      IdToken: 3600,
      Interaction: 600,
      RefreshToken: 86_400,
      Session: 3600,
    },
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
    },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
    // MSAL reads the username from the ID token, so put the profile claims there.
    conformIdTokenClaims: false,
    // MSAL-style clients ask for offline_access without prompt=consent; still hand out refresh tokens.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    async findAccount(_ctx, id) {
      if (id !== TEST_ACCOUNT.username) return undefined;
      return { accountId: id, claims: async () => ({ ...TEST_ACCOUNT.claims }) };
    },
  });
  server.on('request', provider.callback());

  return {
    issuer,
    publicClientId,
    webClient,
    account: TEST_ACCOUNT,
    provider,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
