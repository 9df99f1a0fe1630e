/**
 * Helpers for the ported tests of MSAL Python's application layer
 * (tests/test_application.py, test_account_source.py, test_force_refresh.py):
 * offline authorities, the reference's `cache.add({...})` shape, a look into
 * the serialized cache, and a fake broker runtime for the broker seam.
 */
import type { BrokerAuthParams, BrokerAuthResult, WindowHandle } from '../../../lib/broker/types.js';
import { BrokerCallError } from '../../../lib/broker/broker-error.js';
import type { SerializableTokenCache } from '../../../lib/cache/serializable-token-cache.js';
import type { TokenCache } from '../../../lib/cache/token-cache.js';
import { authorityMetadataFor, instanceDiscoveryMetadata } from '../../support/offline-entra.js';

/** Options that make an app for https://login.microsoftonline.com/<tenant> resolve without any HTTP request. */
export function offlineEntra(tenant: string): {
  authority: string;
  authorityMetadata: ReturnType<typeof authorityMetadataFor>;
  instanceDiscoveryMetadata: typeof instanceDiscoveryMetadata;
} {
  return {
    authority: `https://login.microsoftonline.com/${tenant}`,
    authorityMetadata: authorityMetadataFor(tenant),
    instanceDiscoveryMetadata,
  };
}

/** The reference's `token_cache.add({"client_id", "scope", "token_endpoint", "response"})`. */
export function populate(
  cache: TokenCache,
  event: { client_id: string; scope: readonly string[]; token_endpoint: string; response: Record<string, unknown> },
): void {
  const url = new URL(event.token_endpoint);
  const realm = url.pathname.split('/')[1] ?? '';
  cache.add({ clientId: event.client_id, environment: url.host, realm, scopes: event.scope, response: event.response });
}

type Section = 'AccessToken' | 'RefreshToken' | 'IdToken' | 'Account' | 'AppMetadata';

/** The reference's `token_cache.search(CredentialType.X, query=...)`: entries of one section whose fields equal the query's. */
export function search(cache: SerializableTokenCache, section: Section, query: Record<string, unknown> = {}): Array<Record<string, unknown>> {
  const all = (JSON.parse(cache.serialize()) as Record<string, Record<string, Record<string, unknown>> | undefined>)[section] ?? {};
  return Object.values(all).filter((entry) => Object.entries(query).every(([k, v]) => entry[k] === v));
}

/** A header, looked up case-insensitively (the reference's requests headers are case-insensitive). */
export function header(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(headers).find(([k]) => k.toLowerCase() === wanted)?.[1];
}

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

export type BrokerMethod = 'signInSilently' | 'signInInteractively' | 'acquireTokenSilently' | 'signOutSilently';
export interface BrokerCall {
  method: BrokerMethod;
  params?: BrokerAuthParams;
  accountId?: string;
}

/**
 * Stands in for BrokerRuntime (lib/broker/broker-runtime.ts) behind
 * loadBrokerRuntime(), so the facade's broker logic runs without MSALRuntime.
 * `answer` decides each call's outcome; every call is recorded.
 */
export class FakeBrokerRuntime {
  readonly calls: BrokerCall[] = [];
  startupError: Error | undefined;
  answer: (call: BrokerCall) => BrokerAuthResult | Error = () => brokerAuthResult({ accessToken: 'broker at' });

  async startup(): Promise<void> {
    if (this.startupError) throw this.startupError;
  }

  signInSilently(params: BrokerAuthParams): Promise<BrokerAuthResult> {
    return this.respond({ method: 'signInSilently', params });
  }

  signInInteractively(params: BrokerAuthParams, _correlationId: string, _window: WindowHandle): Promise<BrokerAuthResult> {
    return this.respond({ method: 'signInInteractively', params });
  }

  acquireTokenSilently(params: BrokerAuthParams, _correlationId: string, accountId: string): Promise<BrokerAuthResult> {
    return this.respond({ method: 'acquireTokenSilently', params, accountId });
  }

  async signOutSilently(_clientId: string, _correlationId: string, accountId: string): Promise<void> {
    this.calls.push({ method: 'signOutSilently', accountId });
  }

  callsOf(method: BrokerMethod): BrokerCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  private async respond(call: BrokerCall): Promise<BrokerAuthResult> {
    this.calls.push(call);
    const outcome = this.answer(call);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }
}
