/**
 * The fake com.microsoft.identity.broker1 service. Runs in its own process
 * (see controller.ts) so a test can make it die mid-call for real. Talks to
 * the test over the Node IPC channel: behaviours in, recorded calls out.
 */
import dbus from 'dbus-next';
import {
  BROKER_BUS_NAME,
  BROKER_INTERFACE,
  BROKER_METHODS,
  BROKER_OBJECT_PATH,
  testAccount,
  type Behaviour,
  type BrokerMethod,
  type FakeAccount,
  type FromBroker,
  type RecordedCall,
  type ToBroker,
} from './protocol.js';
import { errorResponse, tokenResponse } from './responses.js';

const send = (message: FromBroker): Promise<void> =>
  new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });

let accounts: FakeAccount[] = [testAccount()];
const behaviours = new Map<BrokerMethod, Behaviour>();

function defaultReply(method: BrokerMethod): Behaviour {
  switch (method) {
    case 'acquireTokenSilently':
    case 'acquireTokenInteractively':
      return { kind: 'token' };
    case 'getAccounts':
      return { kind: 'reply', body: JSON.stringify({ accounts }) };
    case 'getLinuxBrokerVersion':
      return { kind: 'reply', body: JSON.stringify({ linuxBrokerVersion: '2.0.1' }) };
    case 'generateSignedHttpRequest':
      return { kind: 'reply', body: JSON.stringify({ signedHttpRequest: 'fake.signed.request' }) };
    default:
      return { kind: 'reply', body: '{}' };
  }
}

function accountFor(request: Record<string, unknown>): FakeAccount {
  const params = (request['authParameters'] ?? {}) as { account?: { homeAccountId?: string } | null };
  const wanted = params.account?.homeAccountId;
  return accounts.find((a) => a.homeAccountId === wanted) ?? accounts[0] ?? testAccount();
}

async function respond(method: BrokerMethod, behaviour: Behaviour, request: Record<string, unknown>): Promise<string> {
  switch (behaviour.kind) {
    case 'token': {
      const params = (request['authParameters'] ?? {}) as { clientId?: string; requestedScopes?: string[] };
      return tokenResponse(behaviour, accountFor(request), params);
    }
    case 'error':
      return errorResponse(method, behaviour);
    case 'reply':
      return behaviour.body;
    case 'garbage':
      return '{"brokerTokenResponse": <<<not json';
    case 'slow':
      await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
      return respond(method, behaviour.then, request);
    case 'crash':
      // SIGKILL: no cleanup, no reply, exactly like a broker that segfaults.
      process.kill(process.pid, 'SIGKILL');
      return new Promise<string>(() => {});
  }
}

class Broker1 extends dbus.interface.Interface {}
const methods: Record<string, { inSignature: string; outSignature: string }> = {};
for (const method of BROKER_METHODS) {
  methods[method] = { inSignature: 'sss', outSignature: 's' };
  Object.defineProperty(Broker1.prototype, method, {
    value: async (protocolVersion: string, correlationId: string, requestJson: string): Promise<string> => {
      let request: unknown = requestJson;
      try {
        request = JSON.parse(requestJson);
      } catch {
        // Record the raw text: the test asserts on what was sent.
      }
      const call: RecordedCall = { method, protocolVersion, correlationId, request };
      await send({ type: 'call', call });
      const record = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>;
      return respond(method, behaviours.get(method) ?? defaultReply(method), record);
    },
  });
}
Broker1.configureMembers({ methods });

async function main(): Promise<void> {
  const busAddress = process.env['FAKE_BROKER_BUS_ADDRESS'];
  if (!busAddress) throw new Error('FAKE_BROKER_BUS_ADDRESS is not set');
  const bus = dbus.sessionBus({ busAddress });
  bus.export(BROKER_OBJECT_PATH, new Broker1(BROKER_INTERFACE));
  await bus.requestName(BROKER_BUS_NAME, dbus.NameFlag.DO_NOT_QUEUE);
  process.on('message', (message: ToBroker) => {
    if (message.type === 'behave') behaviours.set(message.method, message.behaviour);
    else accounts = message.accounts;
    void send({ type: 'ack', id: message.id });
  });
  process.on('disconnect', () => process.exit(0));
  await send({ type: 'ready' });
}

main().catch(async (error: unknown) => {
  await send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
