import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DiscoveryError, MalformedResponseError, NetworkError } from '../../../lib/errors.js';
import { fetchMex, isSecureEndpoint, parseMex, preferredEndpoint } from '../../../lib/oauth2/wstrust-mex.js';
import { FederationPaths, buildMexDocument, type FederationWsTrustVersion } from '../../support/sts/federation.js';
import { LocalSts } from '../../support/sts/server.js';
import { createTestHttpClient } from './http.js';

describe('MEX', () => {
  let sts: LocalSts;
  const http = createTestHttpClient();
  let versions: FederationWsTrustVersion[] = [];
  const mexUrl = (): string => `${sts.baseUrl}${FederationPaths.mex}`;

  beforeAll(async () => {
    sts = await new LocalSts().start();
    // A MEX route whose advertised versions each test picks.
    sts.route('GET', FederationPaths.mex, () => ({ body: buildMexDocument(sts.baseUrl, versions) }));
  });
  afterAll(() => sts.stop());
  beforeEach(() => sts.clearFaults());

  it('finds both usernamemixed endpoints and prefers WS-Trust 1.3', async () => {
    versions = ['2005', '1.3'];
    const mex = await fetchMex(http, mexUrl());
    expect(mex).toEqual({
      wsTrust13: { url: `${sts.baseUrl}${FederationPaths.wsTrust13}`, version: '1.3' },
      wsTrust2005: { url: `${sts.baseUrl}${FederationPaths.wsTrust2005}`, version: '2005' },
    });
    expect(preferredEndpoint(mex)).toEqual(mex.wsTrust13);
  });

  it('falls back to WS-Trust 2005 when 1.3 is not offered', async () => {
    versions = ['2005'];
    const mex = await fetchMex(http, mexUrl());
    expect(mex.wsTrust13).toBeUndefined();
    expect(preferredEndpoint(mex)).toEqual({ url: `${sts.baseUrl}${FederationPaths.wsTrust2005}`, version: '2005' });
  });

  it('offers nothing when only a Kerberos (windowstransport) endpoint exists', async () => {
    versions = [];
    const mex = await fetchMex(http, mexUrl());
    expect(mex).toEqual({});
    expect(preferredEndpoint(mex)).toBeUndefined();
  });

  it('skips endpoints that would carry a password over plain HTTP to a remote host', () => {
    const doc = buildMexDocument('http://adfs.example', ['1.3', '2005']);
    expect(parseMex(doc)).toEqual({});
    expect(parseMex(buildMexDocument('https://adfs.example', ['1.3'])).wsTrust13?.url).toBe(
      'https://adfs.example/adfs/services/trust/13/usernamemixed',
    );
  });

  it('ignores bindings on other transports and policies without a transport binding', () => {
    const base = buildMexDocument('https://adfs.example', ['1.3']);
    expect(parseMex(base.replace(/transport="http:\/\/schemas.xmlsoap.org\/soap\/http"/g, 'transport="urn:tcp"'))).toEqual({});
    expect(parseMex(base.replace(/<sp:TransportBinding><wsp:Policy\/><\/sp:TransportBinding>/, ''))).toEqual({});
  });

  it('reads soap12:address when a port has no EndpointReference', () => {
    const doc = buildMexDocument('https://adfs.example', ['2005']).replace(
      /<wsa10:EndpointReference>.*?<\/wsa10:EndpointReference>/g,
      '',
    );
    expect(parseMex(doc).wsTrust2005?.url).toBe('https://adfs.example/adfs/services/trust/2005/usernamemixed');
  });

  it('throws MalformedResponseError on malformed XML, with a body prefix', async () => {
    sts.inject({ path: FederationPaths.mex, reply: { body: '<wsdl:definitions><wsdl:binding></wsdl:definitions>' } });
    const error = await fetchMex(http, mexUrl()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as MalformedResponseError).body).toContain('<wsdl:definitions>');
  });

  it('throws MalformedResponseError on JSON, HTML and empty bodies', async () => {
    sts.inject({ path: FederationPaths.mex, reply: 'malformed' });
    await expect(fetchMex(http, mexUrl())).rejects.toBeInstanceOf(MalformedResponseError);
    sts.inject({ path: FederationPaths.mex, reply: { body: { not: 'xml' } } });
    await expect(fetchMex(http, mexUrl())).rejects.toBeInstanceOf(MalformedResponseError);
    sts.inject({ path: FederationPaths.mex, reply: { body: '' } });
    await expect(fetchMex(http, mexUrl())).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('throws MalformedResponseError on well-formed XML that is not WSDL', () => {
    expect(() => parseMex('<html><body>Sign in</body></html>')).toThrow(/not a WSDL document/);
  });

  it('refuses documents with a DTD (entity expansion)', () => {
    const bomb = '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><definitions>&b;</definitions>';
    expect(() => parseMex(bomb)).toThrow(MalformedResponseError);
  });

  it('throws DiscoveryError on an HTTP error and NetworkError when the server drops the connection', async () => {
    sts.inject({ path: FederationPaths.mex, reply: { status: 503, body: 'down' } });
    await expect(fetchMex(http, mexUrl())).rejects.toBeInstanceOf(DiscoveryError);
    sts.inject({ path: FederationPaths.mex, reply: 'reset' });
    await expect(fetchMex(http, mexUrl())).rejects.toBeInstanceOf(NetworkError);
  });

  it('accepts HTTPS anywhere and plain HTTP only on loopback', () => {
    expect(isSecureEndpoint('https://adfs.example/x')).toBe(true);
    expect(isSecureEndpoint('http://127.0.0.1:8080/x')).toBe(true);
    expect(isSecureEndpoint('http://localhost/x')).toBe(true);
    expect(isSecureEndpoint('http://[::1]:1/x')).toBe(true);
    expect(isSecureEndpoint('http://adfs.example/x')).toBe(false);
    expect(isSecureEndpoint('ftp://adfs.example/x')).toBe(false);
    expect(isSecureEndpoint('not a url')).toBe(false);
  });
});
