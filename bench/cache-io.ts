/**
 * Cache load and save benchmark: deserializing and serializing the same generated blob, for
 * brokerbridge, @azure/msal-node and MSAL Python, each in a fresh process, against the floor of
 * its own language (JSON.parse / JSON.stringify, json.loads / json.dumps) on the same text.
 * Also the peak RSS of each process. Printed as ratios.
 *
 *   npx tsx bench/cache-io.ts [--accounts 10000,100000] [--rounds 5]
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
import { PYTHON, runJsonProcess } from './run-contestant.js';

const TARGET = 1.5;
const CHILD_TIMEOUT_MS = 15 * 60_000;
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

interface Measured {
  loadMs: number;
  saveMs: number;
  rssMb: number;
}

const RUNS = [
  { name: 'JSON (node)', language: 'node', contestant: 'json' },
  { name: 'brokerbridge', language: 'node', contestant: 'brokerbridge' },
  { name: 'msal-node', language: 'node', contestant: 'msal-node' },
  { name: 'json (python)', language: 'python', contestant: 'json' },
  { name: 'MSAL Python', language: 'python', contestant: 'msal-python' },
] as const;

function run(r: (typeof RUNS)[number], path: string, rounds: number): Promise<Measured> {
  const args =
    r.language === 'python'
      ? [PYTHON, [here('./cache_io.py'), r.contestant, path, String(rounds)]]
      : [process.execPath, ['--max-old-space-size=16384', '--import', 'tsx', here('./cache-io-worker.ts'), r.contestant, path, String(rounds)]];
  return runJsonProcess(args[0] as string, args[1] as string[], CHILD_TIMEOUT_MS) as Promise<Measured>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { accounts: { type: 'string', default: '10000,100000' }, rounds: { type: 'string', default: '5' } },
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
      console.log(`\nN=${accounts} accounts, ${(blob.length / 1e6).toFixed(1)} MB, median of ${rounds} rounds each:`);
      const results = new Map<string, Measured>();
      for (const r of RUNS) {
        try {
          const m = await run(r, path, rounds);
          results.set(r.name, m);
        } catch (e) {
          console.log(`  ${r.name}: FAILED: ${(e as Error).message}`);
        }
      }
      const floor = { node: results.get('JSON (node)'), python: results.get('json (python)') };
      console.log('  contestant       load ms   save ms   load/parse  save/stringify  peak RSS MB');
      for (const r of RUNS) {
        const m = results.get(r.name);
        const base = floor[r.language];
        if (!m || !base) continue;
        console.log(
          `  ${r.name.padEnd(14)} ${m.loadMs.toFixed(0).padStart(9)} ${m.saveMs.toFixed(0).padStart(9)} ${(m.loadMs / base.loadMs).toFixed(2).padStart(11)}× ${(m.saveMs / base.saveMs).toFixed(2).padStart(14)}× ${m.rssMb.toFixed(0).padStart(12)}`,
        );
      }
      const ours = results.get('brokerbridge');
      if (ours && floor.node) {
        const load = ours.loadMs / floor.node.loadMs;
        const save = ours.saveMs / floor.node.saveMs;
        verdicts.push(`N=${accounts}: load ${load.toFixed(2)}× JSON.parse, save ${save.toFixed(2)}× JSON.stringify: ${load <= TARGET && save <= TARGET ? 'MET' : 'MISSED'}`);
        for (const peer of ['msal-node', 'MSAL Python']) {
          const p = results.get(peer);
          if (p) console.log(`  ${peer} / brokerbridge: load ${(p.loadMs / ours.loadMs).toFixed(1)}×, save ${(p.saveMs / ours.saveMs).toFixed(1)}×, peak RSS ${(p.rssMb / ours.rssMb).toFixed(1)}×`);
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
