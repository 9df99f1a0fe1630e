/** Native result objects → public result types. */
import type { NativeAccount, NativeAuthResult } from './native-binding.js';
import type { BrokerAccount, BrokerAuthResult } from './types.js';

export function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const emptyToUndefined = (value: string | undefined): string | undefined => (value ? value : undefined);

export function toBrokerAccount(account: NativeAccount): BrokerAccount {
  return {
    id: account.id ?? '',
    homeAccountId: account.homeAccountId ?? '',
    clientInfo: emptyToUndefined(account.clientInfo),
    environment: account.environment ?? '',
    realm: account.realm ?? '',
    localAccountId: emptyToUndefined(account.localAccountId),
    username: account.username ?? '',
    name: emptyToUndefined(account.name),
    givenName: emptyToUndefined(account.givenName),
    familyName: emptyToUndefined(account.familyName),
    middleName: emptyToUndefined(account.middleName),
    homeEnvironment: emptyToUndefined(account.homeEnvironment),
    additionalFields: parseJsonObject(account.additionalFieldsJson),
  };
}

export function toBrokerAuthResult(result: NativeAuthResult): BrokerAuthResult {
  return {
    accessToken: result.accessToken ?? '',
    idToken: emptyToUndefined(result.idToken),
    rawIdToken: emptyToUndefined(result.rawIdToken),
    account: result.account ? toBrokerAccount(result.account) : undefined,
    expiresOn: result.expiresOn,
    grantedScopes: (result.grantedScopes ?? '').split(' ').filter(Boolean),
    authorizationHeader: emptyToUndefined(result.authorizationHeader),
    isPopAuthorization: result.isPopAuthorization,
    telemetry: parseJsonObject(result.telemetry),
  };
}
