/**
 * A complete local Entra for facade tests: discovery, token and device-code
 * endpoints, user realm + WS-Trust federation, one tenant, known users and apps.
 */
import { LocalSts } from './sts/server.js';
import { registerDiscovery, tenantIdFor } from './sts/discovery.js';
import { registerFederation, type FederationStub } from './sts/federation.js';
import { registerTokenEndpoints, type StsClientApp, type StsState, type StsUser } from './sts/token.js';

export const TENANT = 'contoso.onmicrosoft.com';
export const PUBLIC_CLIENT_ID = '11111111-1111-4111-8111-111111111111';
export const FAMILY_CLIENT_ID = '22222222-2222-4222-8222-222222222222';
export const FAMILY_CLIENT_ID_2 = '44444444-4444-4444-8444-444444444444';
export const CONFIDENTIAL_CLIENT_ID = '33333333-3333-4333-8333-333333333333';
export const CLIENT_SECRET = 'test-secret-value';

export interface LocalEntra {
  sts: LocalSts;
  state: StsState;
  federation: FederationStub;
  tenantId: string;
  alice: StsUser;
  bob: StsUser;
  /** Options every app in a test needs to talk to the local STS. */
  appOptions(clientId?: string, tenant?: string): {
    clientId: string;
    authority: string;
    allowHttpLoopbackAuthority: true;
    instanceDiscoveryEndpoint: string;
  };
  stop(): Promise<void>;
}

export async function startLocalEntra(options: { clients?: StsClientApp[] } = {}): Promise<LocalEntra> {
  const sts = await new LocalSts().start();
  registerDiscovery(sts);
  const tenantId = tenantIdFor(TENANT);
  const alice: StsUser = { oid: 'a11ce000-0000-4000-8000-000000000001', tid: tenantId, username: 'alice@contoso.com', password: 'alice-pw', name: 'Alice' };
  const bob: StsUser = { oid: 'b0b00000-0000-4000-8000-000000000002', tid: tenantId, username: 'bob@fabrikam.com', password: 'bob-pw', name: 'Bob' };
  const state = await registerTokenEndpoints(sts, {
    defaultTenantId: tenantId,
    users: [alice, bob],
    clients: [
      { clientId: PUBLIC_CLIENT_ID },
      { clientId: FAMILY_CLIENT_ID, familyId: '1' },
      { clientId: FAMILY_CLIENT_ID_2, familyId: '1' },
      { clientId: CONFIDENTIAL_CLIENT_ID, secret: CLIENT_SECRET },
      ...(options.clients ?? []),
    ],
  });
  const federation = registerFederation(sts, {
    users: {
      [alice.username]: { password: alice.password!, federated: false },
      [bob.username]: { password: bob.password!, federated: true },
    },
  });
  return {
    sts,
    state,
    federation,
    tenantId,
    alice,
    bob,
    appOptions: (clientId = PUBLIC_CLIENT_ID, tenant = TENANT) => ({
      clientId,
      authority: `${sts.baseUrl}/${tenant}`,
      allowHttpLoopbackAuthority: true,
      instanceDiscoveryEndpoint: sts.baseUrl,
    }),
    stop: () => sts.stop(),
  };
}
