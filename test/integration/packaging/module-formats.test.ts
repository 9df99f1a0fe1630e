import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, requireBuilt } from './package-root.js';

const run = promisify(execFile);
const EXPORTS = ['PublicClientApplication', 'ConfidentialClientApplication', 'SerializableTokenCache'];

/** Runs node in the package folder, where `brokerbridge` resolves to this package through its own "exports". */
async function node(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, args, { cwd: PACKAGE_DIR, timeout: 30_000 });
  return stdout;
}

const report = `console.log(JSON.stringify(${JSON.stringify(EXPORTS)}.map((n) => [n, typeof m[n]])))`;
const allFunctions = EXPORTS.map((n) => [n, 'function']);

beforeAll(() => requireBuilt('dist/index.js', 'dist/index.cjs'));

describe('the built package loads in both module systems', () => {
  it('require() gets the CommonJS build', async () => {
    expect(JSON.parse(await node('-e', `const m = require('brokerbridge'); ${report}`))).toEqual(allFunctions);
    expect(JSON.parse(await node('-e', `const m = require('./dist/index.cjs'); ${report}`))).toEqual(allFunctions);
  });

  it('import gets the ES module build', async () => {
    expect(JSON.parse(await node('--input-type=module', '-e', `import * as m from 'brokerbridge'; ${report}`))).toEqual(allFunctions);
    expect(JSON.parse(await node('--input-type=module', '-e', `const m = await import('./dist/index.js'); ${report}`))).toEqual(allFunctions);
  });

  it('both builds share the error classes callers test with instanceof', async () => {
    const out = await node('-e', `const m = require('brokerbridge'); try { new m.PublicClientApplication({}) } catch (e) { console.log(e instanceof m.BrokerBridgeError, e.code) }`);
    expect(out.trim()).toBe('true invalid_argument');
  });
});

describe('bin/brokerbridge.mjs', () => {
  it('is valid syntax and runs the built CLI', async () => {
    requireBuilt('dist/cli.js');
    await node('--check', 'bin/brokerbridge.mjs');
    expect((await node('bin/brokerbridge.mjs', '--version')).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(await node('bin/brokerbridge.mjs', '--help')).toMatch(/^Usage: brokerbridge <command>/);
    const usage = await run(process.execPath, ['bin/brokerbridge.mjs', 'token'], { cwd: PACKAGE_DIR, timeout: 30_000 }).catch((e: { code: number; stderr: string }) => e);
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringMatching(/--client-id is required/) });
  });
});

describe('examples/electron', () => {
  it('main.js is valid CommonJS for Electron main', async () => {
    await node('--check', 'examples/electron/main.js');
    const pkg = JSON.parse(await node('-p', 'JSON.stringify(require("./examples/electron/package.json"))')) as { main: string; type?: string };
    expect(pkg.main).toBe('main.js');
    expect(pkg.type ?? 'commonjs').toBe('commonjs');
  });

  it('unpacks the addon and MSALRuntime from app.asar, as the README tells apps to', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'examples', 'electron', 'package.json'), 'utf8')) as { build: { asarUnpack: string[] } };
    const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
    expect(pkg.build.asarUnpack).toEqual(['**/node_modules/brokerbridge/prebuilds/**', '**/node_modules/@azure/msal-node-runtime/**']);
    for (const entry of pkg.build.asarUnpack) expect(readme).toContain(`"${entry}"`);
  });
});
