/**
 * Issue 11: a bounded, seeded fuzz of the three places hostile bytes enter: a cache blob
 * (deserialize), a token endpoint reply (parseTokenResponse and the cache write after it),
 * and a request to the loopback redirect server. Each case may only end in a result or in
 * one of our typed errors; no valid entry may be lost; nothing may hang (network cases
 * each race a deadline, synchronous ones run under the test's timeout). The seed is
 * printed; FUZZ_SEED=<n> replays a run.
 */
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheSections } from '../../../lib/cache/entries.js';
import { SerializableTokenCache } from '../../../lib/cache/serializable-token-cache.js';
import { BrokerBridgeError } from '../../../lib/errors.js';
import { startLoopbackServer, type LoopbackServer } from '../../../lib/interactive/loopback-server.js';
import type { HttpResponse } from '../../../lib/http/types.js';
import { parseTokenResponse } from '../../../lib/oauth2/token-client.js';
import { isErrorResult } from '../../../lib/oauth2/types.js';
import { CLIENT_ID, ENV, TENANT, userResponse } from '../../unit/cache/fixtures.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed11);
const counts: Record<string, number> = {};
const count = (what: string): void => {
  counts[what] = (counts[what] ?? 0) + 1;
};
afterAll(() => {
  console.log(`fuzz seed ${SEED}: ${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')}`);
});

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)] as T, chance: (p: number) => next() < p };
}
interface Random {
  next(): number;
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

/** What hostile input tends to be made of. */
const NASTY_STRINGS = ['', ' ', '__proto__', 'constructor', 'prototype', '\u0000', '\ud800', '"', '\\', '{', '}', '[', ']', ',', ':', 'null', '-0', '1e21', '1e400', 'NaN', '%', '%zz', '//[', '\r\n', '💥', 'a'.repeat(300)];
const NASTY_NUMBERS = [0, -0, -1, 1.5, 1e21, -1e12, 1e300, 2 ** 53, 2 ** 31, Number.MAX_SAFE_INTEGER + 2];

/** JSON text of a hostile value (text, because JSON.stringify itself cannot write the deepest ones). */
function nastyJson(r: Random, depth = 0): string {
  switch (r.int(depth > 3 ? 4 : 7)) {
    case 0:
      return JSON.stringify(r.pick(NASTY_STRINGS));
    case 1:
      return String(r.pick(NASTY_NUMBERS));
    case 2:
      return r.pick(['null', 'true', 'false']);
    case 3:
      return JSON.stringify(String(r.pick(NASTY_NUMBERS)));
    case 4:
      return `[${Array.from({ length: r.int(3) }, () => nastyJson(r, depth + 1)).join(',')}]`;
    case 5:
      return `{${Array.from({ length: r.int(3) }, () => `${JSON.stringify(r.pick(NASTY_STRINGS))}:${nastyJson(r, depth + 1)}`).join(',')}}`;
    default: {
      const n = r.int(6_000);
      return `${'['.repeat(n)}1${']'.repeat(n)}`;
    }
  }
}

function mutateText(r: Random, text: string): string {
  let out = text;
  for (let n = 1 + r.int(4); n > 0; n--) {
    const at = r.int(out.length + 1);
    switch (r.int(4)) {
      case 0:
        out = out.slice(0, at);
        break;
      case 1:
        out = out.slice(0, at) + r.pick(NASTY_STRINGS) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + out.slice(at + 1 + r.int(20));
        break;
      default:
        out = out.slice(0, at) + String.fromCharCode(r.int(0x10000)) + out.slice(at + 1);
    }
  }
  return out;
}

/** Only a BrokerBridgeError (a documented, coded error) may escape. */
function expectTyped(e: unknown, what: string): void {
  if (!(e instanceof BrokerBridgeError)) throw new Error(`${what} threw an untyped ${String((e as Error)?.name ?? e)}: ${String((e as Error)?.message ?? e)}`, { cause: e });
  expect(typeof e.code).toBe('string');
}

/** A valid cache blob built entry by entry, remembering where each entry's text ends. */
function validBlob(r: Random): { text: string; entries: Array<{ section: string; key: string; end: number }> } {
  const cache = new SerializableTokenCache();
  for (let i = 1 + r.int(4); i > 0; i--) {
    cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['User.Read'], response: userResponse({ uid: `u${r.int(1e6)}` }) });
  }
  const parsed = JSON.parse(cache.serialize()) as Record<string, Record<string, unknown>>;
  const entries: Array<{ section: string; key: string; end: number }> = [];
  let text = '{';
  // Unknown members a valid blob may also hold (other SDKs', hostile ones), first or last.
  const extra = r.chance(0.5) ? `${JSON.stringify(r.pick(['__proto__', 'Custom', 'constructor']))}:${nastyJson(r)}` : undefined;
  const extraFirst = r.chance(0.5);
  if (extra && extraFirst) text += `${extra},`;
  Object.keys(parsed).forEach((name, i) => {
    const value = parsed[name];
    text += `${i ? ',' : ''}${JSON.stringify(name)}:`;
    if (!(cacheSections as readonly string[]).includes(name)) {
      text += JSON.stringify(value);
      return;
    }
    text += '{';
    Object.keys(value!).forEach((key, j) => {
      text += `${j ? ',' : ''}${JSON.stringify(key)}:${JSON.stringify(value![key])}`;
      entries.push({ section: name, key, end: text.length });
    });
    text += '}';
  });
  if (extra && !extraFirst) text += `,${extra}`;
  return { text: `${text}}`, entries };
}

