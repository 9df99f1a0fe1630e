/**
 * deserialize() adopts each parsed section as it is and checks, freezes and stores its entries on
 * their first use (SectionStore.adopt, LoadedSection). These tests pin down what must not change
 * with that: an unusable entry found late is never served, is reported and logged as at load,
 * and goes back out untouched; lookups after a load see every entry; writes after a load keep
 * what was not touched.
 */
import { describe, expect, it } from 'vitest';
import type { LogLevel } from '../../../lib/app/logger.js';
import { LoadedSection } from '../../../lib/cache/loaded-section.js';
import { compositeKey } from '../../../lib/cache/multi-index.js';
import { SectionStore } from '../../../lib/cache/section-store.js';
import { SerializableTokenCache } from '../../../lib/cache/serializable-token-cache.js';
import { CLIENT_ID, ENV, TENANT, homeId, userResponse } from './fixtures.js';

const NOW = 1_750_000_000;
const NEVER_SERVED = 'must-never-be-served';
const hid = homeId();
/** The usable AT's secret (fixtures: at-<uid>). */
const GOOD_SECRET = `at-${hid.split('.')[0]}`;
const atQuery = { homeAccountId: hid, environments: [ENV], clientId: CLIENT_ID, realm: TENANT, scopes: ['User.Read'] };

type Blob = Record<string, Record<string, Record<string, unknown>>>;

/** A blob with one user's entries plus, in the AccessToken section, an entry no lookup may use. */
function blobWithUnusable(): { blob: Blob; goodAtKey: string } {
  const cache = new SerializableTokenCache();
  cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['User.Read'], response: userResponse({ now: NOW }), now: NOW });
  const blob = JSON.parse(cache.serialize()) as Blob;
  const goodAtKey = Object.keys(blob['AccessToken']!)[0]!;
  // Same fields as the good one, so it lands in the same lookup bucket, and longer-lived, so a lookup
  // that saw it would pick it; but its secret is not a string.
  blob['AccessToken']!['bad-secret'] = { ...blob['AccessToken']![goodAtKey], secret: [NEVER_SERVED], expires_on: '4102444800' };
  return { blob, goodAtKey };
}

function loggingCache() {
  const lines: Array<[LogLevel, string]> = [];
  const cache = new SerializableTokenCache({ logger: { log: (level, message) => lines.push([level, message]) } });
  return { cache, lines };
}

const unusableLines = (lines: Array<[LogLevel, string]>) => lines.filter(([, m]) => m.includes('kept an unusable'));

