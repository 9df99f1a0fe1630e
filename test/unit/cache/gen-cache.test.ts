import { describe, expect, it } from 'vitest';
import { generateCache } from '../../../bench/gen-cache.js';
import { SerializableTokenCache } from '../../../lib/cache/serializable-token-cache.js';
import { CLIENT_ID, ENV, TENANT } from './fixtures.js';

const options = { clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['User.Read', 'openid'] };

describe('bench/gen-cache', () => {
  it('is deterministic and valid unified schema', () => {
    const a = generateCache({ ...options, accounts: 3 });
    expect(generateCache({ ...options, accounts: 3 })).toBe(a);
    const blob = JSON.parse(a);
    expect(Object.keys(blob)).toEqual(['AccessToken', 'RefreshToken', 'IdToken', 'Account', 'AppMetadata']);
    const cache = new SerializableTokenCache();
    expect(cache.deserialize(a)).toEqual({ ok: true, loaded: { AccessToken: 3, RefreshToken: 3, IdToken: 3, Account: 3, AppMetadata: 1 }, dropped: [], unusable: [] });
    const accounts = cache.getAccounts({ environments: [ENV] });
    expect(accounts).toHaveLength(3);
    const now = Date.now() / 1000;
    for (const acc of accounts) {
      const at = cache.findAccessToken({ homeAccountId: acc.home_account_id, environments: [ENV], clientId: CLIENT_ID, realm: TENANT, scopes: ['user.read'] });
      expect(Number(at?.expires_on)).toBeGreaterThan(now);
      expect(cache.findRefreshTokens({ homeAccountId: acc.home_account_id, environments: [ENV], clientId: CLIENT_ID })).toHaveLength(1);
    }
    expect(new SerializableTokenCache().deserialize(generateCache({ ...options, accounts: 0, realm: 'common' })).loaded.AppMetadata).toBe(1);
  });

  it('scales: a 10k-account cache loads fully and lookups still read a handful of entries', () => {
    const cache = new SerializableTokenCache();
    const report = cache.deserialize(generateCache({ ...options, accounts: 10_000 }));
    expect(report.ok).toBe(true);
    expect(report.loaded.AccessToken).toBe(10_000);
    const hid = cache.getAccounts().at(-1)!.home_account_id;
    const before = cache.stats.entriesExamined;
    expect(cache.findAccessToken({ homeAccountId: hid, environments: [ENV], clientId: CLIENT_ID, realm: TENANT, scopes: ['openid'] })).toBeDefined();
    expect(cache.findRefreshTokens({ homeAccountId: hid, environments: [ENV], clientId: CLIENT_ID })).toHaveLength(1);
    expect(cache.findIdToken({ homeAccountId: hid, environments: [ENV], clientId: CLIENT_ID, realm: TENANT })).toBeDefined();
    expect(cache.stats.entriesExamined - before).toBe(3);
  });
});
