import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../lib/errors.js';
import { TokenCache, type CacheAddEvent, type CacheChange } from '../../../lib/cache/token-cache.js';
import { SerializableTokenCache } from '../../../lib/cache/serializable-token-cache.js';
import { ALIASES, CLIENT_ID, ENV, TENANT, homeId, userResponse } from './fixtures.js';

const NOW = 1_750_000_000;
const SCOPES = ['User.Read', 'profile', 'openid', 'email'];

function addUser(cache: TokenCache, o: Parameters<typeof userResponse>[0] & { realm?: string; scopes?: string[]; env?: string } = {}) {
  return cache.add({
    clientId: o.clientId ?? CLIENT_ID,
    environment: o.env ?? ENV,
    realm: o.realm ?? TENANT,
    scopes: o.scopes ?? SCOPES,
    response: userResponse({ now: NOW, ...o }),
    now: o.now ?? NOW,
  });
}

describe('TokenCache.add', () => {
  it('writes AT, RT, id token, account and app metadata the way MSAL does', () => {
    const cache = new SerializableTokenCache();
    const result = addUser(cache, { refreshIn: 1800, foci: '1' });
    expect(result.homeAccountId).toBe(homeId());
    expect(result.account).toMatchObject({
      home_account_id: homeId(),
      environment: ENV,
      realm: TENANT,
      local_account_id: '9f4880d8-80ba-4c40-97bc-f7a23c703084',
      username: 'ada@contoso.com',
      name: 'Ada Lovelace',
      authority_type: 'MSSTS',
    });
    // MSAL Python writes no client_info on the account.
    expect(result.account).not.toHaveProperty('client_info');
    const blob = JSON.parse(cache.serialize());
    const hid = homeId();
    // target: the scopes sorted by code point, as MSAL Python sorts them.
    expect(blob.AccessToken[`${hid}-${ENV}-accesstoken-${CLIENT_ID}-${TENANT}-user.read email openid profile`]).toEqual({
      credential_type: 'AccessToken',
      secret: `at-9f4880d8-80ba-4c40-97bc-f7a23c703084`,
      home_account_id: hid,
      environment: ENV,
      client_id: CLIENT_ID,
      realm: TENANT,
      target: 'User.Read email openid profile',
      token_type: 'Bearer',
      cached_at: String(NOW),
      expires_on: String(NOW + 3599),
      extended_expires_on: String(NOW + 4599),
      refresh_on: String(NOW + 1800),
    });
    expect(blob.RefreshToken[`${hid}-${ENV}-refreshtoken-${CLIENT_ID}--user.read email openid profile`]).toEqual({
      credential_type: 'RefreshToken',
      secret: 'rt-9f4880d8-80ba-4c40-97bc-f7a23c703084',
      home_account_id: hid,
      environment: ENV,
      client_id: CLIENT_ID,
      target: 'User.Read email openid profile',
      last_modification_time: String(NOW),
      family_id: '1',
    });
    expect(blob.IdToken[`${hid}-${ENV}-idtoken-${CLIENT_ID}-${TENANT}-`]).toMatchObject({ credential_type: 'IdToken', realm: TENANT });
    expect(blob.Account[`${hid}-${ENV}-${TENANT}`]).toBeDefined();
    expect(blob.AppMetadata[`appmetadata-${ENV}-${CLIENT_ID}`]).toEqual({ client_id: CLIENT_ID, environment: ENV, family_id: '1' });
  });

  it('takes username from preferred_username, upn or the request (never email), local_account_id from sub, and ADFS from the realm', () => {
    const cache = new TokenCache();
    const { account } = cache.add({
      clientId: 'adfs-app',
      environment: 'adfs.contoso.com',
      realm: 'adfs',
      scopes: ['openid'],
      response: { access_token: 'a', id_token: 'x.y.z' },
      idTokenClaims: { iss: 'i', sub: 'S-1-5-21', aud: 'adfs-app', exp: NOW + 60, iat: NOW, upn: 'bob@contoso.com' },
      now: NOW,
    });
    expect(account).toMatchObject({ home_account_id: 'S-1-5-21', local_account_id: 'S-1-5-21', username: 'bob@contoso.com', authority_type: 'ADFS' });
    const oidc = (claims: { sub: string; email?: string }, extra: Partial<CacheAddEvent> = {}) =>
      cache.add({
        clientId: 'oidc-app',
        environment: 'op.example',
        realm: 'op',
        scopes: ['openid'],
        response: { access_token: 'a' },
        idTokenClaims: { iss: 'i', aud: 'oidc-app', exp: NOW + 60, iat: NOW, ...claims },
        now: NOW,
        ...extra,
      });
    const generic = oidc({ sub: 'carol', email: 'carol@example.com' }, { authorityType: 'Generic', accountSource: 'authorization_code' });
    // MSAL Python reads preferred_username or upn only; email does not name the account.
    expect(generic.account).toMatchObject({ username: '', authority_type: 'Generic', account_source: 'authorization_code' });
    // ROPC: the request's username names the account; nothing else of the request is kept.
    const ropc = oidc({ sub: 'dave' }, { data: { username: 'dave@example.com', password: 'not kept' } });
    expect(ropc.account).toMatchObject({ username: 'dave@example.com' });
    expect(JSON.stringify(ropc.account)).not.toContain('not kept');
  });

  it('rewrites an account and app metadata from the response alone, carrying over only what other SDKs added', () => {
    const cache = new SerializableTokenCache();
    addUser(cache, { foci: '1' });
    const blob = JSON.parse(cache.serialize());
    const accountKey = Object.keys(blob.Account)[0]!;
    Object.assign(blob.Account[accountKey], { account_source: 'authorization_code', tenantProfiles: ['{"tenantId":"t"}'], client_info: 'from-node' });
    blob.AppMetadata[`appmetadata-${ENV}-${CLIENT_ID}`].node_field = 1;
    cache.deserialize(JSON.stringify(blob));
    // A reply without foci, from a flow that names no account_source: MSAL Python drops both fields.
    addUser(cache);
    const out = JSON.parse(cache.serialize());
    expect(out.Account[accountKey]).toMatchObject({ tenantProfiles: ['{"tenantId":"t"}'], client_info: 'from-node', username: 'ada@contoso.com' });
    expect(out.Account[accountKey]).not.toHaveProperty('account_source');
    expect(out.AppMetadata[`appmetadata-${ENV}-${CLIENT_ID}`]).toEqual({ client_id: CLIENT_ID, environment: ENV, node_field: 1 });
  });

  it('decodes the id token itself when no claims are passed, and rejects a malformed one', () => {
    const cache = new TokenCache();
    const { account } = addUser(cache);
    expect(account?.username).toBe('ada@contoso.com');
    expect(() =>
      cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: [], response: { id_token: 'nope' } }),
    ).toThrow(InvalidArgumentError);
  });

  it('replaces only the AT with the same key: ATs whose scopes merely overlap stay (MSAL Python)', () => {
    const cache = new TokenCache();
    addUser(cache, { scopes: ['a', 'b'], accessToken: 'ab' });
    addUser(cache, { scopes: ['c'], accessToken: 'c' });
    addUser(cache, { scopes: ['B', 'd'], accessToken: 'bd', expiresIn: 7200 });
    const q = { homeAccountId: homeId(), environments: [ENV], clientId: CLIENT_ID, realm: TENANT };
    expect(cache.findAccessToken({ ...q, scopes: ['a'] })?.secret).toBe('ab');
    expect(cache.findAccessToken({ ...q, scopes: ['c'] })?.secret).toBe('c');
    expect(cache.findAccessToken({ ...q, scopes: ['b', 'D'] })?.secret).toBe('bd');
    // Both hold b: the longer-lived one is served.
    expect(cache.findAccessToken({ ...q, scopes: ['b'] })?.secret).toBe('bd');
    // The same scopes in another order: the same sorted target, so the same key.
    addUser(cache, { scopes: ['b', 'a'], accessToken: 'ab2' });
    expect(cache.findAccessToken({ ...q, scopes: ['a'] })?.secret).toBe('ab2');
    addUser(cache, { scopes: ['c'], accessToken: 'c2' });
    expect(cache.findAccessToken({ ...q, scopes: ['c'] })?.secret).toBe('c2');
    // Another realm of the same account is not touched.
    addUser(cache, { scopes: ['c'], accessToken: 'other-tenant', realm: 'organizations' });
    expect(cache.findAccessToken({ ...q, scopes: ['c'] })?.secret).toBe('c2');
  });

  it('keeps a Bearer AT and ones bound to different keys for the same scopes side by side', () => {
    const cache = new SerializableTokenCache();
    const clientInfo = userResponse().client_info;
    const add = (accessToken: string, keyId?: string) =>
      cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['User.Read'], ...(keyId ? { keyId } : {}), response: { access_token: accessToken, token_type: keyId ? 'pop' : 'Bearer', client_info: clientInfo! }, now: NOW });
    add('bearer');
    add('pop-1', 'kid-1');
    add('pop-2', 'kid-2');
    const keys = Object.keys(JSON.parse(cache.serialize()).AccessToken as object);
    expect(keys.sort()).toEqual(
      [`${homeId()}-${ENV}-accesstoken-${CLIENT_ID}-${TENANT}-user.read`, `${homeId()}-${ENV}-accesstoken-${CLIENT_ID}-${TENANT}-user.read-kid-1`, `${homeId()}-${ENV}-accesstoken-${CLIENT_ID}-${TENANT}-user.read-kid-2`].sort(),
    );
    const q = { homeAccountId: homeId(), environments: [ENV], clientId: CLIENT_ID, realm: TENANT, scopes: ['User.Read'] };
    expect(cache.findAccessToken(q)?.secret).toBe('bearer');
    expect(cache.findAccessToken({ ...q, keyId: 'kid-2' })?.secret).toBe('pop-2');
  });

  it('replaces the RT with the same key (client and target), and keeps app-only tokens without an account', () => {
    const cache = new SerializableTokenCache();
    addUser(cache, { refreshToken: 'old' });
    addUser(cache, { refreshToken: 'new', now: NOW + 10 });
    expect(cache.findRefreshTokens({ homeAccountId: homeId(), environments: [ENV], clientId: CLIENT_ID }).map((r) => r.secret)).toEqual(['new']);

    const app = cache.add({ clientId: 'daemon', environment: ENV, realm: TENANT, scopes: ['https://graph.microsoft.com/.default'], response: { access_token: 'app', expires_in: 3600 }, now: NOW });
    expect(app).toEqual({ homeAccountId: null });
    const at = cache.findAccessToken({ homeAccountId: null, environments: [ENV], clientId: 'daemon', realm: TENANT, scopes: ['https://graph.microsoft.com/.default'] });
    expect(at).toMatchObject({ secret: 'app', home_account_id: '' });
    expect(cache.getAccounts().map((a) => a.home_account_id)).toEqual([homeId()]);
  });

  it('writes null home_account_id on app-only tokens when asked (MSAL Python style)', () => {
    const cache = new SerializableTokenCache({ appOnlyHomeAccountId: null });
    cache.add({ clientId: 'daemon', environment: ENV, realm: TENANT, scopes: ['s'], response: { access_token: 'app' }, now: NOW });
    const at = cache.findAccessToken({ homeAccountId: '', environments: [ENV], clientId: 'daemon', realm: TENANT, scopes: ['s'] });
    expect(at?.home_account_id).toBeNull();
    // expires_in absent: RFC 6749 suggests a default lifetime.
    expect(Number(at?.expires_on) - NOW).toBe(600);
  });

  it('handles string numbers and managed identity expires_on', () => {
    const cache = new TokenCache();
    cache.add({ clientId: 'mi', environment: ENV, realm: TENANT, scopes: ['s'], response: { access_token: 'x', expires_on: String(NOW + 1234) }, now: NOW });
    cache.add({ clientId: 'v1', environment: ENV, realm: TENANT, scopes: ['s'], response: { access_token: 'y', expires_in: '99' as unknown as number }, now: NOW });
    const q = { homeAccountId: null, environments: [ENV], realm: TENANT, scopes: ['s'] };
    expect(cache.findAccessToken({ ...q, clientId: 'mi' })?.expires_on).toBe(String(NOW + 1234));
    expect(cache.findAccessToken({ ...q, clientId: 'v1' })?.expires_on).toBe(String(NOW + 99));
  });

  it('notifies listeners once per add, after the whole response is stored', () => {
    const cache = new TokenCache();
    const seen: Array<{ change: CacheChange; at: boolean; rt: boolean; account: boolean }> = [];
    const stop = cache.onChange((change) =>
      seen.push({
        change,
        at: !!cache.findAccessToken({ homeAccountId: homeId(), environments: [ENV], clientId: CLIENT_ID, realm: TENANT, scopes: ['User.Read'] }),
        rt: cache.findRefreshTokens({ homeAccountId: homeId(), environments: [ENV], clientId: CLIENT_ID }).length === 1,
        account: cache.getAccounts().length === 1,
      }),
    );
    cache.onChange(() => {
      throw new Error('a broken listener does not break add');
    });
    addUser(cache);
    expect(seen).toEqual([{ change: { kind: 'add' }, at: true, rt: true, account: true }]);
    stop();
    addUser(cache);
    expect(seen).toHaveLength(1);
  });
});

