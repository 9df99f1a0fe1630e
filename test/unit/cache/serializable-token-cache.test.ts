import { describe, expect, it } from 'vitest';
import { CacheCorruptError } from '../../../lib/errors.js';
import { SerializableTokenCache } from '../../../lib/cache/serializable-token-cache.js';
import { CLIENT_ID, ENV, TENANT, homeId, userResponse } from './fixtures.js';

const NOW = 1_750_000_000;
const hid = homeId();

function populated(): SerializableTokenCache {
  const cache = new SerializableTokenCache();
  cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['User.Read'], response: userResponse({ now: NOW }), now: NOW });
  return cache;
}

const atQuery = { homeAccountId: hid, environments: [ENV], clientId: CLIENT_ID, realm: TENANT, scopes: ['User.Read'] };
const rtQuery = { homeAccountId: hid, environments: [ENV], clientId: CLIENT_ID };

describe('SerializableTokenCache round trip', () => {
  it('serializes and deserializes every section', () => {
    const blob = populated().serialize();
    const other = new SerializableTokenCache();
    const report = other.deserialize(blob);
    expect(report).toEqual({ ok: true, loaded: { AccessToken: 1, RefreshToken: 1, IdToken: 1, Account: 1, AppMetadata: 1 }, dropped: [], unusable: [] });
    expect(other.findAccessToken(atQuery)?.secret).toContain('at-');
    expect(other.serialize()).toBe(blob);
  });

  it('keeps unknown sections and unknown entry fields verbatim, even after a rewrite', () => {
    const blob = JSON.parse(populated().serialize());
    const atKey = Object.keys(blob.AccessToken)[0]!;
    blob.AccessToken[atKey].future_field = { nested: [1, 2] };
    blob.Account[Object.keys(blob.Account)[0]!].tenantProfiles = ['{"tenantId":"t"}'];
    blob.AuthorityMetadata = { 'authority-metadata-x': { aliases: ['a'] } };
    blob.WeirdTopLevel = 42;
    const cache = new SerializableTokenCache();
    cache.deserialize(JSON.stringify(blob));
    // Rewrite: refresh the RT and re-add a response for the same account.
    cache.updateRefreshToken(cache.findRefreshTokens(rtQuery)[0]!, 'rotated', NOW + 1);
    cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['Mail.Read'], response: userResponse({ now: NOW, accessToken: 'mail' }), now: NOW });
    const out = JSON.parse(cache.serialize());
    expect(out.AccessToken[atKey].future_field).toEqual({ nested: [1, 2] });
    expect(Object.values(out.Account)[0]).toMatchObject({ tenantProfiles: ['{"tenantId":"t"}'] });
    expect(out.AuthorityMetadata).toEqual(blob.AuthorityMetadata);
    expect(out.WeirdTopLevel).toBe(42);
  });

  it('reads entries whatever their keys and wherever null or "" mark app-only tokens', () => {
    const blob = {
      AccessToken: {
        'made-up-key-1': { credential_type: 'AccessToken', secret: 'py', home_account_id: null, environment: ENV, client_id: 'd1', realm: TENANT, target: 's', cached_at: '1', expires_on: String(NOW + 60) },
        'made-up-key-2': { credential_type: 'AccessToken', secret: 'node', home_account_id: '', environment: ENV, client_id: 'd2', realm: TENANT, target: 's', cached_at: 1, expires_on: NOW + 60 },
        'dotnet': { credential_type: 'AccessToken', secret: 'net', home_account_id: '', environment: ENV, client_id: 'd3', realm: TENANT, target: 's', cached_at: '1', expires_on: String(NOW), kid: 'k1', token_type: 'pop' },
      },
    };
    const cache = new SerializableTokenCache();
    expect(cache.deserialize(JSON.stringify(blob)).ok).toBe(true);
    const find = (clientId: string, homeAccountId: string | null, keyId?: string) =>
      cache.findAccessToken({ homeAccountId, environments: [ENV], clientId, realm: TENANT, scopes: ['s'], ...(keyId ? { keyId } : {}) })?.secret;
    expect(find('d1', null)).toBe('py');
    expect(find('d1', '')).toBe('py');
    expect(find('d2', null)).toBe('node');
    expect(find('d3', null, 'k1')).toBe('net');
    expect(find('d3', null)).toBeUndefined();
  });
});