describe('fuzz', () => {
  it('deserialize: any text gives a report or a typed error, and loses no complete valid entry', () => {
    const r = prng(SEED);
    for (let c = 0; c < 3_000; c++) {
      count('deserialize');
      const { text, entries } = validBlob(r);
      const kind = r.int(3);
      const input = kind === 0 ? text.slice(0, r.int(text.length + 1)) : kind === 1 ? mutateText(r, text) : text;
      const cache = new SerializableTokenCache();
      let report;
      try {
        report = cache.deserialize(input, { strict: r.chance(0.2) });
      } catch (e) {
        expectTyped(e, `deserialize (seed ${SEED}, case ${c})`);
        count('deserialize typed errors');
        continue;
      }
      let out: string;
      try {
        out = cache.serialize();
      } catch (e) {
        expectTyped(e, `serialize (seed ${SEED}, case ${c})`);
        count('serialize typed errors');
        continue;
      }
      if (kind !== 1) {
        // Truncated or intact: every entry whose text was complete survives the round trip.
        const written = JSON.parse(out) as Record<string, Record<string, unknown>>;
        for (const entry of entries) {
          if (entry.end > input.length) continue;
          expect(Object.hasOwn(written[entry.section] ?? {}, entry.key), `case ${c}: ${entry.section} ${entry.key} lost`).toBe(true);
        }
        if (kind === 2) expect(report.ok).toBe(true);
      }
    }
  });

  it('token replies: a response or a typed error; whatever is cached reads back as usable', () => {
    const r = prng(SEED + 1);
    const fields = ['access_token', 'expires_in', 'ext_expires_in', 'refresh_in', 'expires_on', 'refresh_token', 'id_token', 'client_info', 'scope', 'token_type', 'foci', 'error', '__proto__'];
    for (let c = 0; c < 3_000; c++) {
      count('token replies');
      const reply: Record<string, unknown> = { ...userResponse({ uid: `u${c}` }) };
      const members = new Map<string, string>(Object.entries(reply).map(([k, v]) => [k, JSON.stringify(v)]));
      for (let n = r.int(4); n > 0; n--) {
        const field = r.pick(fields);
        if (r.chance(0.3)) members.delete(field);
        else members.set(field, nastyJson(r));
      }
      let body = `{${[...members].map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
      if (r.chance(0.2)) body = mutateText(r, body);
      const res: HttpResponse = {
        status: r.pick([200, 200, 200, 201, 204, 301, 307, 400, 401, 429, 500, 503]),
        headers: r.chance(0.3) ? { 'retry-after': String(r.pick<unknown>([...NASTY_STRINGS, ...NASTY_NUMBERS])) } : {},
        body,
      };
      let parsed;
      try {
        parsed = parseTokenResponse(res);
      } catch (e) {
        expectTyped(e, `parseTokenResponse (seed ${SEED + 1}, case ${c})`);
        count('token reply typed errors');
        continue;
      }
      if (isErrorResult(parsed)) {
        if (parsed.retry_after !== undefined) expect(parsed.retry_after).toBeLessThanOrEqual(3600);
      } else {
        const cache = new SerializableTokenCache();
        try {
          cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['User.Read'], response: parsed });
        } catch (e) {
          expectTyped(e, `cache.add (seed ${SEED + 1}, case ${c})`);
          count('cache.add typed errors');
          continue;
        }
        // What we wrote, our own reader takes back whole: no entry becomes unusable or lost.
        const report = new SerializableTokenCache().deserialize(cache.serialize());
        expect(report.unusable, `case ${c}`).toEqual([]);
        expect(report.ok).toBe(true);
        count('token replies cached and read back');
      }
    }
  });

  it('loopback server: any request gets an answer or a closed connection, and the real response still arrives', async () => {
    const r = prng(SEED + 2);
    const CASES = 800;
    const DEADLINE_MS = 30_000;
    let server: LoopbackServer = await startLoopbackServer({ expectedState: 'the-state' });
    try {
      for (let c = 0; c < CASES; c++) {
        const request = hostileRequest(r);
        const outcome = await Promise.race([
          send(server.port, request.bytes, request.hangUp),
          new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), DEADLINE_MS).unref()),
        ]);
        expect(outcome, `case ${c} (seed ${SEED + 2}): ${JSON.stringify(request.bytes.slice(0, 200))}`).not.toBe('hung');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(outcome)?.[1] ?? 0);
        // 0: we hung up first, or the parser refused the bytes outright (Node's own 400 then closes).
        expect([0, 200, 400, 404, 405, 410, 413, 431, 500], `case ${c}: ${outcome.slice(0, 80)}`).toContain(status);
        // A wrong-state probe gets 400 while the server still waits; anything else means this
        // case carried the real state (its 200 may have gone to a socket we hung up), which ends the wait.
        const probe = Number(/^HTTP\/1\.1 (\d{3})/.exec(await send(server.port, 'GET /?state=probe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', false))?.[1] ?? 0);
        if (probe !== 400) {
          const result = await server.waitForAuthResponse();
          expect(result.state).toBe('the-state');
          await server.close();
          server = await startLoopbackServer({ expectedState: 'the-state' });
          count('loopback sign-ins completed');
        }
        count('loopback requests');
      }
      const ok = await fetch(`http://127.0.0.1:${server.port}/?code=c&state=the-state`);
      expect(ok.status).toBe(200);
      await expect(server.waitForAuthResponse()).resolves.toEqual({ code: 'c', state: 'the-state' });
    } finally {
      await server.close();
    }
  });
});

