/**
 * Child-process entry: `node --import tsx bench/contestant-worker.ts <contestant> <BenchInput JSON>`.
 * Each contestant gets a fresh process so heaps, JIT state and GC of the others do not leak into its numbers.
 * Prints one ContestantResult JSON line.
 */
import type { BenchInput, ContestantResult } from './contestant.js';
import { measureBrokerbridge } from './measure-brokerbridge.js';
import { measureMsalNode } from './measure-msal-node.js';

const measures: Record<string, (input: BenchInput) => Promise<ContestantResult>> = {
  brokerbridge: measureBrokerbridge,
  'msal-node': measureMsalNode,
};

const [name, json] = process.argv.slice(2);
const measure = name !== undefined ? measures[name] : undefined;
if (!measure || json === undefined) {
  console.error(`usage: contestant-worker.ts <${Object.keys(measures).join('|')}> <BenchInput JSON>`);
  process.exit(2);
}
const result = await measure(JSON.parse(json) as BenchInput);
process.stdout.write(`${JSON.stringify(result)}\n`);
