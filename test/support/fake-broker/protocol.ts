/**
 * The Linux identity broker's D-Bus contract as MSALRuntime speaks it
 * (see /work/shared/FACTS.md), and the behaviours a test can script.
 */

export const BROKER_BUS_NAME = 'com.microsoft.identity.broker1';
export const BROKER_OBJECT_PATH = '/com/microsoft/identity/broker1';
export const BROKER_INTERFACE = 'com.microsoft.identity.Broker1';

/** Every broker method has the signature (sss)->s: protocol version, correlation id, request JSON. */
export const BROKER_METHODS = [
  'acquireTokenInteractively',
  'acquireTokenSilently',
  'getAccounts',
  'removeAccount',
  'acquirePrtSsoCookie',
  'generateSignedHttpRequest',
  'cancelInteractiveFlow',
  'getLinuxBrokerVersion',
] as const;
export type BrokerMethod = (typeof BROKER_METHODS)[number];

export interface FakeAccount {
  environment: string;
  givenName: string;
  homeAccountId: string;
  localAccountId: string;
  name: string;
  passwordExpiry: number;
  realm: string;
  username: string;
}

export type Behaviour =
  /** A token response; `pop` makes accessTokenType 1. */
  | { kind: 'token'; pop?: boolean; accessToken?: string; scopes?: string; expiresInSeconds?: number }
  /** A broker error object with this MSALRuntime status. */
  | { kind: 'error'; status: number; errorCode?: number; subStatus?: number; tag?: number; context?: string }
  /** Any literal reply, e.g. JSON for getAccounts or deliberately broken text. */
  | { kind: 'reply'; body: string }
  /** Not JSON at all. */
  | { kind: 'garbage' }
  /** Wait, then behave as `then`. */
  | { kind: 'slow'; delayMs: number; then: Behaviour }
  /** The broker process dies while the call is in flight. */
  | { kind: 'crash' };

export interface RecordedCall {
  method: BrokerMethod;
  protocolVersion: string;
  correlationId: string;
  /** The request JSON, parsed when it parses. */
  request: unknown;
}

/** Messages over the IPC channel between the test and the broker process. */
export type ToBroker =
  | { type: 'behave'; method: BrokerMethod; behaviour: Behaviour; id: number }
  | { type: 'accounts'; accounts: FakeAccount[]; id: number };
export type FromBroker =
  | { type: 'ready' }
  | { type: 'ack'; id: number }
  | { type: 'call'; call: RecordedCall }
  | { type: 'failed'; message: string };

export const TEST_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const TEST_OID = '00000000-0000-0000-66f3-3332eca7ea81';

export function testAccount(overrides: Partial<FakeAccount> = {}): FakeAccount {
  return {
    environment: 'login.microsoftonline.com',
    givenName: 'Ada',
    homeAccountId: `${TEST_OID}.${TEST_TENANT}`,
    localAccountId: TEST_OID,
    name: 'Ada Lovelace',
    passwordExpiry: 0,
    realm: TEST_TENANT,
    username: 'ada@contoso.example',
    ...overrides,
  };
}
