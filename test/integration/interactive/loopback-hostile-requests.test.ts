/** Issue 11 items 6 and 15: no request can bring the loopback server (or its host process) down. */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../../../lib/interactive/loopback-server.js';

const servers: LoopbackServer[] = [];
async function start(expectedState = 's1'): Promise<LoopbackServer> {
  const s = await startLoopbackServer({ expectedState });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Sends raw bytes; resolves with whatever came back once the server closes the connection (or `end` is false and we hang up). */
function raw(port: number, text: string, options: { hangUp?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (reply += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(reply));
    socket.on('connect', () => {
      socket.write(text);
      // A body promised but cut off: the connection drops mid-request.
      if (options.hangUp) setImmediate(() => socket.destroy());
    });
  });
}

const statusOf = (reply: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1]);

describe('loopback server under hostile requests', () => {
  it('answers GET //[ (a URL that does not parse) with 400 and keeps serving', async () => {
    const s = await start();
    const reply = await raw(s.port, 'GET //[ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(statusOf(reply)).toBe(400);
    const ok = await fetch(`http://127.0.0.1:${s.port}/?code=c&state=s1`);
    expect(ok.status).toBe(200);
    await expect(s.waitForAuthResponse()).resolves.toEqual({ code: 'c', state: 's1' });
  });

  it('survives a form_post body aborted mid-way, then accepts the real response', async () => {
    const s = await start();
    for (let i = 0; i < 5; i++) {
      await raw(
        s.port,
        'POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ncode=abc&st',
        { hangUp: true },
      );
    }
    const ok = await fetch(`http://127.0.0.1:${s.port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'code=c&state=s1',
    });
    expect(ok.status).toBe(200);
    await expect(s.waitForAuthResponse()).resolves.toEqual({ code: 'c', state: 's1' });
  });

  it('in a process of its own: hostile requests do not kill the host, which then receives the real response', async () => {
    // The host is a real process, so a crash is an exit code, not only an unhandled error the test runner reports.
    const source = fileURLToPath(new URL('../../../lib/interactive/loopback-server.ts', import.meta.url));
    const script = `
      const { startLoopbackServer } = await import(${JSON.stringify(source)});
      const s = await startLoopbackServer({ expectedState: 's1' });
      console.log(s.port);
      console.log(JSON.stringify(await s.waitForAuthResponse()));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const line = /^(\d+)\n/.exec(out);
        if (line) resolve(Number(line[1]));
      });
      child.on('exit', () => reject(new Error(`the host exited before listening: ${err}`)));
    });
    try {
      await raw(port, 'GET //[ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      await raw(port, 'POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ncode=abc&st', { hangUp: true });
      const ok = await fetch(`http://127.0.0.1:${port}/?code=c&state=s1`);
      expect(ok.status).toBe(200);
      expect(await exited, err).toBe(0);
      expect(out.trim().split('\n')[1]).toBe('{"code":"c","state":"s1"}');
    } finally {
      child.kill();
    }
  });

  it('refuses a body over the cap with 413 and keeps waiting', async () => {
    const s = await start();
    const big = await fetch(`http://127.0.0.1:${s.port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `state=s1&code=${'x'.repeat(200_000)}`,
    }).catch(() => undefined);
    if (big) expect(big.status).toBe(413);
    const ok = await fetch(`http://127.0.0.1:${s.port}/?code=c&state=s1`);
    expect(ok.status).toBe(200);
  });

  it('an error redirect yields only the OAuth error fields, not every query parameter', async () => {
    const s = await start();
    const query = new URLSearchParams({
      error: 'access_denied',
      error_description: 'no',
      error_uri: 'https://e.example/why',
      state: 's1',
      code: 'injected',
      access_token: 'injected',
      anything: 'else',
    });
    const res = await fetch(`http://127.0.0.1:${s.port}/?${query}`);
    expect(res.status).toBe(200);
    await expect(s.waitForAuthResponse()).resolves.toEqual({
      error: 'access_denied',
      error_description: 'no',
      error_uri: 'https://e.example/why',
      state: 's1',
    });
  });
});
