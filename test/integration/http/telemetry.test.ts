import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newCorrelationId } from '../../../lib/http/correlation.js';
import { createFetchHttpClient } from '../../../lib/http/fetch-client.js';
import {
  ApiId,
  CacheRefreshReason,
  LIBRARY_VERSION,
  TelemetryContext,
  buildClientHeaders,
} from '../../../lib/http/telemetry.js';
import { LocalSts } from '../../support/sts/server.js';

describe('newCorrelationId', () => {
  it('returns distinct UUIDs', () => {
    const a = newCorrelationId();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newCorrelationId()).not.toBe(a);
  });
});

describe('buildClientHeaders', () => {
  it('LIBRARY_VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(LIBRARY_VERSION).toBe(pkg.version);
  });

  it('identifies the library, platform and request', () => {
    expect(buildClientHeaders({ correlationId: 'cid' })).toEqual({
      'x-client-sku': 'brokerbridge.node',
      'x-client-ver': LIBRARY_VERSION,
      'x-client-os': process.platform,
      'x-client-cpu': process.arch,
      'x-ms-lib-capability': 'retry-after, h429',
      'client-request-id': 'cid',
      'return-client-request-id': 'true',
    });
  });

  it('adds the app identity and allows sku/version overrides', () => {
    const h = buildClientHeaders({ correlationId: 'c', appName: 'Contoso', appVersion: '2.1', sku: 'wrapper.node', version: '9.9.9' });
    expect(h).toMatchObject({ 'x-app-name': 'Contoso', 'x-app-ver': '2.1', 'x-client-sku': 'wrapper.node', 'x-client-ver': '9.9.9' });
  });
});

describe('TelemetryContext', () => {
  it('uses the reference API ids', () => {
    expect(ApiId).toMatchObject({
      acquireTokenSilent: 84,
      acquireTokenByRefreshToken: 85,
      acquireTokenInteractive: 169,
      acquireTokenByUsernamePassword: 301,
      acquireTokenByUserFic: 301,
      acquireTokenOnBehalfOf: 523,
      acquireTokenByDeviceFlow: 622,
      acquireTokenForClient: 730,
      acquireTokenByAuthorizationCode: 832,
      getAccounts: 902,
      removeAccount: 903,
    });
  });

  it('starts empty and describes the current call', () => {
    const ctx = new TelemetryContext();
    const ex = ctx.begin(ApiId.acquireTokenSilent, { correlationId: 'c1', refreshReason: CacheRefreshReason.accessTokenExpired });
    expect(ex.correlationId).toBe('c1');
    expect(ex.headers()).toEqual({ 'x-client-current-telemetry': '4|84,3|', 'x-client-last-telemetry': '4|0|||' });
    expect(ctx.begin(ApiId.acquireTokenForClient).headers()['x-client-current-telemetry']).toBe('4|730,0|');
    expect(ctx.begin(ApiId.acquireTokenForClient).correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports failures and cache hits in the next exchange, and clears them once delivered', () => {
    const ctx = new TelemetryContext();
    ctx.recordCacheHit();
    ctx.recordCacheHit();
    const a = ctx.begin(ApiId.acquireTokenByDeviceFlow, { correlationId: 'c1' });
    a.headers();
    a.complete({ error: 'authorization_pending' });
    const b = ctx.begin(ApiId.acquireTokenSilent, { correlationId: 'c2' });
    b.headers();
    b.complete({ error: 'invalid_grant' });

    const c = ctx.begin(ApiId.acquireTokenInteractive, { correlationId: 'c3' });
    expect(c.headers()['x-client-last-telemetry']).toBe('4|2|622,c1,84,c2|authorization_pending,invalid_grant|');
    // A failure recorded by another call while c was in flight was not delivered by c.
    const d = ctx.begin(ApiId.acquireTokenOnBehalfOf, { correlationId: 'c4' });
    d.complete({ error: 'invalid_scope' });
    c.complete({ access_token: 'at' });
    expect(ctx.begin(ApiId.acquireTokenSilent).headers()['x-client-last-telemetry']).toBe('4|0|523,c4|invalid_scope|');
  });

  it('keeps separators out and the header under its size limit', () => {
    const ctx = new TelemetryContext();
    ctx.begin(ApiId.acquireTokenSilent, { correlationId: 'c' }).complete({ error: 'a|b,c' });
    expect(ctx.begin(ApiId.acquireTokenSilent).headers()['x-client-last-telemetry']).toBe('4|0|84,c|abc|');
    for (let i = 0; i < 50; i++) ctx.begin(ApiId.acquireTokenSilent).complete({ error: 'invalid_grant' });
    expect(ctx.begin(ApiId.acquireTokenSilent).headers()['x-client-last-telemetry']?.length).toBeLessThan(360);
  });

  it('ignores undefined results and success without sent headers', () => {
    const ctx = new TelemetryContext();
    ctx.begin(ApiId.acquireTokenSilent, { correlationId: 'c' }).complete({ error: 'e' });
    ctx.begin(ApiId.acquireTokenSilent).complete(undefined);
    ctx.begin(ApiId.acquireTokenSilent).complete({});
    expect(ctx.begin(ApiId.acquireTokenSilent).headers()['x-client-last-telemetry']).toBe('4|0|84,c|e|');
  });
});

describe('headers on the wire', () => {
  let sts: LocalSts;
  beforeEach(async () => {
    sts = await new LocalSts().start();
    sts.route('POST', '/t', () => ({ status: 200, body: { access_token: 'at' } }));
  });
  afterEach(async () => {
    await sts.stop();
  });

  it('reach the server as built', async () => {
    const ctx = new TelemetryContext();
    const ex = ctx.begin(ApiId.acquireTokenByAuthorizationCode);
    await createFetchHttpClient().send({
      method: 'POST',
      url: `${sts.baseUrl}/t`,
      headers: { ...buildClientHeaders({ correlationId: ex.correlationId, appName: 'Contoso' }), ...ex.headers() },
      body: 'grant_type=authorization_code',
    });
    const seen = sts.requests[0]?.headers ?? {};
    expect(seen['client-request-id']).toBe(ex.correlationId);
    expect(seen['x-client-sku']).toBe('brokerbridge.node');
    expect(seen['x-app-name']).toBe('Contoso');
    expect(seen['x-ms-lib-capability']).toBe('retry-after, h429');
    expect(seen['x-client-current-telemetry']).toBe('4|832,0|');
    expect(seen['x-client-last-telemetry']).toBe('4|0|||');
  });
});
