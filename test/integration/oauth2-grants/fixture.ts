import { generateKeyPair, type CryptoKey } from 'jose';
import { createFetchHttpClient } from '../../../lib/http/fetch-client.js';
import type { HttpClient } from '../../../lib/http/types.js';
import { TokenClient, type ClientAuthenticator } from '../../../lib/oauth2/token-client.js';
import { LocalSts } from '../../support/sts/server.js';
import { registerTokenEndpoints, type StsState, type StsUser } from '../../support/sts/token.js';

export const TENANT = '72f988bf-0000-4000-8000-2d7cd011db47';
export const PUBLIC_CLIENT = 'public-client-id';
export const FAMILY_A = 'family-client-a';
export const FAMILY_B = 'family-client-b';
export const CONFIDENTIAL = 'confidential-client-id';
export const CERT_CLIENT = 'cert-client-id';
export const SECRET = 'the-secret';

export interface Fixture {
  sts: LocalSts;
  state: StsState;
  http: HttpClient;
  alice: StsUser;
  certKey: { privateKey: CryptoKey; publicKey: CryptoKey };
  tokenEndpoint: (tenant?: string) => string;
  publicClient: (clientId?: string) => TokenClient;
  confidentialClient: () => TokenClient;
  stop: () => Promise<void>;
}

export const secretAuthenticator: ClientAuthenticator = { params: async () => ({ client_secret: SECRET }) };

export async function startFixture(): Promise<Fixture> {
  const sts = await new LocalSts().start();
  const certKey = await generateKeyPair('RS256', { extractable: true });
  const state = await registerTokenEndpoints(sts, {
    defaultTenantId: TENANT,
    users: [{ oid: 'alice-oid', tid: TENANT, username: 'alice@contoso.com', password: 'P@ss', name: 'Alice' }],
    clients: [
      { clientId: CONFIDENTIAL, secret: SECRET },
      { clientId: CERT_CLIENT, assertionKey: certKey.publicKey },
      { clientId: FAMILY_A, familyId: '1' },
      { clientId: FAMILY_B, familyId: '1' },
    ],
  });
  const http = createFetchHttpClient({ timeoutMs: 5000, retryOnConnectionError: false });
  const alice = state.userByName('alice@contoso.com') as StsUser;
  return {
    sts,
    state,
    http,
    alice,
    certKey,
    tokenEndpoint: (tenant = TENANT) => `${sts.baseUrl}/${tenant}/oauth2/v2.0/token`,
    publicClient: (clientId = PUBLIC_CLIENT) => new TokenClient({ http, clientId }),
    confidentialClient: () => new TokenClient({ http, clientId: CONFIDENTIAL, authenticator: secretAuthenticator }),
    stop: () => sts.stop(),
  };
}
