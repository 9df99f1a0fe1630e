import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { IMDS_REGION_URL, regionalTokenEndpoint, resolveRegion } from '../../../lib/authority/regional.js';
import type { LogLevel } from '../../../lib/app/logger.js';
import type { HttpClient } from '../../../lib/http/types.js';
import { InvalidArgumentError } from '../../../lib/errors.js';
import { LocalSts } from '../../support/sts/server.js';
import { fetchHttp } from '../../support/http.js';

const IMDS_PATH = '/metadata/instance/compute/location';
let imds: LocalSts;
let imdsUrl: string;
let closedPortUrl: string;

beforeAll(async () => {
  imds = (await new LocalSts().start()).route('GET', IMDS_PATH, () => ({ body: 'EastUS2\n' }));
  imdsUrl = `${imds.baseUrl}${IMDS_PATH}?format=text&api-version=2021-01-01`;
  // A port that was just free and is now closed: connection refused, like IMDS off Azure.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  closedPortUrl = `http://127.0.0.1:${port}${IMDS_PATH}`;
});
afterAll(() => imds.stop());
beforeEach(() => {
  imds.requests.length = 0;
  imds.clearFaults();
});

const noNetwork: HttpClient = { send: (r) => Promise.reject(new Error(`unexpected request to ${r.url}`)) };

function recorder(): { logger: { log: (l: LogLevel, m: string) => void }; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: { log: (l, m) => lines.push(`${l}: ${m}`) } };
}

describe('resolveRegion', () => {
  it('uses a given region name as is, and no region when none is asked for', async () => {
    expect(await resolveRegion('westus2', { env: {}, http: noNetwork })).toBe('westus2');
    expect(await resolveRegion(undefined, { env: {}, http: noNetwork })).toBeUndefined();
    expect(await resolveRegion(false, { env: {}, http: noNetwork })).toBeUndefined();
  });

  it('rejects a region that is not a DNS label', async () => {
    await expect(resolveRegion('evil.example/', { env: {} })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(resolveRegion(42 as unknown as string, { env: {} })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('lets MSAL_FORCE_REGION override the option, except an explicit false', async () => {
    const env = { MSAL_FORCE_REGION: 'centralus', REGION_NAME: 'westus' };
    expect(await resolveRegion('westus2', { env, http: noNetwork })).toBe('centralus');
    expect(await resolveRegion(true, { env, http: noNetwork })).toBe('centralus');
    expect(await resolveRegion(undefined, { env, http: noNetwork })).toBe('centralus');
    expect(await resolveRegion(false, { env, http: noNetwork })).toBeUndefined();
  });

  it('ignores an invalid MSAL_FORCE_REGION with a warning', async () => {
    const { logger, lines } = recorder();
    expect(await resolveRegion('westus2', { env: { MSAL_FORCE_REGION: 'a.b' }, logger })).toBe('westus2');
    expect(lines.join('\n')).toMatch(/warning: MSAL_FORCE_REGION/);
  });

  it('auto-detects from REGION_NAME before asking IMDS', async () => {
    expect(await resolveRegion(true, { env: { REGION_NAME: 'West US 2' }, http: noNetwork })).toBe('westus2');
  });

  it('auto-detects from IMDS with the Metadata header', async () => {
    expect(await resolveRegion(true, { env: {}, http: fetchHttp, imdsUrl })).toBe('eastus2');
    const [req] = imds.requestsTo(IMDS_PATH);
    expect(req?.headers.metadata).toBe('true');
    expect(req?.query.get('format')).toBe('text');
    expect(req?.query.get('api-version')).toBe('2021-01-01');
  });

  it('targets the Azure IMDS address by default', async () => {
    const urls: string[] = [];
    const capture: HttpClient = {
      send: (r) => {
        urls.push(r.url);
        return Promise.resolve({ status: 200, headers: {}, body: 'westeurope' });
      },
    };
    expect(await resolveRegion(true, { env: {}, http: capture })).toBe('westeurope');
    expect(urls).toEqual([IMDS_REGION_URL]);
  });

  it.each([
    ['IMDS is down', () => ({ url: closedPortUrl })],
    ['IMDS answers 500', () => (imds.inject({ path: IMDS_PATH, reply: { status: 500, body: 'boom' } }), { url: imdsUrl })],
    ['IMDS answers garbage', () => (imds.inject({ path: IMDS_PATH, reply: { body: '<html>' } }), { url: imdsUrl })],
    ['IMDS hangs', () => (imds.inject({ path: IMDS_PATH, reply: 'hang' }), { url: imdsUrl })],
  ])('%s: no region, logged, never an error', async (_name, setup) => {
    const { url } = setup();
    const { logger, lines } = recorder();
    expect(await resolveRegion(true, { env: {}, http: fetchHttp, imdsUrl: url, timeoutMs: 300, logger })).toBeUndefined();
    expect(lines.join('\n')).toMatch(/warning: Region auto-detection failed/);
  });

  it('times out even with a client that ignores abort signals', async () => {
    const deaf: HttpClient = { send: () => new Promise(() => undefined) };
    const { logger, lines } = recorder();
    expect(await resolveRegion(true, { env: {}, http: deaf, timeoutMs: 50, logger })).toBeUndefined();
    expect(lines.join('\n')).toMatch(/did not answer within 50 ms/);
  });

  it('without an HTTP client, auto-detection stops at the environment', async () => {
    const { logger, lines } = recorder();
    expect(await resolveRegion(true, { env: {}, logger })).toBeUndefined();
    expect(lines.join('\n')).toMatch(/no HTTP client/);
  });
});

describe('regionalTokenEndpoint', () => {
  it.each([
    ['https://login.microsoftonline.com/contoso/oauth2/v2.0/token', 'https://westus2.login.microsoft.com/contoso/oauth2/v2.0/token'],
    ['https://login.windows.net/contoso/oauth2/v2.0/token', 'https://westus2.login.microsoft.com/contoso/oauth2/v2.0/token'],
    ['https://login.microsoft.com/contoso/oauth2/v2.0/token?x=1', 'https://westus2.login.microsoft.com/contoso/oauth2/v2.0/token?x=1'],
    ['https://login.microsoftonline.us/contoso/oauth2/v2.0/token', 'https://westus2.login.microsoftonline.us/contoso/oauth2/v2.0/token'],
    ['https://login.chinacloudapi.cn/contoso/oauth2/v2.0/token', 'https://westus2.login.chinacloudapi.cn/contoso/oauth2/v2.0/token'],
  ])('%s', (endpoint, expected) => {
    expect(regionalTokenEndpoint(endpoint, 'WestUS2')).toBe(expected);
  });

  it('leaves IP-literal hosts alone, since they have no regional names', () => {
    expect(regionalTokenEndpoint('http://127.0.0.1:4000/t/oauth2/v2.0/token', 'westus2')).toBe('http://127.0.0.1:4000/t/oauth2/v2.0/token');
    expect(regionalTokenEndpoint('http://[::1]:4000/t/token', 'westus2')).toBe('http://[::1]:4000/t/token');
    expect(regionalTokenEndpoint('http://localhost:4000/t/token', 'westus2')).toBe('http://westus2.localhost:4000/t/token');
  });

  it('refuses a region that would change the host', () => {
    expect(() => regionalTokenEndpoint('https://login.microsoftonline.com/t/oauth2/v2.0/token', 'evil.com/')).toThrow(InvalidArgumentError);
  });
});
