import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DiscoveryError, InvalidArgumentError, MalformedResponseError } from '../../../lib/errors.js';
import {
  discoverUserRealm,
  forgetHostsWithoutUserRealmDiscovery,
  hostsWithoutUserRealmDiscovery,
  parseUserRealm,
  userRealmUrl,
} from '../../../lib/oauth2/user-realm.js';
import { FederationPaths, registerFederation } from '../../support/sts/federation.js';
import { LocalSts } from '../../support/sts/server.js';
import { createTestHttpClient } from './http.js';

describe('user realm discovery', () => {
  let sts: LocalSts;
  const http = createTestHttpClient();

  beforeAll(async () => {
    sts = await new LocalSts().start();
    registerFederation(sts, {
      users: {
        'alice@managed.example': { password: 'pw', federated: false },
        'bob@fed.example': { password: 'pw', federated: true },
        'a+b/c?d@fed.example': { password: 'pw', federated: true },
      },
    });
  });
  afterAll(() => sts.stop());
  beforeEach(() => {
    sts.clearFaults();
    sts.requests.length = 0;
  });

  it('reports a managed account', async () => {
    const realm = await discoverUserRealm(http, sts.baseUrl, 'alice@managed.example');
    expect(realm.account_type).toBe('Managed');
    expect(realm.domain_name).toBe('managed.example');
    expect(realm.federation_metadata_url).toBeUndefined();
  });

  it('reports a federated account with its MEX and active auth URLs', async () => {
    const realm = await discoverUserRealm(http, sts.baseUrl, 'bob@fed.example');
    expect(realm).toMatchObject({
      account_type: 'Federated',
      federation_protocol: 'WSTrust',
      federation_metadata_url: `${sts.baseUrl}${FederationPaths.mex}`,
      federation_active_auth_url: `${sts.baseUrl}${FederationPaths.wsTrust2005}`,
      cloud_audience_urn: 'urn:federation:MicrosoftOnline',
      domain_name: 'fed.example',
      ver: '1.0',
    });
  });

  it('reports an unknown account', async () => {
    expect((await discoverUserRealm(http, sts.baseUrl, 'nobody@nowhere.example')).account_type).toBe('Unknown');
  });

  it('sends the api version, Accept and a client-request-id', async () => {
    await discoverUserRealm(http, `${sts.baseUrl}/ignored/path`, 'bob@fed.example', { correlationId: 'corr-1' });
    const [req] = sts.requestsTo('/common/userrealm/bob%40fed.example');
    expect(req?.query.get('api-version')).toBe('1.0');
    expect(req?.headers['accept']).toBe('application/json');
    expect(req?.headers['client-request-id']).toBe('corr-1');
  });

  it('generates a client-request-id when none is given, and keeps a caller-supplied header', async () => {
    await discoverUserRealm(http, sts.baseUrl, 'bob@fed.example');
    await discoverUserRealm(http, sts.baseUrl, 'bob@fed.example', {
      headers: { 'Client-Request-Id': 'from-caller', 'x-client-sku': 'brokerbridge' },
      correlationId: 'ignored',
    });
    const [generated, supplied] = sts.requestsTo(/^\/common\/userrealm\//);
    expect(generated?.headers['client-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(supplied?.headers['client-request-id']).toBe('from-caller');
    expect(supplied?.headers['x-client-sku']).toBe('brokerbridge');
  });

  it('percent-encodes the username into one path segment', async () => {
    expect(userRealmUrl('https://login.example/', 'a+b/c?d@fed.example')).toBe(
      'https://login.example/common/userrealm/a%2Bb%2Fc%3Fd%40fed.example?api-version=1.0',
    );
    const realm = await discoverUserRealm(http, sts.baseUrl, 'a+b/c?d@fed.example');
    expect(realm.account_type).toBe('Federated');
  });

  it('rejects a host without a scheme and an empty username', () => {
    expect(() => userRealmUrl('login.microsoftonline.com', 'x@y')).toThrow(InvalidArgumentError);
    expect(() => userRealmUrl('https://login.example', ' ')).toThrow(InvalidArgumentError);
  });

  it('treats a host without the endpoint (404) as Unknown, and remembers it', async () => {
    sts.inject({ path: /^\/common\/userrealm\//, reply: { status: 404, body: 'nope' } });
    try {
      expect(await discoverUserRealm(http, sts.baseUrl, 'bob@fed.example')).toEqual({ account_type: 'Unknown' });
      expect(hostsWithoutUserRealmDiscovery.has(sts.host)).toBe(true);
      expect(await discoverUserRealm(http, sts.baseUrl, 'alice@managed.example')).toEqual({ account_type: 'Unknown' });
      expect(sts.requestsTo(/^\/common\/userrealm\//)).toHaveLength(1);
    } finally {
      forgetHostsWithoutUserRealmDiscovery();
    }
  });

  it('throws DiscoveryError on a server error', async () => {
    sts.inject({ path: /^\/common\/userrealm\//, reply: { status: 503, body: { error: 'temporarily_unavailable' } } });
    await expect(discoverUserRealm(http, sts.baseUrl, 'bob@fed.example')).rejects.toBeInstanceOf(DiscoveryError);
  });

  it('throws MalformedResponseError with a body prefix on malformed JSON', async () => {
    sts.inject({ path: /^\/common\/userrealm\//, reply: 'malformed' });
    const error = await discoverUserRealm(http, sts.baseUrl, 'bob@fed.example').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as MalformedResponseError).body).toBe('<html>not json');
    expect((error as MalformedResponseError).status).toBe(200);
  });

  it('rejects JSON that is not a realm', () => {
    expect(() => parseUserRealm('[]')).toThrow(MalformedResponseError);
    expect(() => parseUserRealm('{"ver":"1.0"}')).toThrow(/account_type/);
    expect(() => parseUserRealm('{"account_type":"Federated","federation_metadata_url":7}')).toThrow(MalformedResponseError);
  });

  it('treats null fields as absent and unknown account types as Unknown', () => {
    expect(parseUserRealm('{"account_type":"Managed","federation_metadata_url":null,"ver":"1.0"}')).toEqual({
      account_type: 'Managed',
      ver: '1.0',
    });
    expect(parseUserRealm('{"account_type":"SomethingNew"}').account_type).toBe('Unknown');
  });
});