describe('TokenCache lookups', () => {
  it('finds tokens under any alias of the authority', () => {
    const cache = new TokenCache();
    addUser(cache, { env: 'login.windows.net' });
    const at = cache.findAccessToken({ homeAccountId: homeId(), environments: ALIASES, clientId: CLIENT_ID, realm: TENANT, scopes: ['user.read'] });
    expect(at?.environment).toBe('login.windows.net');
    expect(cache.findAccessToken({ homeAccountId: homeId(), environments: [ENV], clientId: CLIENT_ID, realm: TENANT, scopes: ['user.read'] })).toBeUndefined();
    expect(cache.findRefreshTokens({ homeAccountId: homeId(), environments: ALIASES, clientId: CLIENT_ID })).toHaveLength(1);
    expect(cache.findIdToken({ homeAccountId: homeId(), environments: ALIASES, clientId: CLIENT_ID, realm: TENANT })?.environment).toBe('login.windows.net');
    expect(cache.getAppMetadata(ALIASES, CLIENT_ID)?.environment).toBe('login.windows.net');
    expect(cache.getAccounts({ environments: ALIASES })).toHaveLength(1);
    expect(cache.getAccounts({ environments: [ENV] })).toHaveLength(0);
  });

  it('requires every requested scope (case-insensitive), the key id, ext cache key and token type', () => {
    const cache = new TokenCache();
    addUser(cache, { scopes: ['User.Read', 'Mail.Read'] });
    cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['User.Read'], keyId: 'kid-1', response: { access_token: 'pop', token_type: 'pop', client_info: userResponse().client_info! }, now: NOW });
    cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['User.Read'], extCacheKey: 'fmi', response: { access_token: 'fmi', client_info: userResponse().client_info! }, now: NOW });
    const q = { homeAccountId: homeId(), environments: [ENV], clientId: CLIENT_ID, realm: TENANT };
    expect(cache.findAccessToken({ ...q, scopes: ['mail.read', 'USER.READ'] })?.secret).toBe('at-9f4880d8-80ba-4c40-97bc-f7a23c703084');
    expect(cache.findAccessToken({ ...q, scopes: ['mail.read', 'calendars.read'] })).toBeUndefined();
    expect(cache.findAccessToken({ ...q, scopes: ['User.Read'], keyId: 'kid-1' })?.secret).toBe('pop');
    expect(cache.findAccessToken({ ...q, scopes: ['User.Read'], keyId: 'kid-1', tokenType: 'PoP' })?.secret).toBe('pop');
    expect(cache.findAccessToken({ ...q, scopes: ['User.Read'], keyId: 'kid-1', tokenType: 'Bearer' })).toBeUndefined();
    expect(cache.findAccessToken({ ...q, scopes: ['User.Read'], keyId: 'kid-2' })).toBeUndefined();
    expect(cache.findAccessToken({ ...q, scopes: ['User.Read'], extCacheKey: 'fmi' })?.secret).toBe('fmi');
    expect(cache.findAccessToken({ ...q, scopes: ['User.Read'], realm: 'other' })).toBeUndefined();
  });

  it('returns family RTs (FOCI) to other apps of the family, newest first', () => {
    const cache = new TokenCache();
    addUser(cache, { clientId: 'app-a', refreshToken: 'rt-a', foci: '1', now: NOW });
    addUser(cache, { clientId: 'app-b', refreshToken: 'rt-b', foci: '1', now: NOW + 5 });
    addUser(cache, { clientId: 'app-c', refreshToken: 'rt-c', now: NOW + 9 });
    const base = { homeAccountId: homeId(), environments: [ENV] };
    expect(cache.findRefreshTokens({ ...base, familyId: '1' }).map((r) => r.secret)).toEqual(['rt-b', 'rt-a']);
    expect(cache.findRefreshTokens({ ...base, clientId: 'app-c', familyId: '1' }).map((r) => r.secret)).toEqual(['rt-c', 'rt-b', 'rt-a']);
    expect(cache.findRefreshTokens({ ...base, clientId: 'app-c' }).map((r) => r.secret)).toEqual(['rt-c']);
    expect(cache.getAppMetadata([ENV], 'app-a')?.family_id).toBe('1');
    expect(cache.getAppMetadata([ENV], 'app-c')?.family_id).toBeUndefined();
    expect(() => cache.findRefreshTokens(base as never)).toThrow(InvalidArgumentError);
  });

  it('groups accounts by home account with every realm, and filters by username and client', () => {
    const cache = new TokenCache();
    addUser(cache, { realm: 'organizations' });
    addUser(cache, { realm: TENANT });
    addUser(cache, { realm: 'guest-tenant', tid: 'guest-tenant' });
    addUser(cache, { uid: 'bob', username: 'Bob@Contoso.com', clientId: 'other-app' });
    const accounts = cache.getAccounts({ environments: [ENV] });
    expect(accounts).toHaveLength(2);
    const ada = accounts.find((a) => a.home_account_id === homeId());
    expect(ada?.realm).toBe(TENANT);
    expect(ada?.realms.sort()).toEqual([TENANT, 'guest-tenant', 'organizations'].sort());
    expect(cache.getAccounts({ username: 'bob@contoso.COM' }).map((a) => a.home_account_id)).toEqual([homeId('bob')]);
    expect(cache.getAccounts({ clientId: 'other-app' }).map((a) => a.home_account_id)).toEqual([homeId('bob')]);
    expect(cache.getAccounts({ clientId: CLIENT_ID }).map((a) => a.home_account_id)).toEqual([homeId()]);
    // Without aliases, each environment is its own group.
    addUser(cache, { env: 'login.windows.net' });
    expect(cache.getAccounts().filter((a) => a.home_account_id === homeId())).toHaveLength(2);
    expect(cache.getAccounts({ environments: ALIASES }).filter((a) => a.home_account_id === homeId())).toMatchObject([{ environment: ENV }]);
  });
});