describe('SerializableTokenCache.hasStateChanged', () => {
  it('is set by every change and reset by serialize and deserialize', () => {
    const cache = new SerializableTokenCache();
    expect(cache.hasStateChanged).toBe(false);
    cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['User.Read'], response: userResponse({ now: NOW }), now: NOW });
    expect(cache.hasStateChanged).toBe(true);
    const blob = cache.serialize();
    expect(cache.hasStateChanged).toBe(false);
    cache.updateRefreshToken(cache.findRefreshTokens(rtQuery)[0]!, 'x');
    expect(cache.hasStateChanged).toBe(true);
    cache.deserialize(blob);
    expect(cache.hasStateChanged).toBe(false);
    expect(cache.removeAccessToken(cache.findAccessToken(atQuery)!)).toBe(true);
    expect(cache.hasStateChanged).toBe(true);
    cache.serialize();
    expect(cache.removeAccount('nobody', [ENV])).toBe(0);
    expect(cache.hasStateChanged).toBe(false);
    cache.removeAccount(hid, [ENV]);
    expect(cache.hasStateChanged).toBe(true);
    cache.serialize();
    cache.clear();
    expect(cache.hasStateChanged).toBe(true);
  });

  it('tells change listeners about loads so persistence can skip writing them back', () => {
    const cache = new SerializableTokenCache();
    const kinds: string[] = [];
    cache.onChange((c) => kinds.push(c.kind));
    cache.deserialize(populated().serialize());
    cache.removeAppTokens(CLIENT_ID);
    cache.clear();
    expect(kinds).toEqual(['load', 'clear']);
  });
});

