import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  DiscoveryError,
  InvalidArgumentError,
  MalformedResponseError,
  NetworkError,
  UnsupportedError,
} from '../../../lib/errors.js';
import type { LogLevel } from '../../../lib/app/logger.js';
import { discoverUserRealm, type UserRealm } from '../../../lib/oauth2/user-realm.js';
import { buildRst, endpointFromActiveAuthUrl, obtainSamlAssertion, sendWsTrustRequest } from '../../../lib/oauth2/wstrust-request.js';
import { parseRstr } from '../../../lib/oauth2/wstrust-response.js';
import { FederationPaths, registerFederation, type FederationStub } from '../../support/sts/federation.js';
import { LocalSts } from '../../support/sts/server.js';
import { createTestHttpClient } from './http.js';

const INJECTED_USER = `eve</wsse:Username><wsse:Username>admin@fed.example</wsse:Username><!--"'&@fed.example`;
const INJECTED_PASSWORD = `p&<>"' ]]></wsse:Password></wsse:UsernameToken><x>&amp;\r\n\t end `;

describe('WS-Trust username/password exchange', () => {
  let sts: LocalSts;
  let stub: FederationStub;
  const http = createTestHttpClient();

  beforeAll(async () => {
    sts = await new LocalSts().start();
    stub = registerFederation(sts, {
      users: {
        'bob@fed.example': { password: 'correct horse', federated: true },
        'carol@fed.example': { password: 'battery staple', federated: true, samlVersion: '2.0' },
        'admin@fed.example': { password: 'admin-secret', federated: true },
        [INJECTED_USER]: { password: INJECTED_PASSWORD, federated: true },
      },
    });
  });
  afterAll(() => sts.stop());
  beforeEach(() => {
    sts.clearFaults();
    sts.requests.length = 0;
    stub.rsts.length = 0;
    stub.issued.length = 0;
  });

  const realmOf = (username: string): Promise<UserRealm> => discoverUserRealm(http, sts.baseUrl, username);

  it('trades credentials for a SAML 1.1 assertion over WS-Trust 1.3, byte for byte', async () => {
    const result = await obtainSamlAssertion(http, {
      realm: await realmOf('bob@fed.example'),
      username: 'bob@fed.example',
      password: 'correct horse',
    });
    expect(result).toEqual({ assertion: stub.issued[0]?.assertion, samlVersion: '1.1' });
    expect(result.assertion).toMatch(/^<saml:Assertion [^>]*MajorVersion="1" MinorVersion="1"/);
    expect(sts.requestsTo(FederationPaths.wsTrust13)).toHaveLength(1);
    expect(sts.requestsTo(FederationPaths.wsTrust2005)).toHaveLength(0);
  });

  it('extracts a SAML 2.0 assertion', async () => {
    const result = await obtainSamlAssertion(http, {
      realm: await realmOf('carol@fed.example'),
      username: 'carol@fed.example',
      password: 'battery staple',
    });
    expect(result).toEqual({ assertion: stub.issued[0]?.assertion, samlVersion: '2.0' });
    expect(result.assertion).toContain('xmlns="urn:oasis:names:tc:SAML:2.0:assertion"');
  });

  it('sends a well-formed RST: headers, action, message id, audience, 10-minute timestamp', async () => {
    await obtainSamlAssertion(http, {
      realm: await realmOf('bob@fed.example'),
      username: 'bob@fed.example',
      password: 'correct horse',
    });
    const [request] = sts.requestsTo(FederationPaths.wsTrust13);
    expect(request?.headers['content-type']).toBe('application/soap+xml; charset=utf-8');
    expect(request?.headers['soapaction']).toBe('http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue');
    const [rst] = stub.rsts;
    expect(rst).toMatchObject({
      version: '1.3',
      to: `${sts.baseUrl}${FederationPaths.wsTrust13}`,
      username: 'bob@fed.example',
      password: 'correct horse',
      appliesTo: 'urn:federation:MicrosoftOnline',
    });
    expect(rst?.messageId).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(rst?.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(rst?.expires ?? '') - Date.parse(rst?.created ?? '')).toBe(600_000);
  });

  it('uses the realm cloud_audience_urn as AppliesTo, and the default when the realm has none', async () => {
    const realm = await realmOf('bob@fed.example');
    const creds = { username: 'bob@fed.example', password: 'correct horse' };
    await obtainSamlAssertion(http, { ...creds, realm: { ...realm, cloud_audience_urn: 'urn:federation:usgov&x' } });
    const { cloud_audience_urn: _dropped, ...withoutUrn } = realm;
    await obtainSamlAssertion(http, { ...creds, realm: withoutUrn as UserRealm });
    expect(stub.rsts.map((r) => r.appliesTo)).toEqual(['urn:federation:usgov&x', 'urn:federation:MicrosoftOnline']);
  });

  it('returns a wrong password as an invalid_grant value carrying the fault text', async () => {
    const result = await obtainSamlAssertion(http, {
      realm: await realmOf('bob@fed.example'),
      username: 'bob@fed.example',
      password: 'wrong',
    });
    expect(result).toEqual({
      error: 'invalid_grant',
      error_description: 'ID3242: The security token could not be authenticated or authorized.',
      fault_code: 'a:FailedAuthentication',
    });
    expect(stub.issued).toHaveLength(0);
  });

  it('escapes XML in the username and password so the server reads them verbatim', async () => {
    const result = await obtainSamlAssertion(http, {
      realm: await realmOf(INJECTED_USER),
      username: INJECTED_USER,
      password: INJECTED_PASSWORD,
    });
    // The server parsed exactly one username token holding the raw strings, and accepted them.
    expect(stub.rsts[0]?.username).toBe(INJECTED_USER);
    expect(stub.rsts[0]?.password).toBe(INJECTED_PASSWORD);
    expect(stub.issued[0]?.username).toBe(INJECTED_USER);
    expect(result).toMatchObject({ samlVersion: '1.1' });
    const body = sts.requestsTo(FederationPaths.wsTrust13)[0]?.body ?? '';
    expect(body.match(/<wsse:Username>/g)).toHaveLength(1);
    expect(body).not.toContain('<wsse:Username>admin@fed.example');
    expect(body).toContain('eve&lt;/wsse:Username&gt;');
    expect(body).toContain('p&amp;&lt;&gt;&quot;&apos; ]]&gt;');
  });

  it('the injected username cannot sign in as the user it names', async () => {
    const result = await obtainSamlAssertion(http, {
      realm: await realmOf('admin@fed.example'),
      username: `x</wsse:Username><wsse:Username>admin@fed.example`,
      password: 'admin-secret',
    });
    expect(result).toMatchObject({ error: 'invalid_grant' });
    expect(stub.rsts[0]?.username).toBe('x</wsse:Username><wsse:Username>admin@fed.example');
  });

  it('rejects characters XML cannot carry instead of sending a broken envelope', async () => {
    await expect(
      obtainSamlAssertion(http, {
        realm: await realmOf('bob@fed.example'),
        username: 'bob@fed.example',
        password: 'nul\u0000byte',
      }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(sts.requestsTo(FederationPaths.wsTrust13)).toHaveLength(0);
  });

  it('falls back to federation_active_auth_url when the MEX server is down', async () => {
    const warnings: string[] = [];
    const logger = { log: (level: LogLevel, message: string) => void (level === 'warning' && warnings.push(message)) };
    sts.inject({ path: FederationPaths.mex, reply: 'reset' });
    const result = await obtainSamlAssertion(http, {
      realm: await realmOf('bob@fed.example'),
      username: 'bob@fed.example',
      password: 'correct horse',
      logger,
    });
    expect(result).toMatchObject({ samlVersion: '1.1' });
    expect(stub.rsts[0]?.version).toBe('2005');
    expect(sts.requestsTo(FederationPaths.wsTrust2005)[0]?.headers['soapaction']).toBe(
      'http://schemas.xmlsoap.org/ws/2005/02/trust/RST/Issue',
    );
    expect(warnings.join()).toContain('network_error');
    expect(warnings.join()).not.toContain('bob');
  });

  it('falls back when the MEX server hangs (the client timeout fires), errs, or sends garbage', async () => {
    const impatient = createTestHttpClient(300);
    const realm = await realmOf('bob@fed.example');
    const creds = { realm, username: 'bob@fed.example', password: 'correct horse' };
    sts.inject({ path: FederationPaths.mex, reply: 'hang' });
    expect(await obtainSamlAssertion(impatient, creds)).toMatchObject({ samlVersion: '1.1' });
    sts.inject({ path: FederationPaths.mex, reply: { status: 500, body: 'oops' } });
    expect(await obtainSamlAssertion(http, creds)).toMatchObject({ samlVersion: '1.1' });
    sts.inject({ path: FederationPaths.mex, reply: 'malformed' });
    expect(await obtainSamlAssertion(http, creds)).toMatchObject({ samlVersion: '1.1' });
    expect(stub.rsts.map((r) => r.version)).toEqual(['2005', '2005', '2005']);
  });

  it('falls back when MEX offers no usable endpoint', async () => {
    sts.inject({ path: FederationPaths.mex, reply: { body: '<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"/>' } });
    const result = await obtainSamlAssertion(http, {
      realm: await realmOf('bob@fed.example'),
      username: 'bob@fed.example',
      password: 'correct horse',
    });
    expect(result).toMatchObject({ samlVersion: '1.1' });
    expect(stub.rsts[0]?.version).toBe('2005');
  });

  it('without an active auth URL, a MEX failure surfaces as the error it was', async () => {
    const { federation_active_auth_url: _dropped, ...realm } = await realmOf('bob@fed.example');
    const creds = { realm: realm as UserRealm, username: 'bob@fed.example', password: 'correct horse' };
    sts.inject({ path: FederationPaths.mex, reply: 'reset' });
    await expect(obtainSamlAssertion(http, creds)).rejects.toBeInstanceOf(NetworkError);
    sts.inject({ path: FederationPaths.mex, reply: 'malformed' });
    await expect(obtainSamlAssertion(http, creds)).rejects.toBeInstanceOf(MalformedResponseError);
    sts.inject({ path: FederationPaths.mex, reply: { body: '<definitions/>' } });
    await expect(obtainSamlAssertion(http, creds)).rejects.toThrow(/no usable/);
    expect(stub.rsts).toHaveLength(0);
  });

  it('an aborted call does not fall back', async () => {
    const controller = new AbortController();
    sts.inject({ path: FederationPaths.mex, reply: 'hang' });
    const pending = obtainSamlAssertion(http, {
      realm: await realmOf('bob@fed.example'),
      username: 'bob@fed.example',
      password: 'correct horse',
      signal: controller.signal,
    });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(stub.rsts).toHaveLength(0);
  });

  it('refuses to send a password to a plain-HTTP remote endpoint', async () => {
    const realm: UserRealm = {
      account_type: 'Federated',
      federation_active_auth_url: 'http://adfs.example/adfs/services/trust/2005/usernamemixed',
    };
    await expect(obtainSamlAssertion(http, { realm, username: 'u', password: 'p' })).rejects.toBeInstanceOf(DiscoveryError);
  });

  it('needs a Federated realm and a recognisable active auth URL', async () => {
    await expect(
      obtainSamlAssertion(http, { realm: { account_type: 'Managed' }, username: 'u', password: 'p' }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      obtainSamlAssertion(http, { realm: { account_type: 'Federated' }, username: 'u', password: 'p' }),
    ).rejects.toBeInstanceOf(DiscoveryError);
    expect(() => endpointFromActiveAuthUrl('https://adfs.example/other')).toThrow(DiscoveryError);
    expect(endpointFromActiveAuthUrl('https://adfs.example/adfs/services/trust/13/UserNameMixed')).toEqual({
      url: 'https://adfs.example/adfs/services/trust/13/UserNameMixed',
      version: '1.3',
    });
  });

  it('throws MalformedResponseError when the WS-Trust endpoint sends malformed XML or JSON', async () => {
    const realm = await realmOf('bob@fed.example');
    const creds = { realm, username: 'bob@fed.example', password: 'correct horse' };
    sts.inject({ path: FederationPaths.wsTrust13, reply: { status: 200, body: '<s:Envelope><s:Body>' } });
    const error = await obtainSamlAssertion(http, creds).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as MalformedResponseError).body).toBe('<s:Envelope><s:Body>');
    sts.inject({ path: FederationPaths.wsTrust13, reply: { status: 502, body: { error: 'bad_gateway' } } });
    const second = await obtainSamlAssertion(http, creds).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(MalformedResponseError);
    expect((second as MalformedResponseError).status).toBe(502);
  });

  it('throws when the RSTR holds neither a token nor a fault, or a token of another type', () => {
    const envelope = (inner: string): string =>
      `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>${inner}</s:Body></s:Envelope>`;
    expect(() => parseRstr(envelope('<x/>'))).toThrow(MalformedResponseError);
    expect(() => parseRstr('<a/>')).toThrow(/not a SOAP envelope/);
    expect(() =>
      parseRstr(
        envelope(
          '<t:RequestSecurityTokenResponse xmlns:t="x"><t:TokenType>urn:ietf:params:oauth:token-type:jwt</t:TokenType>' +
            '<t:RequestedSecurityToken><jwt>e30</jwt></t:RequestedSecurityToken></t:RequestSecurityTokenResponse>',
        ),
      ),
    ).toThrow(UnsupportedError);
  });

  it('reads SOAP 1.1 faults and WSS token-profile token types', () => {
    expect(
      parseRstr(
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>' +
          '<faultcode>soap:Client</faultcode><faultstring>Bad &amp; wrong</faultstring></soap:Fault></soap:Body></soap:Envelope>',
      ),
    ).toEqual({ error: 'invalid_grant', error_description: 'Bad & wrong', fault_code: 'soap:Client' });
    expect(
      parseRstr(
        '<s:Envelope xmlns:s="s"><s:Body><t:RequestSecurityTokenResponse xmlns:t="t">' +
          '<t:TokenType>http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0</t:TokenType>' +
          '<t:RequestedSecurityToken>\n  <Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion"><Issuer>a &amp; b</Issuer></Assertion>\n' +
          '</t:RequestedSecurityToken></t:RequestSecurityTokenResponse></s:Body></s:Envelope>',
      ),
    ).toEqual({
      assertion: '<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion"><Issuer>a &amp; b</Issuer></Assertion>',
      samlVersion: '2.0',
    });
  });

  it('gets a fault value when the RST vocabulary does not match the endpoint version', async () => {
    const result = await sendWsTrustRequest(http, {
      endpoint: { url: `${sts.baseUrl}${FederationPaths.wsTrust2005}`, version: '1.3' },
      username: 'bob@fed.example',
      password: 'correct horse',
      appliesTo: 'urn:federation:MicrosoftOnline',
    });
    expect(result).toMatchObject({ error: 'invalid_grant', fault_code: 'a:InvalidRequest' });
    expect(stub.issued).toHaveLength(0);
  });

  it('builds an RST that is well-formed XML for both versions', () => {
    for (const version of ['1.3', '2005'] as const) {
      const xml = buildRst({
        endpoint: { url: 'https://adfs.example/a?b=1&c=2', version },
        username: INJECTED_USER,
        password: INJECTED_PASSWORD,
        appliesTo: 'urn:federation:MicrosoftOnline',
        messageId: 'urn:uuid:fixed',
        now: new Date('2024-01-02T03:04:05.678Z'),
      });
      expect(XMLValidator.validate(xml)).toBe(true);
      expect(xml).toContain('<wsu:Created>2024-01-02T03:04:05Z</wsu:Created>');
      expect(xml).toContain('<wsu:Expires>2024-01-02T03:14:05Z</wsu:Expires>');
      expect(xml).toContain('https://adfs.example/a?b=1&amp;c=2');
    }
  });
});