describe('TokenCache removal', () => {
  it('updates and removes RTs and ATs, given the returned entry or a copy', () => {
    const cache = new SerializableTokenCache();
    addUser(cache);
    const base = { homeAccountId: homeId(), environments: [ENV], clientId: CLIENT_ID };
    const [rt] = cache.findRefreshTokens(base);
    expect(Object.isFrozen(rt)).toBe(true);
    const updated = cache.updateRefreshToken(rt!, 'rotated', NOW + 100);
    expect(updated).toMatchObject({ secret: 'rotated', last_modification_time: String(NOW + 100) });
    expect(cache.findRefreshTokens(base).map((r) => r.secret)).toEqual(['rotated']);
    expect(cache.removeRefreshToken({ ...updated })).toBe(true);
    expect(cache.removeRefreshToken(updated)).toBe(false);
    expect(cache.findRefreshTokens(base)).toEqual([]);
    // As MSAL Python's update_rt: an entry removed meanwhile is written again.
    expect(cache.updateRefreshToken(updated, 'again', NOW + 200)).toMatchObject({ secret: 'again', target: updated.target });
    expect(cache.findRefreshTokens(base).map((r) => r.secret)).toEqual(['again']);

    const atQ = { ...base, realm: TENANT, scopes: ['User.Read'] };
    const at = cache.findAccessToken(atQ)!;
    expect(cache.removeAccessToken({ ...at })).toBe(true);
    expect(cache.findAccessToken(atQ)).toBeUndefined();
    expect(cache.removeAccessToken(at)).toBe(false);
  });

  it('removeAccount removes the account everywhere, keeping other apps RTs when a client is given', () => {
    const cache = new TokenCache();
    addUser(cache, { clientId: 'app-a', foci: '1', refreshToken: 'fa' });
    addUser(cache, { clientId: 'app-b', foci: '1', refreshToken: 'fb' });
    addUser(cache, { clientId: 'app-c', refreshToken: 'c' });
    addUser(cache, { clientId: 'app-a', env: 'login.windows.net' });
    addUser(cache, { uid: 'bob' });
    const removed = cache.removeAccount(homeId(), [ENV], 'app-a');
    expect(removed).toBeGreaterThan(0);
    const rts = (clientId: string, env = ENV) => cache.findRefreshTokens({ homeAccountId: homeId(), environments: [env], clientId }).map((r) => r.secret);
    expect(rts('app-a')).toEqual([]);
    expect(rts('app-b')).toEqual([]); // same family
    expect(rts('app-c')).toEqual(['c']);
    expect(rts('app-a', 'login.windows.net')).toHaveLength(1);
    expect(cache.findAccessToken({ homeAccountId: homeId(), environments: [ENV], clientId: 'app-c', realm: TENANT, scopes: ['openid'] })).toBeUndefined();
    expect(cache.findIdToken({ homeAccountId: homeId(), environments: [ENV], clientId: 'app-c', realm: TENANT })).toBeUndefined();
    expect(cache.getAccounts({ environments: [ENV] }).map((a) => a.home_account_id)).toEqual([homeId('bob')]);
    cache.removeAccount(homeId(), ['login.windows.net']);
    expect(rts('app-a', 'login.windows.net')).toEqual([]);
    expect(cache.removeAccount('nobody', [ENV])).toBe(0);
  });

  it('removeAppTokens drops only app-only ATs of that client; clear empties everything', () => {
    const cache = new SerializableTokenCache();
    const app = (clientId: string, env = ENV) =>
      cache.add({ clientId, environment: env, realm: TENANT, scopes: ['s'], response: { access_token: `${clientId}@${env}` }, now: NOW });
    app('daemon');
    app('daemon', 'login.windows.net');
    app('other');
    addUser(cache, { clientId: 'daemon' });
    const find = (clientId: string, env = ENV) =>
      cache.findAccessToken({ homeAccountId: null, environments: [env], clientId, realm: TENANT, scopes: ['s'] })?.secret;
    expect(cache.removeAppTokens('daemon', [ENV])).toBe(1);
    expect(find('daemon')).toBeUndefined();
    expect(find('daemon', 'login.windows.net')).toBe('daemon@login.windows.net');
    expect(cache.removeAppTokens('daemon')).toBe(1);
    expect(find('other')).toBe('other@login.microsoftonline.com');
    expect(cache.findAccessToken({ homeAccountId: homeId(), environments: [ENV], clientId: 'daemon', realm: TENANT, scopes: ['openid'] })).toBeDefined();
    cache.clear();
    expect(JSON.parse(cache.serialize())).toEqual({ AccessToken: {}, RefreshToken: {}, IdToken: {}, Account: {}, AppMetadata: {} });
  });
});

