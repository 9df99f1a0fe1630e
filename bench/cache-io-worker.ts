/**
 * Child-process entry of bench/cache-io.ts:
 *   node --expose-gc --import tsx bench/cache-io-worker.ts <json|brokerbridge|msal-node> <cache path> <rounds>
 * Prints one JSON line (the CacheIoResult below, as bench/cache_io.py prints it).
 *
 * The floor (JSON.parse / JSON.stringify of the same text) is timed in this process, in rounds
 * interleaved with the contestant's: on a shared machine two processes started at different times
 * can see different loads, and one process sees the same. Each round times both, in alternating
 * order, and the ratios are the medians of the per-round ratios. The text is read once, outside
 * the timed region: only parsing and serializing are compared.
 */
import { readFileSync } from 'node:fs';
import { PublicClientApplication } from '@azure/msal-node';
import { SerializableTokenCache } from '../lib/index.js';
import { CLIENT_ID, ENVIRONMENT, TENANT_ID } from './fixture.js';
import { summarizeNs } from './timing.js';

export interface CacheIoResult {
  /** Medians over the rounds, ms. */
  loadMs: number;
  saveMs: number;
  parseMs: number;
  stringifyMs: number;
  /** Medians of load/parse and save/stringify, each round's pair timed back to back. */
  loadRatio: number;
  saveRatio: number;
  /**
   * Fastest load over fastest parse (and so for save): other processes only ever add time, so the
   * fastest round of each is the one least disturbed; a second view of the same rounds.
   */
  loadBestRatio: number;
  saveBestRatio: number;
  /** RSS with one loaded cache held, after a full GC, and how much loading it added to the RSS before. */
  loadedRssMb: number;
  loadedRssGrowthMb: number;
  /** Whether the RSS above was taken after a forced GC (node needs --expose-gc). */
  gcForced: boolean;
  /** Peak RSS of the whole process (every round included). */
  peakRssMb: number;
  /** brokerbridge only: the first lookup in every section after a load and save (the work loading defers), median. */
  firstLookupMs?: number;
}

interface Cache {
  load(text: string): void;
  save(): string;
  /** A lookup in every section, for the caches that defer work to it. */
  firstLookup?(): void;
}

const makers: Record<string, () => Cache> = {
  // What parsing and printing the same JSON costs with nothing else done: a sanity row (its ratios are ~1).
  json: () => {
    let value: unknown;
    return { load: (text) => void (value = JSON.parse(text)), save: () => JSON.stringify(value) };
  },
  brokerbridge: () => {
    const cache = new SerializableTokenCache();
    return {
      load: (text) => void cache.deserialize(text),
      save: () => cache.serialize(),
      firstLookup: () => {
        const [account] = cache.getAccounts();
        if (!account) throw new Error('brokerbridge: no account after load');
        const environments = [ENVIRONMENT];
        const homeAccountId = account.home_account_id;
        const found =
          cache.findAccessToken({ homeAccountId, environments, clientId: CLIENT_ID, realm: TENANT_ID, scopes: [] }) &&
          cache.findRefreshTokens({ homeAccountId, environments, clientId: CLIENT_ID }).length &&
          cache.findIdToken({ homeAccountId, environments, clientId: CLIENT_ID, realm: TENANT_ID }) &&
          cache.getAppMetadata(environments, CLIENT_ID);
        if (!found) throw new Error('brokerbridge: a lookup after load found nothing');
      },
    };
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
const gc = (globalThis as { gc?: () => void }).gc;
const collect = () => gc?.();
const rssMb = () => process.memoryUsage.rss() / 2 ** 20;
const timeMs = (f: () => void) => {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const median = (xs: number[]) => summarizeNs(Float64Array.from(xs, (x) => x * 1e6)).medianUs / 1000;

// Retained memory first, in a process that has loaded nothing yet.
collect();
const rssBefore = rssMb();
let held: Cache | undefined = make();
held.load(text);
collect();
const loadedRssMb = rssMb();
held = undefined;

const loads: number[] = [];
const saves: number[] = [];
const parses: number[] = [];
const stringifies: number[] = [];
const firstLookups: number[] = [];
const contestantRound = () => {
  collect();
  const cache = make();
  let out = '';
  loads.push(timeMs(() => cache.load(text)));
  saves.push(timeMs(() => (out = cache.save())));
  if (out.length < text.length / 2) throw new Error(`${name} saved ${out.length} of ${text.length} characters`);
  if (cache.firstLookup) firstLookups.push(timeMs(() => cache.firstLookup?.()));
};
const floorRound = () => {
  collect();
  let value: unknown;
  parses.push(timeMs(() => (value = JSON.parse(text))));
  stringifies.push(timeMs(() => JSON.stringify(value)));
};
for (let i = 0; i < rounds; i++) {
  // Alternating which goes first cancels a drift in machine load within a round.
  if (i % 2 === 0) {
    contestantRound();
    floorRound();
  } else {
    floorRound();
    contestantRound();
  }
}
const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / (b[i] as number)));
const result: CacheIoResult = {
  loadMs: median(loads),
  saveMs: median(saves),
  parseMs: median(parses),
  stringifyMs: median(stringifies),
  loadRatio: ratio(loads, parses),
  saveRatio: ratio(saves, stringifies),
  loadBestRatio: Math.min(...loads) / Math.min(...parses),
  saveBestRatio: Math.min(...saves) / Math.min(...stringifies),
  loadedRssMb,
  loadedRssGrowthMb: loadedRssMb - rssBefore,
  gcForced: gc !== undefined,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  ...(firstLookups.length ? { firstLookupMs: median(firstLookups) } : {}),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
