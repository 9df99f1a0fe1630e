/**
 * Importing the library loads none of the dependencies only one rare flow needs:
 * node-forge (PFX certificates) and fast-xml-parser (WS-Trust) come on first use.
 * Both are CommonJS, so whether they were loaded shows in require.cache, in either build.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, requireFreshBuild } from './package-root.js';

const run = promisify(execFile);
const LAZY = ['node-forge', 'fast-xml-parser'];

/** Prints which of LAZY are in require.cache, before and after a PFX credential is loaded. */
const probe = `
const loaded = () => ${JSON.stringify(LAZY)}.filter((name) =>
  Object.keys(requireCache).some((path) => path.includes('/node_modules/' + name + '/')));
const before = loaded();
let error;
try {
  // Not a PFX file: node-forge is needed to find that out, and the result is a typed error.
  new m.ConfidentialClientApplication({ clientId: 'c', clientCredential: { privateKeyPfxPath: 'package.json' } });
} catch (e) { error = e.code; }
console.log(JSON.stringify({ before, after: loaded(), error }));
`;

async function report(...args: string[]): Promise<{ before: string[]; after: string[]; error: string }> {
  const { stdout } = await run(process.execPath, args, { cwd: PACKAGE_DIR, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

beforeAll(() => requireFreshBuild('dist/index.js', 'dist/index.cjs'));

describe('rarely needed dependencies load on first use', () => {
  it('CommonJS build', async () => {
    const r = await report('-e', `const m = require('./dist/index.cjs'); const requireCache = require.cache; ${probe}`);
    expect(r).toEqual({ before: [], after: ['node-forge'], error: 'credential_invalid' });
  });

  it('ES module build', async () => {
    const r = await report(
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module'; const m = await import('./dist/index.js');
       const requireCache = createRequire(import.meta.url).cache; ${probe}`,
    );
    expect(r).toEqual({ before: [], after: ['node-forge'], error: 'credential_invalid' });
  });
});
