/**
 * A BrokerClient whose answers a test scripts and whose calls it records, so
 * the facade's broker routing runs without MSALRuntime, D-Bus or any process.
 */
import type { BrokerAvailability, BrokerClient, BrokerPlatform } from '../../lib/broker/broker-client.js';
import type {
  BrokerAuthParams,
  BrokerAuthResult,
  BrokerCallOptions,
  BrokerLogCallback,
  BrokerLogOptions,
  WindowHandle,
} from '../../lib/broker/types.js';
import { BrokerCallError } from '../../lib/broker/broker-error.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64');

/** A successful broker answer for the account uid.utid, as the runtime reports one. */
export function brokerAuthResult(options: {
  accessToken: string;
  uid?: string;
  utid?: string;
  accountId?: string;
  scopes?: string[];
  expiresIn?: number;
}): BrokerAuthResult {
  const { accessToken, uid = 'uid', utid = 'utid', accountId = 'placeholder', scopes = [], expiresIn = 3600 } = options;
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: `https://login.microsoftonline.com/${utid}/v2.0`, sub: uid, aud: 'client_id', iat: now, exp: now + 3600, oid: uid, tid: utid };
  return {
    accessToken,
    idToken: JSON.stringify(claims),
    rawIdToken: `header.${b64(claims)}.signature`,
    account: {
      id: accountId,
      homeAccountId: `${uid}.${utid}`,
      clientInfo: b64({ uid, utid }),
      environment: 'login.microsoftonline.com',
      realm: utid,
      localAccountId: uid,
      username: 'user@contoso.com',
      name: undefined,
      givenName: undefined,
      familyName: undefined,
      middleName: undefined,
      homeEnvironment: undefined,
      additionalFields: undefined,
    },
    expiresOn: now + expiresIn,
    grantedScopes: scopes,
    authorizationHeader: undefined,
    isPopAuthorization: false,
    telemetry: undefined,
  };
}

/** A broker failure with the runtime's status number (see BROKER_STATUS_NAMES). */
export function brokerFailure(status: number, context = 'failed'): BrokerCallError {
  return new BrokerCallError({ status, errorCode: 3399614473, tag: 557973642, context });
}

export type ScriptedBrokerMethod = 'signInSilently' | 'signInInteractively' | 'acquireTokenSilently' | 'signOutSilently';

export interface ScriptedBrokerCall {
  method: ScriptedBrokerMethod;
  correlationId: string;
  params?: BrokerAuthParams;
  accountId?: string;
  parentWindow?: WindowHandle;
  loginHint?: string;
  clientId?: string;
  options?: BrokerCallOptions;
}

export class ScriptedBrokerClient implements BrokerClient {
  readonly calls: ScriptedBrokerCall[] = [];
  /** Set: the broker is unavailable, for this reason. */
  unavailableReason: string | undefined;
  availabilityChecks = 0;
  logger: { callback: BrokerLogCallback | null; options: BrokerLogOptions | undefined } | undefined;
  /** Decides each call's outcome: a result, or an error to reject with. */
  answer: (call: ScriptedBrokerCall) => BrokerAuthResult | Error = () =>
    brokerAuthResult({ accessToken: 'broker at', accountId: 'broker-account-id' });

  constructor(readonly platform: BrokerPlatform | undefined) {}

  async availability(): Promise<BrokerAvailability> {
    this.availabilityChecks++;
    return this.unavailableReason === undefined ? { available: true } : { available: false, reason: this.unavailableReason };
  }

  acquireTokenSilently(params: BrokerAuthParams, correlationId: string, accountId: string, options?: BrokerCallOptions): Promise<BrokerAuthResult> {
    return this.respond({ method: 'acquireTokenSilently', params, correlationId, accountId, ...(options ? { options } : {}) });
  }

  signInSilently(params: BrokerAuthParams, correlationId: string, options?: BrokerCallOptions): Promise<BrokerAuthResult> {
    return this.respond({ method: 'signInSilently', params, correlationId, ...(options ? { options } : {}) });
  }

  signInInteractively(
    params: BrokerAuthParams,
    correlationId: string,
    parentWindow: WindowHandle,
    loginHint: string,
    options?: BrokerCallOptions,
  ): Promise<BrokerAuthResult> {
    return this.respond({ method: 'signInInteractively', params, correlationId, parentWindow, loginHint, ...(options ? { options } : {}) });
  }

  async signOutSilently(clientId: string, correlationId: string, accountId: string): Promise<void> {
    const call: ScriptedBrokerCall = { method: 'signOutSilently', clientId, correlationId, accountId };
    this.calls.push(call);
    const outcome = this.answer(call);
    if (outcome instanceof Error) throw outcome;
  }

  setLogger(callback: BrokerLogCallback | null, options?: BrokerLogOptions): void {
    this.logger = { callback, options };
  }

  methods(): ScriptedBrokerMethod[] {
    return this.calls.map((c) => c.method);
  }

  callsOf(method: ScriptedBrokerMethod): ScriptedBrokerCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  private async respond(call: ScriptedBrokerCall): Promise<BrokerAuthResult> {
    this.calls.push(call);
    const outcome = this.answer(call);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }
}
