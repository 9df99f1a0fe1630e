/**
 * Cache load and save benchmark: deserializing and serializing the same generated blob, for
 * brokerbridge, @azure/msal-node and MSAL Python, each in a fresh process, against the floor of
 * its own language (JSON.parse / JSON.stringify, json.loads / json.dumps) on the same text.
 * The floor is timed inside each contestant's process, in rounds interleaved with its own (see
 * bench/cache-io-worker.ts), so a ratio never compares two processes that ran at different times
 * on a shared machine; the JSON rows, timed against themselves, show how much noise is left.
 * Also per process: the RSS with one loaded cache held (after a full GC), and the peak RSS.
 *
 *   npx tsx bench/cache-io.ts [--accounts 10000,100000] [--rounds 7]
 *
 * The target of issue 12 is reported, not enforced: load ≤ 1.5× JSON.parse, save ≤ 1.5× JSON.stringify.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CLIENT_ID, ENVIRONMENT, SCOPES, TENANT_ID } from './fixture.js';
import { generateCache } from './gen-cache.js';
import type { CacheIoResult } from './cache-io-worker.js';
import { PYTHON, runJsonProcess } from './run-contestant.js';

const TARGET = 1.5;
const CHILD_TIMEOUT_MS = 15 * 60_000;
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const RUNS = [
  { name: 'JSON (node)', language: 'node', contestant: 'json' },
  { name: 'brokerbridge', language: 'node', contestant: 'brokerbridge' },
  { name: 'msal-node', language: 'node', contestant: 'msal-node' },
  { name: 'json (python)', language: 'python', contestant: 'json' },
  { name: 'MSAL Python', language: 'python', contestant: 'msal-python' },
] as const;

function run(r: (typeof RUNS)[number], path: string, rounds: number): Promise<CacheIoResult> {
  const [command, args] =
    r.language === 'python'
      ? [PYTHON, [here('./cache_io.py'), r.contestant, path, String(rounds)]]
      : [
          process.execPath,
          // --expose-gc: the worker forces a GC before each timed step and before it reads the retained RSS.
          ['--max-old-space-size=16384', '--expose-gc', '--import', 'tsx', here('./cache-io-worker.ts'), r.contestant, path, String(rounds)],
        ];
  return runJsonProcess(command, args, CHILD_TIMEOUT_MS) as Promise<CacheIoResult>;
}

const num = (v: number, width: number, digits = 0) => v.toFixed(digits).padStart(width);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { accounts: { type: 'string', default: '10000,100000' }, rounds: { type: 'string', default: '7' } },
  });
  const sizes = values.accounts.split(',').map(Number);
  const rounds = Number(values.rounds);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(rounds) || rounds < 1) {
    throw new Error('--accounts takes positive integers, comma-separated; --rounds a positive integer');
  }
  const dir = mkdtempSync(join(tmpdir(), 'brokerbridge-cache-io-'));
  const verdicts: string[] = [];
  try {
    for (const accounts of sizes) {
      const blob = generateCache({ accounts, clientId: CLIENT_ID, environment: ENVIRONMENT, realm: TENANT_ID, scopes: [...SCOPES] });
      const path = join(dir, `cache-${accounts}.json`);
      writeFileSync(path, blob);
      console.log(`\nN=${accounts} accounts, ${(blob.length / 1e6).toFixed(1)} MB, medians of ${rounds} rounds, each against its own floor in the same process:`);
      const results = new Map<string, CacheIoResult>();
      for (const r of RUNS) {
        try {
          results.set(r.name, await run(r, path, rounds));
        } catch (e) {
          console.log(`  ${r.name}: FAILED: ${(e as Error).message}`);
        }
      }
      console.log('  contestant       load ms  parse ms  load/parse (best)   save ms  stringify ms  save/stringify (best)  RSS loaded MB (+growth)  peak RSS MB');
      for (const r of RUNS) {
        const m = results.get(r.name);
        if (!m) continue;
        console.log(
          `  ${r.name.padEnd(14)} ${num(m.loadMs, 9)} ${num(m.parseMs, 9)} ${num(m.loadRatio, 10, 2)}× (${num(m.loadBestRatio, 4, 2)}×) ${num(m.saveMs, 9)} ${num(m.stringifyMs, 13)} ${num(m.saveRatio, 14, 2)}× (${num(m.saveBestRatio, 4, 2)}×) ${num(m.loadedRssMb, 14)} (+${num(m.loadedRssGrowthMb, 0)})${m.gcForced ? '' : ' no GC'} ${num(m.peakRssMb, 12)}`,
        );
      }
      const ours = results.get('brokerbridge');
      if (ours) {
        verdicts.push(
          `N=${accounts}: load ${ours.loadRatio.toFixed(2)}× JSON.parse (best ${ours.loadBestRatio.toFixed(2)}×), save ${ours.saveRatio.toFixed(2)}× JSON.stringify (best ${ours.saveBestRatio.toFixed(2)}×): ${ours.loadRatio <= TARGET && ours.saveRatio <= TARGET ? 'MET' : 'MISSED'}`,
        );
        if (ours.firstLookupMs !== undefined) {
          console.log(
            `  brokerbridge defers checking and indexing entries to their first use: the first lookup in every section after a load took ${ours.firstLookupMs.toFixed(0)} ms (${(ours.firstLookupMs / ours.parseMs).toFixed(2)}× JSON.parse)`,
          );
        }
        for (const peer of ['msal-node', 'MSAL Python']) {
          const p = results.get(peer);
          if (p) {
            console.log(
              `  ${peer} / brokerbridge: load/parse ${(p.loadRatio / ours.loadRatio).toFixed(1)}×, save/stringify ${(p.saveRatio / ours.saveRatio).toFixed(1)}×, RSS loaded ${(p.loadedRssMb / ours.loadedRssMb).toFixed(1)}×, peak RSS ${(p.peakRssMb / ours.peakRssMb).toFixed(1)}×`,
            );
          }
        }
      }
      rmSync(path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nTarget (≤ ${TARGET}×):`);
  for (const v of verdicts) console.log(`  ${v}`);
}

await main();
