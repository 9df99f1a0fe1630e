import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, BrowserInteractionTimeoutError, InvalidArgumentError, NetworkError } from '../../../lib/errors.js';
import { startLoopbackServer, type LoopbackServer } from '../../../lib/interactive/loopback-server.js';
import { escapeHtml, renderErrorPage } from '../../../lib/interactive/response-pages.js';

const servers: LoopbackServer[] = [];
async function start(options: Parameters<typeof startLoopbackServer>[0]) {
  const s = await startLoopbackServer(options);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const base = (s: LoopbackServer) => `http://127.0.0.1:${s.port}`;

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('loopback server', () => {
  it('uses a system-allocated port and http://localhost:<port> as redirect URI', async () => {
    const s = await start({ expectedState: 's1' });
    expect(s.port).toBeGreaterThan(0);
    expect(s.redirectUri).toBe(`http://localhost:${s.port}`);
  });

  it('accepts exactly one GET callback, shows the success page, then stops listening', async () => {
    const s = await start({ expectedState: 's1', successPage: '<p>all good</p>' });
    const res = await fetch(`${base(s)}/?code=abc&state=s1&session_state=x`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<p>all good</p>');
    await expect(s.waitForAuthResponse()).resolves.toEqual({ code: 'abc', state: 's1', session_state: 'x' });
    await s.close();
    expect(await canConnect('127.0.0.1', s.port)).toBe(false);
  });

  it('turns away a missing or wrong state with 400 and keeps waiting for the right one', async () => {
    const s = await start({ expectedState: 'good' });
    const wrong = await fetch(`${base(s)}/?code=evil&state=bad`);
    expect(wrong.status).toBe(400);
    const missing = await fetch(`${base(s)}/?code=evil`);
    expect(missing.status).toBe(400);
    const right = await fetch(`${base(s)}/?code=real&state=good`);
    expect(right.status).toBe(200);
    await expect(s.waitForAuthResponse()).resolves.toEqual({ code: 'real', state: 'good' });
  });

  it('404s other paths and 405s other methods without ending the wait', async () => {
    const s = await start({ expectedState: 's' });
    expect((await fetch(`${base(s)}/favicon.ico`)).status).toBe(404);
    expect((await fetch(`${base(s)}/cb?code=x&state=s`)).status).toBe(404);
    expect((await fetch(`${base(s)}/?state=s`, { method: 'PUT' })).status).toBe(405);
    expect((await fetch(`${base(s)}/`, { method: 'POST', body: '{"state":"s"}', headers: { 'content-type': 'application/json' } })).status).toBe(405);
    expect((await fetch(`${base(s)}/?code=x&state=s`)).status).toBe(200);
    await expect(s.waitForAuthResponse()).resolves.toMatchObject({ code: 'x' });
  });

  it('accepts a form_post callback', async () => {
    const s = await start({ expectedState: 'st' });
    const res = await fetch(`${base(s)}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: 'c1', state: 'st', id_token: 'a.b.c' }).toString(),
    });
    expect(res.status).toBe(200);
    await expect(s.waitForAuthResponse()).resolves.toEqual({ code: 'c1', state: 'st', id_token: 'a.b.c' });
  });

  it('returns provider errors as the response and escapes them in the error page', async () => {
    const s = await start({ expectedState: 'st', errorPage: '<b>$error</b>: <i>$error_description</i>' });
    const attack = '<script>alert(1)</script>';
    const res = await fetch(`${base(s)}/?${new URLSearchParams({ error: 'access_denied', error_description: attack, state: 'st' })}`);
    const html = await res.text();
    expect(html).toBe(`<b>access_denied</b>: <i>${escapeHtml(attack)}</i>`);
    expect(html).not.toContain('<script>');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    await expect(s.waitForAuthResponse()).resolves.toEqual({ error: 'access_denied', error_description: attack, state: 'st' });
  });

  it('escapes echoed text in the default error page', () => {
    const html = renderErrorPage({ error: '"><img src=x onerror=alert(1)>', error_description: "it's & <b>" });
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('it&#39;s &amp; &lt;b&gt;');
  });

  it('times out with BrowserInteractionTimeoutError and closes', async () => {
    const s = await start({ expectedState: 's', timeoutMs: 50 });
    await expect(s.waitForAuthResponse()).rejects.toBeInstanceOf(BrowserInteractionTimeoutError);
    await s.close();
    expect(await canConnect('127.0.0.1', s.port)).toBe(false);
  });

  it('aborts with AbortError, also when a connection is held open', async () => {
    const controller = new AbortController();
    const s = await start({ expectedState: 's', signal: controller.signal });
    const held = connect({ host: '127.0.0.1', port: s.port });
    await new Promise((r) => held.once('connect', r));
    const closed = new Promise((r) => held.once('close', r));
    controller.abort();
    await expect(s.waitForAuthResponse()).rejects.toBeInstanceOf(AbortError);
    await s.close();
    await closed;
    expect(await canConnect('127.0.0.1', s.port)).toBe(false);
  });

  it('refuses an already aborted signal and bad options', async () => {
    await expect(startLoopbackServer({ expectedState: 's', signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    await expect(startLoopbackServer({ expectedState: '' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(startLoopbackServer({ expectedState: 's', port: 70000 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(startLoopbackServer({ expectedState: 's', timeoutMs: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('close() before a callback rejects waiters with AbortError', async () => {
    const s = await start({ expectedState: 's' });
    const waiting = s.waitForAuthResponse();
    await s.close();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
  });

  it('listens on a fixed port when asked, and reports a busy port as NetworkError', async () => {
    const first = await start({ expectedState: 's' });
    await expect(startLoopbackServer({ expectedState: 's', port: first.port })).rejects.toBeInstanceOf(NetworkError);
    const port = first.port;
    await first.close();
    const again = await start({ expectedState: 's', port });
    expect(again.redirectUri).toBe(`http://localhost:${port}`);
  });

  it('binds 127.0.0.1 only', async () => {
    const s = await start({ expectedState: 's' });
    expect(await canConnect('127.0.0.1', s.port)).toBe(true);
    expect(await canConnect('::1', s.port)).toBe(false);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && !i.internal && i.family === 'IPv4');
    if (external) expect(await canConnect(external.address, s.port)).toBe(false);
  });
});
