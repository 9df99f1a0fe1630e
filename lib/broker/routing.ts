/**
 * When the OS broker is used, and how its answers are turned into the same
 * shapes the token endpoint gives, so the facade treats both alike.
 */
import type { AuthorityKind } from '../authority/types.js';
import type { BrokerOptions } from '../app/options.js';
import type { ErrorResponse, IdTokenClaims, TokenResponse } from '../oauth2/types.js';
import type { BrokerPlatform } from './broker-client.js';
import { BrokerCallError } from './broker-error.js';
import type { BrokerAuthResult } from './types.js';

/** The opt-in that switches each platform's broker on. */
const OPT_IN: Record<BrokerPlatform, keyof BrokerOptions> = {
  windows: 'enableBrokerOnWindows',
  mac: 'enableBrokerOnMac',
  linux: 'enableBrokerOnLinux',
  wsl: 'enableBrokerOnWsl',
};

/** The reference's rules: opted in for this broker's platform, and an Entra authority. */
export function brokerDecision(options: BrokerOptions, kind: AuthorityKind, platform: BrokerPlatform | undefined): { use: boolean; reason: string } {
  if (platform === undefined) return { use: false, reason: 'there is no OS broker on this platform' };
  if (options[OPT_IN[platform]] !== true) return { use: false, reason: `the broker is not enabled for ${platform} (${OPT_IN[platform]})` };
  if (kind !== 'aad') return { use: false, reason: `the broker does not serve ${kind.toUpperCase()} authorities` };
  return { use: true, reason: 'enabled' };
}

/** The redirect URI each platform's broker insists on. */
export function brokerRedirectUri(clientId: string, platform: BrokerPlatform): string {
  if (platform === 'windows' || platform === 'wsl') return `ms-appx-web://Microsoft.AAD.BrokerPlugin/${clientId}`;
  if (platform === 'mac') return 'msauth.com.msauth.unsignedapp://auth';
  return 'https://login.microsoftonline.com/common/oauth2/nativeclient';
}

/** The broker says it cannot serve this request here: use the browser instead. */
export function isBrokerFallbackError(e: unknown): e is BrokerCallError {
  return e instanceof BrokerCallError && (e.status.name === 'RequiredBrokerMissing' || e.status.name === 'FallbackToNativeMsal');
}

/** A silent sign-in that failed this way may still succeed interactively. */
export function isInteractionRecoverable(e: unknown): boolean {
  return e instanceof BrokerCallError && (e.status.name === 'InteractionRequired' || e.status.name === 'AccountUnusable');
}

export interface BrokerTokenResponse {
  response: TokenResponse;
  idTokenClaims: IdTokenClaims | undefined;
  /** The broker's id for the account, needed by later broker calls. */
  accountId: string | undefined;
}

/** A broker result, shaped as a token endpoint reply (as MSAL Python's broker adapter does). */
export function brokerResultToResponse(result: BrokerAuthResult, now = Math.floor(Date.now() / 1000)): BrokerTokenResponse {
  const response: TokenResponse = {
    access_token: result.accessToken,
    token_type: result.isPopAuthorization ? 'pop' : 'Bearer',
    expires_in: Math.max(0, Math.floor(result.expiresOn - now)),
  };
  if (result.rawIdToken) response.id_token = result.rawIdToken;
  if (result.account?.clientInfo) response.client_info = result.account.clientInfo;
  if (result.grantedScopes.length > 0) response.scope = result.grantedScopes.join(' ');
  let idTokenClaims: IdTokenClaims | undefined;
  if (result.idToken) {
    try {
      idTokenClaims = JSON.parse(result.idToken) as IdTokenClaims;
    } catch {
      idTokenClaims = undefined; // the raw token is still cached; claims are a convenience
    }
  }
  return { response, idTokenClaims, accountId: result.account?.id };
}

/** A broker failure as an error value, keeping its status for callers that branch on it. */
export function brokerErrorResponse(e: BrokerCallError): ErrorResponse {
  return {
    error: e.status.name === 'InteractionRequired' ? 'interaction_required' : 'broker_error',
    error_description: `${e.context}. Status: ${e.status.name}, Error code: ${e.errorCode}, Tag: ${e.tag}`,
    broker_status: e.status.name,
    broker_error_code: e.errorCode,
    broker_tag: e.tag,
  };
}