function hostileRequest(r: Random): { bytes: string; hangUp: boolean } {
  const method = r.pick(['GET', 'POST', 'PUT', 'OPTIONS', 'G\u0000T', 'POST']);
  const target = r.pick(['/', '//[', '/?state=the-state&code=x', '/?state=nope&error=x&evil=1', '/%zz', '/?' + 'a=b&'.repeat(r.int(2_000)), '*', 'http://[', '/\u00ff', r.pick(NASTY_STRINGS)]);
  const headers = ['Host: localhost'];
  const form = r.pick([
    'state=the-state&code=y',
    'state=wrong&code=y',
    'error=access_denied&state=the-state&access_token=injected',
    '%%%&&&==',
    'x'.repeat(r.int(100_000)),
  ]);
  const body = r.chance(0.5) ? form : '';
  if (r.chance(0.7)) headers.push(`Content-Type: ${r.pick(['application/x-www-form-urlencoded', 'text/plain', 'application/x-www-form-urlencoded; charset=utf-8', ''])}`);
  const declared = r.chance(0.8) ? body.length + (r.chance(0.3) ? r.int(500) : 0) : undefined;
  if (declared !== undefined) headers.push(`Content-Length: ${declared}`);
  if (r.chance(0.1)) headers.push(`X-Big: ${'h'.repeat(r.int(40_000))}`);
  const chunked = r.chance(0.1);
  if (chunked) headers.push('Transfer-Encoding: chunked');
  headers.push('Connection: close');
  const full = `${method} ${target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n${body}`;
  const cut = r.chance(0.2);
  // A request we leave incomplete, we hang up on (the server's own caps end it only after 10-30 s).
  return { bytes: cut ? full.slice(0, r.int(full.length)) : full, hangUp: cut || chunked || (declared ?? 0) > body.length };
}

/** Raw bytes to the server; resolves with what came back once the connection closes. */
function send(port: number, bytes: string, hangUp: boolean): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (reply += d));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(reply));
    socket.on('connect', () => {
      socket.write(bytes, 'latin1');
      if (hangUp) setImmediate(() => socket.destroy());
    });
  });
}
