/** JSON bodies the fake broker answers with, shaped as the real broker's. */
import { UnsecuredJWT } from 'jose';
import type { Behaviour, FakeAccount } from './protocol.js';

const b64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

function idTokenFor(account: FakeAccount, clientId: string): string {
  return new UnsecuredJWT({
    aud: clientId,
    iss: `https://${account.environment}/${account.realm}/v2.0`,
    oid: account.localAccountId,
    tid: account.realm,
    sub: `sub-${account.localAccountId}`,
    name: account.name,
    preferred_username: account.username,
    ver: '2.0',
  })
    .setIssuedAt()
    .setExpirationTime('1h')
    .encode();
}

export function tokenResponse(
  behaviour: Extract<Behaviour, { kind: 'token' }>,
  account: FakeAccount,
  request: { clientId?: string; requestedScopes?: string[] },
): string {
  const now = Date.now();
  const lifetimeMs = (behaviour.expiresInSeconds ?? 3600) * 1000;
  const [uid, utid] = account.homeAccountId.split('.');
  return JSON.stringify({
    brokerTokenResponse: {
      accessToken: behaviour.accessToken ?? (behaviour.pop ? 'fake-pop-access-token' : 'fake-bearer-access-token'),
      accessTokenType: behaviour.pop ? 1 : 0,
      idToken: idTokenFor(account, request.clientId ?? ''),
      clientInfo: b64url(JSON.stringify({ uid, utid })),
      expiresOn: now + lifetimeMs,
      extendedExpiresOn: now + 2 * lifetimeMs,
      grantedScopes: behaviour.scopes ?? (request.requestedScopes ?? []).join(' '),
      account,
    },
  });
}

export function errorObject(behaviour: Extract<Behaviour, { kind: 'error' }>): Record<string, unknown> {
  return {
    context: behaviour.context ?? `fake broker error with status ${behaviour.status}`,
    errorCode: behaviour.errorCode ?? 0,
    status: behaviour.status,
    subStatus: behaviour.subStatus ?? 0,
    tag: behaviour.tag ?? 0,
  };
}

/** Token methods nest the error under brokerTokenResponse; the others put it at top level. */
export function errorResponse(method: string, behaviour: Extract<Behaviour, { kind: 'error' }>): string {
  const error = errorObject(behaviour);
  return method.startsWith('acquireToken')
    ? JSON.stringify({ brokerTokenResponse: { error } })
    : JSON.stringify({ error });
}