describe('lazily checked loads', () => {
  it('an unusable entry found by the first lookup is skipped, logged once and reported', () => {
    const { blob } = blobWithUnusable();
    const { cache, lines } = loggingCache();
    const report = cache.deserialize(JSON.stringify(blob));
    expect(unusableLines(lines)).toEqual([]); // not checked yet
    expect(cache.findAccessToken(atQuery)?.secret).toBe(GOOD_SECRET);
    expect(unusableLines(lines)).toEqual([['verbose', 'token cache: kept an unusable AccessToken entry as it is: secret has the wrong type']]);
    // Reading the report afterwards gives what an eager check gave, and logs nothing more.
    expect(report.unusable).toEqual([{ section: 'AccessToken', key: 'bad-secret', reason: 'secret has the wrong type' }]);
    expect(report.loaded).toEqual({ AccessToken: 1, RefreshToken: 1, IdToken: 1, Account: 1, AppMetadata: 1 });
    expect(unusableLines(lines)).toHaveLength(1);
  });

  it('reading the report first checks the entries once; lookups after it still skip the unusable one', () => {
    const { blob } = blobWithUnusable();
    const { cache, lines } = loggingCache();
    const report = cache.deserialize(JSON.stringify(blob));
    expect(report.unusable).toHaveLength(1);
    expect(unusableLines(lines)).toHaveLength(1);
    expect(cache.findAccessToken(atQuery)?.secret).toBe(GOOD_SECRET);
    expect(unusableLines(lines)).toHaveLength(1);
  });

  it('the unusable entry survives a round trip untouched, with or without lookups and writes in between', () => {
    const { blob } = blobWithUnusable();
    const text = JSON.stringify(blob);
    // Untouched: the blob goes back out as it came in, in its order.
    const untouched = new SerializableTokenCache();
    untouched.deserialize(text);
    expect(untouched.serialize()).toBe(text);
    // After a lookup and a write, the unusable entry is still there as it was.
    const used = new SerializableTokenCache();
    used.deserialize(text);
    expect(used.findAccessToken(atQuery)).toBeDefined();
    used.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['Mail.Read'], response: userResponse({ now: NOW, accessToken: 'mail' }), now: NOW });
    const out = JSON.parse(used.serialize()) as Blob;
    expect(out['AccessToken']!['bad-secret']).toEqual(blob['AccessToken']!['bad-secret']);
    expect(Object.keys(out['AccessToken']!)).toHaveLength(3);
  });

  it('removals after a load never reach the unusable entry', () => {
    const { blob } = blobWithUnusable();
    const cache = new SerializableTokenCache();
    cache.deserialize(JSON.stringify(blob));
    expect(cache.removeAccount(hid, [ENV])).toBe(4); // AT, RT, id token, account: not the unusable AT
    const out = JSON.parse(cache.serialize()) as Blob;
    expect(Object.keys(out['AccessToken']!)).toEqual(['bad-secret']);
  });

  it('lookups after a load see every entry, each frozen, in every section', () => {
    const blob: Blob = { AccessToken: {}, RefreshToken: {}, IdToken: {}, Account: {}, AppMetadata: {} };
    const users = Array.from({ length: 50 }, (_, i) => `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`);
    for (const uid of users) {
      const one = new SerializableTokenCache();
      one.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['User.Read'], response: userResponse({ uid, now: NOW }), now: NOW });
      for (const [section, entries] of Object.entries(JSON.parse(one.serialize()) as Blob)) Object.assign(blob[section]!, entries);
    }
    const cache = new SerializableTokenCache();
    cache.deserialize(JSON.stringify(blob));
    expect(cache.getAccounts()).toHaveLength(users.length);
    for (const uid of users) {
      const homeAccountId = homeId(uid);
      const at = cache.findAccessToken({ ...atQuery, homeAccountId });
      expect(at?.secret).toBe(`at-${uid}`);
      expect(Object.isFrozen(at)).toBe(true);
      expect(cache.findRefreshTokens({ homeAccountId, environments: [ENV], clientId: CLIENT_ID })).toHaveLength(1);
      expect(cache.findIdToken({ homeAccountId, environments: [ENV], clientId: CLIENT_ID, realm: TENANT })).toBeDefined();
    }
    expect(cache.getAppMetadata([ENV], CLIENT_ID)?.client_id).toBe(CLIENT_ID);
  });

  it('a write before any lookup keeps every entry it did not replace', () => {
    const { blob, goodAtKey } = blobWithUnusable();
    const cache = new SerializableTokenCache();
    cache.deserialize(JSON.stringify(blob));
    const mailAt = userResponse({ now: NOW, accessToken: 'mail', scope: 'Mail.Read' });
    cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['Mail.Read'], response: mailAt, now: NOW });
    expect(cache.findAccessToken(atQuery)?.secret).toBe(blob['AccessToken']![goodAtKey]!['secret']);
    expect(cache.findAccessToken({ ...atQuery, scopes: ['Mail.Read'] })?.secret).toBe('mail');
    expect(cache.hasStateChanged).toBe(true);
  });

  it('a report read after the cache was reloaded still describes its own blob', () => {
    const { blob } = blobWithUnusable();
    const cache = new SerializableTokenCache();
    const first = cache.deserialize(JSON.stringify(blob));
    cache.deserialize('{}');
    expect(first.loaded.AccessToken).toBe(1);
    expect(first.unusable).toHaveLength(1);
    expect(cache.findAccessToken(atQuery)).toBeUndefined();
    expect(cache.serialize()).toBe('{"AccessToken":{},"RefreshToken":{},"IdToken":{},"Account":{},"AppMetadata":{}}');
  });

  it('a member named __proto__ in a section stays an ordinary, unusable entry through the lazy path', () => {
    const { blob } = blobWithUnusable();
    const text = JSON.stringify(blob).replace('"bad-secret":', '"__proto__":');
    const cache = new SerializableTokenCache();
    const report = cache.deserialize(text);
    expect(cache.findAccessToken(atQuery)?.secret).toBe(GOOD_SECRET);
    expect(report.unusable).toEqual([{ section: 'AccessToken', key: '__proto__', reason: 'secret has the wrong type' }]);
    expect(({} as Record<string, unknown>)['secret']).toBeUndefined();
    expect(JSON.parse(cache.serialize()).AccessToken.__proto__.secret).toEqual([NEVER_SERVED]);
  });
});