describe('TokenCache index', () => {
  it('silent-path lookups read a constant number of entries however large the cache is', () => {
    const cache = new TokenCache();
    const N = 2000;
    for (let i = 0; i < N; i++) {
      addUser(cache, { uid: `user-${i}`, foci: '1', scopes: ['User.Read'] });
      addUser(cache, { uid: `user-${i}`, foci: '1', scopes: ['Mail.Read'] });
    }
    const target = `user-${N - 7}`;
    const hid = homeId(target);
    // Also guard against a scan hidden in Map iteration: count every Map value the lookups touch.
    const before = cache.stats.entriesExamined;
    const at = cache.findAccessToken({ homeAccountId: hid, environments: ALIASES, clientId: CLIENT_ID, realm: TENANT, scopes: ['mail.read'] });
    const rts = cache.findRefreshTokens({ homeAccountId: hid, environments: ALIASES, clientId: CLIENT_ID, familyId: '1' });
    const idt = cache.findIdToken({ homeAccountId: hid, environments: ALIASES, clientId: CLIENT_ID, realm: TENANT });
    const md = cache.getAppMetadata(ALIASES, CLIENT_ID);
    expect(at?.secret).toBe(`at-${target}`);
    // One RT per target, as MSAL Python keys them; FOCI ones are found through both indexes.
    expect(rts).toHaveLength(2);
    expect(idt).toBeDefined();
    expect(md?.family_id).toBe('1');
    // 2 ATs of the account live in one bucket, its 2 RTs in another (and again in the family bucket).
    expect(cache.stats.entriesExamined - before).toBeLessThanOrEqual(8);
  });

  it('does not iterate the storage maps on lookups (proxy-free check with spied Map iterators)', () => {
    const cache = new TokenCache();
    for (let i = 0; i < 2000; i++) addUser(cache, { uid: `u${i}` });
    const proto = Map.prototype as unknown as Record<string | symbol, (...a: unknown[]) => unknown>;
    const originals = { values: proto['values']!, entries: proto['entries']!, forEach: proto['forEach']!, iter: proto[Symbol.iterator]! };
    let iterated = 0;
    const count = (size: number) => {
      iterated += size;
    };
    proto['values'] = function (this: Map<unknown, unknown>) {
      count(this.size);
      return originals.values.call(this);
    };
    proto['entries'] = function (this: Map<unknown, unknown>) {
      count(this.size);
      return originals.entries.call(this);
    };
    proto[Symbol.iterator] = proto['entries'];
    try {
      cache.findAccessToken({ homeAccountId: homeId('u1999'), environments: ALIASES, clientId: CLIENT_ID, realm: TENANT, scopes: ['openid'] });
      cache.findRefreshTokens({ homeAccountId: homeId('u1999'), environments: ALIASES, clientId: CLIENT_ID });
      cache.findIdToken({ homeAccountId: homeId('u1999'), environments: ALIASES, clientId: CLIENT_ID, realm: TENANT });
    } finally {
      proto['values'] = originals.values;
      proto['entries'] = originals.entries;
      proto[Symbol.iterator] = originals.iter;
    }
    expect(iterated).toBeLessThan(20);
  });
});
