/**
 * Silent-hit benchmark: how long acquireTokenSilent takes when a valid access
 * token is cached, for brokerbridge, @azure/msal-node and MSAL Python, on the
 * same generated cache file, as the cache grows from 1 to 100k accounts.
 *
 *   npx tsx bench/silent-hit.ts [--accounts 1,1000,10000,100000] [--budget-ms 2500]
 *
 * Exits 1 when a contestant returned anything but the cached token or touched
 * its HTTP layer; the speed target is reported, not enforced.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CONTESTANTS, type BenchInput, type ContestantName, type ContestantResult } from './contestant.js';
import { CLIENT_ID, ENVIRONMENT, SCOPES, TENANT_ID, locateTarget, type TargetAccount } from './fixture.js';
import { generateCache } from './gen-cache.js';
import { runContestant } from './run-contestant.js';
import { DEFAULT_PLAN } from './timing.js';

/** The speed target of the "token cache + facade" issue. */
const TARGET_MEDIAN_US_AT_ONE = 5;
const TARGET_GROWTH_AT_100K = 2;
/** Per child: loading a 100k-account cache is the slow part, Python's linear scan the next. */
const CHILD_TIMEOUT_MS = 120_000;

interface Row {
  accounts: number;
  results: Partial<Record<ContestantName, ContestantResult>>;
  errors: Partial<Record<ContestantName, string>>;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      accounts: { type: 'string', default: '1,1000,10000,100000' },
      'budget-ms': { type: 'string', default: String(DEFAULT_PLAN.budgetMs) },
    },
  });
  const sizes = values.accounts.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--accounts takes positive integers, comma-separated');
  const budgetMs = Number(values['budget-ms']);
  if (!(budgetMs > 0)) throw new Error('--budget-ms must be positive');
  const plan = { ...DEFAULT_PLAN, budgetMs };

  const dir = mkdtempSync(join(tmpdir(), 'brokerbridge-silent-hit-'));
  const rows: Row[] = [];
  const benchStart = Date.now();
  try {
    for (const accounts of sizes) {
      const { cachePath, target } = writeCache(dir, accounts);
      const input: BenchInput = { cachePath, accounts, target, plan };
      const row: Row = { accounts, results: {}, errors: {} };
      for (const name of CONTESTANTS) {
        try {
          const r = await runContestant(name, input, { timeoutMs: CHILD_TIMEOUT_MS });
          row.results[name] = r;
          log(`  ${name.padEnd(12)} median ${fmt(r.medianUs)} µs, p99 ${fmt(r.p99Us)} µs over ${r.calls} calls (load ${Math.round(r.loadMs)} ms)`);
        } catch (e) {
          row.errors[name] = (e as Error).message;
          log(`  ${name.padEnd(12)} FAILED: ${(e as Error).message}`);
        }
      }
      rmSync(cachePath);
      rows.push(row);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  printTable(rows);
  const verdict = printTarget(rows);
  const broken = printCorrectness(rows);
  log(`\nwhole bench: ${((Date.now() - benchStart) / 1000).toFixed(1)} s; target ${verdict}`);
  return broken ? 1 : 0;
}

/** Generates the N-account cache file all contestants load; the blob itself is not kept in this process. */
function writeCache(dir: string, accounts: number): { cachePath: string; target: TargetAccount } {
  const started = Date.now();
  const blob = generateCache({ accounts, clientId: CLIENT_ID, environment: ENVIRONMENT, realm: TENANT_ID, scopes: [...SCOPES] });
  const cachePath = join(dir, `cache-${accounts}.json`);
  writeFileSync(cachePath, blob);
  // An account from the middle: neither the first nor the last entry written.
  const target = locateTarget(blob, Math.floor(accounts / 2));
  log(`N=${accounts}: cache of ${(blob.length / 1e6).toFixed(1)} MB generated in ${Date.now() - started} ms`);
  return { cachePath, target };
}

function printTable(rows: Row[]): void {
  const head = ['N', 'ours med', 'ours p99', 'node med', 'node p99', 'py med', 'py p99', 'node/ours med', 'node/ours p99', 'py/ours med', 'py/ours p99'];
  const lines = rows.map((row) => {
    const ours = row.results.brokerbridge;
    const node = row.results['msal-node'];
    const py = row.results['msal-python'];
    return [
      String(row.accounts),
      fmt(ours?.medianUs),
      fmt(ours?.p99Us),
      fmt(node?.medianUs),
      fmt(node?.p99Us),
      fmt(py?.medianUs),
      fmt(py?.p99Us),
      ratio(node?.medianUs, ours?.medianUs),
      ratio(node?.p99Us, ours?.p99Us),
      ratio(py?.medianUs, ours?.medianUs),
      ratio(py?.p99Us, ours?.p99Us),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const render = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  log('\nacquireTokenSilent, cached AT hit, µs per call (ratios: peer / ours, higher is better for us)');
  log(render(head));
  for (const l of lines) log(render(l));
}

/** Checks the target; 'MET', 'MISSED' or 'NOT MEASURED'. */
function printTarget(rows: Row[]): string {
  const one = rows.find((r) => r.accounts === 1)?.results.brokerbridge;
  const big = rows.find((r) => r.accounts === 100_000)?.results.brokerbridge;
  const checks: string[] = [];
  let met = true;
  let measured = true;
  if (one) {
    const ok = one.medianUs <= TARGET_MEDIAN_US_AT_ONE;
    met &&= ok;
    checks.push(`median at N=1 ${fmt(one.medianUs)} µs ≤ ${TARGET_MEDIAN_US_AT_ONE} µs: ${ok ? 'yes' : 'NO'}`);
  } else measured = false;
  if (one && big) {
    const growth = big.medianUs / one.medianUs;
    const ok = growth <= TARGET_GROWTH_AT_100K;
    met &&= ok;
    checks.push(`median at N=100000 is ${growth.toFixed(2)}× N=1 (≤ ${TARGET_GROWTH_AT_100K}×): ${ok ? 'yes' : 'NO'}`);
  } else measured = false;
  log('\nTarget:');
  for (const c of checks) log(`  ${c}`);
  const verdict = !measured ? 'NOT MEASURED (needs N=1 and N=100000)' : met ? 'MET' : 'MISSED';
  log(`  => ${verdict}`);
  return verdict;
}

/** Lists failures, network attempts and crashed contestants; true when there was any. */
function printCorrectness(rows: Row[]): boolean {
  let broken = false;
  log('\nCorrectness (every call must return the cached token, with no network):');
  for (const row of rows) {
    for (const name of CONTESTANTS) {
      const r = row.results[name];
      const error = row.errors[name];
      if (error !== undefined) {
        broken = true;
        log(`  N=${row.accounts} ${name}: did not run: ${error}`);
      } else if (r && (r.failures > 0 || r.networkCalls > 0 || r.calls === 0)) {
        broken = true;
        log(`  N=${row.accounts} ${name}: ${r.failures} wrong results, ${r.networkCalls} network attempts, ${r.calls} calls`);
      }
    }
  }
  for (const row of rows) {
    const calls = CONTESTANTS.map((n) => `${n} ${row.results[n]?.calls ?? 0}`).join(', ');
    log(`  N=${row.accounts}: timed calls: ${calls}`);
  }
  log('  (with fewer than 100 timed calls, p99 is simply the slowest call)');
  if (!broken) {
    const versions = CONTESTANTS.map((n) => `${n} ${rows.map((r) => r.results[n]?.version).find(Boolean) ?? '?'}`).join(', ');
    log(`  all calls returned the expected cached token; 0 network attempts (${versions})`);
  }
  return broken;
}

function fmt(us: number | undefined): string {
  if (us === undefined || !Number.isFinite(us)) return '-';
  return us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2);
}

function ratio(peer: number | undefined, ours: number | undefined): string {
  if (peer === undefined || ours === undefined || !(ours > 0)) return '-';
  return `${(peer / ours).toFixed(peer / ours >= 100 ? 0 : 1)}×`;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