describe('SectionStore.adopt', () => {
  interface Entry {
    owner: string;
  }
  const adopted = (entries: Record<string, unknown>, bad: string[] = []) => {
    let checks = 0;
    return {
      section: {
        entries,
        problems: () => {
          checks++;
          return new Map(bad.map((k) => [k, 'bad']));
        },
      },
      checks: () => checks,
    };
  };
  const newStore = () => new SectionStore<Entry, 'owner'>({ owner: (e) => compositeKey(e.owner) }, { entriesExamined: 0 });

  it('checks nothing until a call needs the entries, and hands out the parsed object while untouched', () => {
    const s = newStore();
    const entries = { a: { owner: 'A' }, b: { owner: 'B' } };
    const a = adopted(entries);
    s.adopt(a.section);
    expect(s.jsonEntries()).toBe(entries);
    expect(a.checks()).toBe(0);
    expect([...s.bucket('owner', compositeKey('B'))].map((r) => r.key)).toEqual(['b']);
    expect(a.checks()).toBe(1);
    expect(s.jsonEntries()).not.toBe(entries);
    expect(s.jsonEntries()).toEqual(entries);
  });

  it('keeps the entries the check rejects opaque: out of every lookup, in jsonEntries(), replaced by a put()', () => {
    const s = newStore();
    s.adopt(adopted({ a: { owner: 'A' }, bad: { owner: 'A', broken: true } }, ['bad']).section);
    expect([...s.bucket('owner', compositeKey('A'))].map((r) => r.key)).toEqual(['a']);
    expect(s.get('bad')).toBeUndefined();
    expect(s.valueOf('bad')).toEqual({ owner: 'A', broken: true });
    expect(s.size).toBe(1);
    s.put('bad', { owner: 'A' });
    expect([...s.bucket('owner', compositeKey('A'))].map((r) => r.key).sort()).toEqual(['a', 'bad']);
  });

  it('a clear() drops an adopted section unread', () => {
    const s = newStore();
    const a = adopted({ a: { owner: 'A' } });
    s.adopt(a.section);
    s.clear();
    expect(s.size).toBe(0);
    expect(a.checks()).toBe(0);
  });

  it('an observer hears of every usable entry when the section is adopted', () => {
    const s = newStore();
    const heard: Array<[string, boolean]> = [];
    s.observer = (key, _entry, removed) => heard.push([key, removed]);
    s.adopt(adopted({ a: { owner: 'A' }, bad: 1, b: { owner: 'B' } }, ['bad']).section);
    expect(heard).toEqual([
      ['a', false],
      ['b', false],
    ]);
  });
});

describe('LoadedSection', () => {
  it('checks each entry once, whoever asks first, and tells of each unusable entry once', () => {
    const told: string[] = [];
    const entries = { good: { client_id: 'c', environment: 'e' }, bad: { client_id: 1 } };
    const section = new LoadedSection('AppMetadata', entries, (key, reason) => told.push(`${key}: ${reason}`));
    expect(section.usableCount()).toBe(1);
    expect([...section.problems()]).toEqual([['bad', 'client_id has the wrong type']]);
    expect(section.problems()).toBe(section.problems());
    expect(told).toEqual(['bad: client_id has the wrong type']);
  });
});