describe('SerializableTokenCache recovery from damaged blobs', () => {
  const good = populated().serialize();

  it('treats empty text as an empty cache', () => {
    const cache = populated();
    expect(cache.deserialize('  ').ok).toBe(true);
    expect(cache.findAccessToken(atQuery)).toBeUndefined();
  });

  it('keeps every complete entry of a truncated blob and says where it broke', () => {
    // Cut inside the IdToken section: AccessToken and RefreshToken are complete.
    const cut = good.indexOf('"IdToken"') + 30;
    const cache = new SerializableTokenCache();
    const report = cache.deserialize(good.slice(0, cut));
    expect(report.ok).toBe(false);
    expect(report.syntaxError?.offset).toBeGreaterThan(0);
    expect(report.loaded).toEqual({ AccessToken: 1, RefreshToken: 1, IdToken: 0, Account: 0, AppMetadata: 0 });
    expect(cache.findAccessToken(atQuery)).toBeDefined();
    expect(cache.findRefreshTokens(rtQuery)).toHaveLength(1);
    expect(cache.hasStateChanged).toBe(false);
    // What was kept is written back as valid JSON.
    expect(() => JSON.parse(cache.serialize())).not.toThrow();
  });

  it('salvages entries at every truncation point without throwing', () => {
    for (let cut = 0; cut < good.length; cut += 7) {
      const report = new SerializableTokenCache().deserialize(good.slice(0, cut));
      const total = Object.values(report.loaded).reduce((a, b) => a + b, 0);
      expect(total).toBeLessThanOrEqual(5);
    }
  });

  it('keeps a section that is not an object and entries it cannot use verbatim, never using them', () => {
    const blob = JSON.parse(good);
    blob.IdToken = ['not', 'an', 'object'];
    blob.AccessToken['bad-missing'] = { credential_type: 'AccessToken', secret: 's' };
    blob.AccessToken['bad-type'] = { ...Object.values(blob.AccessToken)[0] as object, expires_on: { when: 'soon' } };
    blob.AccessToken['foreign'] = { foo: 'bar' };
    blob.RefreshToken['bad-kind'] = { ...Object.values(blob.RefreshToken)[0] as object, credential_type: 'AccessToken' };
    blob.Account['not-object'] = 'text';
    const cache = new SerializableTokenCache();
    const report = cache.deserialize(JSON.stringify(blob));
    expect(report.ok).toBe(true);
    expect(report.dropped).toEqual([]);
    expect(report.unusable).toEqual(
      expect.arrayContaining([
        { section: 'IdToken', reason: 'section is not an object' },
        { section: 'AccessToken', key: 'bad-missing', reason: 'missing home_account_id' },
        { section: 'AccessToken', key: 'bad-type', reason: 'expires_on has the wrong type' },
        { section: 'AccessToken', key: 'foreign', reason: 'missing credential_type' },
        { section: 'RefreshToken', key: 'bad-kind', reason: 'unexpected credential_type' },
        { section: 'Account', key: 'not-object', reason: 'entry is not an object' },
      ]),
    );
    expect(report.unusable).toHaveLength(6);
    expect(report.loaded).toEqual({ AccessToken: 1, RefreshToken: 1, IdToken: 0, Account: 1, AppMetadata: 1 });
    // Lookups and removals never see them...
    expect(cache.findAccessToken(atQuery)?.secret).toContain('at-');
    expect(cache.getAccounts()).toHaveLength(1);
    cache.removeAccount(hid, [ENV]);
    // ...and a rewrite gives every one of them back as it was.
    const out = JSON.parse(cache.serialize());
    expect(out.IdToken).toEqual(['not', 'an', 'object']);
    for (const key of ['bad-missing', 'bad-type', 'foreign']) expect(out.AccessToken[key]).toEqual(blob.AccessToken[key]);
    expect(out.RefreshToken['bad-kind']).toEqual(blob.RefreshToken['bad-kind']);
    expect(out.Account['not-object']).toBe('text');
    // Strict mode does not mind them: nothing was lost.
    expect(new SerializableTokenCache().deserializeStrict(JSON.stringify(blob)).ok).toBe(true);
    // Once we hold id tokens of our own, the IdToken section becomes an object again.
    cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['User.Read'], response: userResponse({ now: NOW }), now: NOW });
    expect(Object.keys(JSON.parse(cache.serialize()).IdToken)).toHaveLength(1);
  });

  it('skips an entry whose own JSON is broken and keeps reading after it', () => {
    const damaged = good.replace('"credential_type":"RefreshToken"', '"credential_type":RefreshTkn');
    const cache = new SerializableTokenCache();
    const report = cache.deserialize(damaged);
    expect(report.dropped).toEqual([{ section: 'RefreshToken', key: expect.stringContaining('refreshtoken'), reason: 'entry is not valid JSON' }]);
    expect(report.loaded).toEqual({ AccessToken: 1, RefreshToken: 0, IdToken: 1, Account: 1, AppMetadata: 1 });
  });

  it('reports a blob that is not an object at all', () => {
    const cache = populated();
    expect(cache.deserialize('[1,2]').syntaxError?.message).toMatch(/not a JSON object/);
    expect(cache.deserialize('garbage').syntaxError).toBeDefined();
    expect(cache.findAccessToken(atQuery)).toBeUndefined();
  });

  it('strict mode throws CacheCorruptError with what could be recovered, leaving the cache as it was', () => {
    const cache = populated();
    const truncated = good.slice(0, good.indexOf('"IdToken"') + 30);
    let error: unknown;
    try {
      cache.deserializeStrict(truncated);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CacheCorruptError);
    const err = error as CacheCorruptError;
    expect(err.code).toBe('cache_corrupt');
    const recovered = err.recovered as { report: { loaded: Record<string, number> }; text: string };
    expect(recovered.report.loaded.RefreshToken).toBe(1);
    expect(cache.findIdToken({ homeAccountId: hid, environments: [ENV], clientId: CLIENT_ID, realm: TENANT })).toBeDefined();
    const fresh = new SerializableTokenCache();
    expect(fresh.deserializeStrict(recovered.text).ok).toBe(true);
    expect(fresh.findRefreshTokens(rtQuery)).toHaveLength(1);
    expect(cache.deserialize(good, { strict: true }).ok).toBe(true);
  });
});
