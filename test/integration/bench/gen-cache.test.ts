import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchInput } from '../../../bench/contestant.js';
import { AUTHORITY, CLIENT_ID, ENVIRONMENT, SCOPES, TENANT_ID, locateTarget, openIdConfiguration } from '../../../bench/fixture.js';
import { generateCache } from '../../../bench/gen-cache.js';
import { measureBrokerbridge } from '../../../bench/measure-brokerbridge.js';
import { PYTHON, runContestant } from '../../../bench/run-contestant.js';
import type { TimingPlan } from '../../../bench/timing.js';
import { PublicClientApplication, SerializableTokenCache, type HttpClient } from '../../../lib/index.js';

const ACCOUNTS = 5;
const blob = generateCache({ accounts: ACCOUNTS, clientId: CLIENT_ID, environment: ENVIRONMENT, realm: TENANT_ID, scopes: [...SCOPES] });
const target = locateTarget(blob, 2);
const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
const cachePath = join(dir, 'cache.json');
writeFileSync(cachePath, blob);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tinyPlan: TimingPlan = { warmupCalls: 5, warmupBudgetMs: 5_000, maxCalls: 25, budgetMs: 5_000, minCalls: 1 };
const input: BenchInput = { cachePath, accounts: ACCOUNTS, target, plan: tinyPlan };
const hasMsalPython = spawnSync(PYTHON, ['-c', 'import msal'], { timeout: 20_000 }).status === 0;

describe('silent-hit bench', () => {
  it('the generated cache loads and serves a silent hit through the facade without network', async () => {
    const sent: string[] = [];
    const httpClient: HttpClient = {
      send: (r) => {
        sent.push(r.url);
        return Promise.reject(new Error('no network in this test'));
      },
    };
    const tokenCache = new SerializableTokenCache();
    expect(tokenCache.deserialize(blob).ok).toBe(true);
    const app = new PublicClientApplication({
      clientId: CLIENT_ID,
      authority: AUTHORITY,
      authorityMetadata: openIdConfiguration(),
      instanceDiscovery: false,
      httpClient,
      tokenCache,
    });
    const accounts = await app.getAccounts();
    expect(accounts).toHaveLength(ACCOUNTS);
    const account = accounts.find((a) => a.username === target.username);
    expect(account?.home_account_id).toBe(target.homeAccountId);
    const result = await app.acquireTokenSilent([...SCOPES], account);
    expect(result).toMatchObject({ access_token: target.expectedSecret, token_type: 'Bearer', token_source: 'cache' });
    expect(target.expectedSecret).toMatch(/^at-2-/);
    expect(sent).toEqual([]);
  });

  it('our contestant runs in-process and every timed call is a hit', async () => {
    const r = await measureBrokerbridge(input);
    expect(r).toMatchObject({ contestant: 'brokerbridge', calls: 25, failures: 0, networkCalls: 0 });
    expect(r.medianUs).toBeGreaterThan(0);
    expect(r.p99Us).toBeGreaterThanOrEqual(r.medianUs);
  });

  it('msal-node, spawned as the bench does, gets the same cached token', async () => {
    const r = await runContestant('msal-node', input, { timeoutMs: 60_000 });
    expect(r).toMatchObject({ contestant: 'msal-node', calls: 25, failures: 0, networkCalls: 0 });
  });

  it.skipIf(!hasMsalPython)('MSAL Python, spawned as the bench does, gets the same cached token', async () => {
    const r = await runContestant('msal-python', input, { timeoutMs: 60_000 });
    expect(r).toMatchObject({ contestant: 'msal-python', calls: 25, failures: 0, networkCalls: 0 });
  });
});
