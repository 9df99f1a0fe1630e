/**
 * Child-process entry of bench/cache-io.ts:
 *   node --import tsx bench/cache-io-worker.ts <json|brokerbridge|msal-node> <cache path> <rounds>
 * Loads the blob `rounds` times into a fresh cache, saves it as many times, and prints one JSON line:
 * the median load and save times (ms) and the process's peak RSS (MB), as bench/cache_io.py reports it.
 * The text is read once, outside the timed region: only parsing and serializing are compared.
 */
import { readFileSync } from 'node:fs';
import { PublicClientApplication } from '@azure/msal-node';
import { SerializableTokenCache } from '../lib/index.js';
import { summarizeNs } from './timing.js';

interface Cache {
  load(text: string): void;
  save(): string;
}

const makers: Record<string, () => Cache> = {
  // The floor: what parsing and printing the same JSON costs with nothing else done.
  json: () => {
    let value: unknown;
    return { load: (text) => void (value = JSON.parse(text)), save: () => JSON.stringify(value) };
  },
  brokerbridge: () => {
    const cache = new SerializableTokenCache();
    return { load: (text) => void cache.deserialize(text), save: () => cache.serialize() };
  },
  'msal-node': () => {
    const cache = new PublicClientApplication({ auth: { clientId: 'bench' } }).getTokenCache();
    return { load: (text) => cache.deserialize(text), save: () => cache.serialize() };
  },
};

const [name, path, roundsText] = process.argv.slice(2);
const make = name !== undefined ? makers[name] : undefined;
if (!make || !path || !roundsText) {
  console.error(`usage: cache-io-worker.ts <${Object.keys(makers).join('|')}> <cache path> <rounds>`);
  process.exit(2);
}
const text = readFileSync(path, 'utf8');
const rounds = Number(roundsText);
const loads = new Float64Array(rounds);
const saves = new Float64Array(rounds);
let held: Cache | undefined;
for (let i = 0; i < rounds; i++) {
  held = undefined; // let the previous cache go before the next load is timed
  const cache = make();
  const t0 = process.hrtime.bigint();
  cache.load(text);
  const t1 = process.hrtime.bigint();
  const out = cache.save();
  const t2 = process.hrtime.bigint();
  if (out.length < text.length / 2) throw new Error(`${name} saved ${out.length} of ${text.length} characters`);
  loads[i] = Number(t1 - t0);
  saves[i] = Number(t2 - t1);
  held = cache;
}
void held;
const rssMb = process.resourceUsage().maxRSS / 1024;
const ms = (s: Float64Array) => summarizeNs(s).medianUs / 1000;
process.stdout.write(`${JSON.stringify({ loadMs: ms(loads), saveMs: ms(saves), rssMb })}\n`);
