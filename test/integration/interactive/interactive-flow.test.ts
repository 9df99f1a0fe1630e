import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AbortError, BrowserInteractionTimeoutError, InvalidArgumentError, MalformedResponseError } from '../../../lib/errors.js';
import { runBrowserFlow } from '../../../lib/interactive/interactive-flow.js';
import { pkceChallenge } from '../../../lib/oauth2/pkce.js';

const AUTHORIZE = 'https://login.example.invalid/tenant/oauth2/v2.0/authorize';

/** Plays the identity provider + browser: reads the authorize URL, then calls the loopback on 127.0.0.1. */
function fakeBrowser(reply: (auth: URL) => Record<string, string> | undefined, seen: URL[] = []) {
  return async (url: string) => {
    const auth = new URL(url);
    seen.push(auth);
    const params = reply(auth);
    if (!params) return;
    const redirect = new URL(auth.searchParams.get('redirect_uri')!);
    const res = await fetch(`http://127.0.0.1:${redirect.port}/?${new URLSearchParams(params)}`);
    await res.arrayBuffer();
  };
}

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, timeout: 2000 });
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

describe('runBrowserFlow', () => {
  it('builds a PKCE S256 auth URL with state, nonce and loopback redirect, and returns the code', async () => {
    const seen: URL[] = [];
    const order: string[] = [];
    const { authResponse, flow } = await runBrowserFlow({
      authorizationEndpoint: AUTHORIZE,
      clientId: 'client-1',
      scopes: ['User.Read', 'openid', 'profile', 'offline_access'],
      extraScopesToConsent: ['Mail.Read', 'User.Read'],
      loginHint: 'alice@example.com',
      domainHint: 'example.com',
      prompt: 'select_account',
      maxAge: 60,
      claims: '{"access_token":{"xms_cc":{"values":["cp1"]}}}',
      extraQueryParameters: { dc: 'ESTS-PUB-WUS2' },
      onBeforeLaunchingUi: () => order.push('before'),
      launcher: async (url) => {
        order.push('launch');
        await fakeBrowser((a) => ({ code: 'the-code', state: a.searchParams.get('state')!, client_info: 'ci' }), seen)(url);
      },
    });
    expect(order).toEqual(['before', 'launch']);
    const auth = seen[0]!;
    const q = auth.searchParams;
    expect(auth.origin + auth.pathname).toBe(AUTHORIZE);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe('client-1');
    expect(q.get('scope')!.split(' ')).toEqual(['User.Read', 'openid', 'profile', 'offline_access', 'Mail.Read']);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toBe(pkceChallenge(flow.code_verifier));
    expect(q.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+$/);
    expect(q.get('state')).toBe(flow.state);
    expect(q.get('nonce')).toBeTruthy();
    expect(q.get('login_hint')).toBe('alice@example.com');
    expect(q.get('domain_hint')).toBe('example.com');
    expect(q.get('prompt')).toBe('select_account');
    expect(q.get('max_age')).toBe('60');
    expect(q.get('claims')).toContain('xms_cc');
    expect(q.get('dc')).toBe('ESTS-PUB-WUS2');
    expect(authResponse).toEqual({ code: 'the-code', state: flow.state, client_info: 'ci' });
    // Extra consent goes to the URL only; the redemption asks for the caller's scopes.
    expect(flow.scope).toEqual(['User.Read', 'openid', 'profile', 'offline_access']);
    expect(flow.redirect_uri).toBe(q.get('redirect_uri'));
    expect(await portIsClosed(Number(new URL(flow.redirect_uri!).port))).toBe(true);
  });

  it('supports form_post', async () => {
    const { authResponse } = await runBrowserFlow({
      authorizationEndpoint: AUTHORIZE,
      clientId: 'c',
      scopes: ['openid'],
      responseMode: 'form_post',
      launcher: async (url) => {
        const auth = new URL(url);
        expect(auth.searchParams.get('response_mode')).toBe('form_post');
        const port = new URL(auth.searchParams.get('redirect_uri')!).port;
        const res = await fetch(`http://127.0.0.1:${port}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ code: 'posted', state: auth.searchParams.get('state')! }).toString(),
        });
        await res.arrayBuffer();
      },
    });
    expect(authResponse.code).toBe('posted');
  });

  it('returns provider errors in authResponse for the caller to turn into a value', async () => {
    const { authResponse } = await runBrowserFlow({
      authorizationEndpoint: AUTHORIZE,
      clientId: 'c',
      scopes: ['openid'],
      launcher: fakeBrowser((a) => ({ error: 'access_denied', error_description: 'user said no', state: a.searchParams.get('state')! })),
    });
    expect(authResponse).toMatchObject({ error: 'access_denied', error_description: 'user said no' });
  });

  it('ignores a forged callback with the wrong state and takes the real one', async () => {
    const { authResponse } = await runBrowserFlow({
      authorizationEndpoint: AUTHORIZE,
      clientId: 'c',
      scopes: ['openid'],
      launcher: async (url) => {
        await fakeBrowser(() => ({ code: 'forged', state: 'attacker' }))(url);
        await fakeBrowser((a) => ({ code: 'real', state: a.searchParams.get('state')! }))(url);
      },
    });
    expect(authResponse.code).toBe('real');
  });

  it('rejects a callback with neither code nor error as malformed', async () => {
    await expect(
      runBrowserFlow({
        authorizationEndpoint: AUTHORIZE,
        clientId: 'c',
        scopes: ['openid'],
        launcher: fakeBrowser((a) => ({ state: a.searchParams.get('state')! })),
      }),
    ).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('times out when the browser never comes back, and closes the port', async () => {
    let port = 0;
    await expect(
      runBrowserFlow({
        authorizationEndpoint: AUTHORIZE,
        clientId: 'c',
        scopes: ['openid'],
        timeoutMs: 100,
        launcher: async (url) => {
          port = Number(new URL(new URL(url).searchParams.get('redirect_uri')!).port);
        },
      }),
    ).rejects.toBeInstanceOf(BrowserInteractionTimeoutError);
    expect(await portIsClosed(port)).toBe(true);
  });

  it('aborts even while the launcher hangs', async () => {
    const controller = new AbortController();
    const pending = runBrowserFlow({
      authorizationEndpoint: AUTHORIZE,
      clientId: 'c',
      scopes: ['openid'],
      signal: controller.signal,
      launcher: () => {
        setImmediate(() => controller.abort());
        return new Promise(() => {});
      },
    });
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });

  it('propagates launcher failures and closes the server', async () => {
    let port = 0;
    await expect(
      runBrowserFlow({
        authorizationEndpoint: AUTHORIZE,
        clientId: 'c',
        scopes: ['openid'],
        launcher: async (url) => {
          port = Number(new URL(new URL(url).searchParams.get('redirect_uri')!).port);
          throw new Error('no browser');
        },
      }),
    ).rejects.toThrow('no browser');
    expect(await portIsClosed(port)).toBe(true);
  });

  it('validates its arguments', async () => {
    const base = { authorizationEndpoint: AUTHORIZE, clientId: 'c', scopes: ['openid'], launcher: async () => {} };
    await expect(runBrowserFlow({ ...base, scopes: 'openid' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(runBrowserFlow({ ...base, extraScopesToConsent: [''] })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(runBrowserFlow({ ...base, responseMode: 'fragment' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(runBrowserFlow({ ...base, authorizationEndpoint: 'not a url' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(runBrowserFlow({ ...base, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
  });
});
