/**
 * Cold-import benchmark: how long `require()` (CommonJS) and `import()` (ES module) of the
 * library take in a fresh Node process, brokerbridge's built package against @azure/msal-node,
 * printed as ratios. Runs are interleaved (one of each contestant per round) so that machine
 * noise falls on all of them alike; the median of each is compared.
 *
 *   npm run build && npx tsx bench/import-time.ts [--rounds 21]
 *
 * Each child times only the import itself (performance.now() around it), not Node's own start.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { summarizeNs } from './timing.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Contestant {
  name: string;
  args: string[];
}

const timed = (load: string) => `const t0 = performance.now(); ${load}; console.log(performance.now() - t0);`;

const CONTESTANTS: Contestant[] = [
  { name: 'brokerbridge cjs', args: ['-e', timed(`require(${JSON.stringify(join(ROOT, 'dist/index.cjs'))})`)] },
  { name: '@azure/msal-node cjs', args: ['-e', timed(`require('@azure/msal-node')`)] },
  {
    name: 'brokerbridge esm',
    args: ['--input-type=module', '-e', timed(`await import(${JSON.stringify(join(ROOT, 'dist/index.js'))})`)],
  },
  { name: '@azure/msal-node esm', args: ['--input-type=module', '-e', timed(`await import('@azure/msal-node')`)] },
];

async function importMs(c: Contestant): Promise<number> {
  const { stdout } = await run(process.execPath, c.args, { cwd: ROOT, timeout: 60_000 });
  const ms = Number(stdout.trim().split('\n').at(-1));
  if (!Number.isFinite(ms)) throw new Error(`${c.name} printed no time: ${stdout}`);
  return ms;
}

export async function importTimes(rounds: number): Promise<Map<string, { medianMs: number; p99Ms: number }>> {
  if (!existsSync(join(ROOT, 'dist/index.cjs'))) throw new Error('run "npm run build" first: the benchmark imports dist/');
  const samples = new Map(CONTESTANTS.map((c) => [c.name, [] as number[]]));
  for (let i = 0; i < rounds; i++) for (const c of CONTESTANTS) samples.get(c.name)!.push(await importMs(c));
  return new Map(
    [...samples].map(([name, ms]) => {
      const s = summarizeNs(Float64Array.from(ms, (v) => v * 1e6));
      return [name, { medianMs: s.medianUs / 1000, p99Ms: s.p99Us / 1000 }];
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '21' } } });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a positive integer');
  const times = await importTimes(rounds);
  console.log(`Cold import, median of ${rounds} interleaved runs (ms; ratio = brokerbridge / msal-node, below 1 is faster):`);
  for (const format of ['cjs', 'esm']) {
    const ours = times.get(`brokerbridge ${format}`)!;
    const theirs = times.get(`@azure/msal-node ${format}`)!;
    console.log(
      `  ${format}: brokerbridge ${ours.medianMs.toFixed(1)} ms, msal-node ${theirs.medianMs.toFixed(1)} ms, ratio ${(ours.medianMs / theirs.medianMs).toFixed(2)}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
