/**
 * The built package on the Node versions package.json's "engines" admits: the
 * lowest release it allows and 22.0.0 (neither can require() an ES module, which
 * only 20.19 and 22.12 brought), a current 22 and a current 24, each from its
 * official binary (scripts/node-binaries.ts).
 * On each, an application requires the CommonJS build and imports the ES module
 * build, loads the prebuilt addon, and goes through the code that depends on
 * ESM-only packages (jose, open) against the local STS.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEntra, type LocalEntra } from '../../support/entra.js';
import { NODE_VERSIONS, nodeBinary } from '../../../scripts/node-binaries.js';
import { PACKAGE_DIR, requireFreshBuild } from './package-root.js';

const run = promisify(execFile);
const CONSUMER = join(PACKAGE_DIR, 'test', 'integration', 'packaging', 'consumer');
const SCOPES = ['https://graph.microsoft.com/User.Read'];

const [LOWEST] = NODE_VERSIONS;

let entra: LocalEntra;
let scratch: string;
let browser: string;

beforeAll(async () => {
  requireFreshBuild('dist/index.js', 'dist/index.cjs');
  const missing = NODE_VERSIONS.filter((v) => !existsSync(nodeBinary(v)));
  if (missing.length > 0) throw new Error(`No official Node ${missing.join(', ')} binary: run "npx tsx scripts/node-binaries.ts" (.ci/setup does).`);
  entra = await startLocalEntra();
  scratch = await mkdtemp(join(tmpdir(), 'bb-node-versions-'));
  // Stands in for the user's browser: declines the sign-in by sending an error back to the loopback redirect.
  browser = join(scratch, 'decline-browser');
  await writeFile(
    browser,
    `#!${process.execPath}
const request = new URL(process.argv[2]);
const back = new URL(request.searchParams.get('redirect_uri'));
back.hostname = '127.0.0.1';
back.searchParams.set('error', 'access_denied');
back.searchParams.set('state', request.searchParams.get('state'));
fetch(back).catch(() => {});
`,
  );
  await chmod(browser, 0o755);
});
afterAll(async () => {
  await entra?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

it('"engines" allows exactly the versions from the lowest one tested here', () => {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { engines: { node: string } };
  const [, major, minor = '0', patch = '0'] = /^>=(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(pkg.engines.node) ?? [];
  expect(`${major}.${minor}.${patch}`).toBe(LOWEST);
});

describe.each(NODE_VERSIONS)('Node %s', (version) => {
  const node = nodeBinary(version);

  it('is the official binary of that version', async () => {
    const { stdout } = await run(node, ['--version']);
    expect(stdout.trim()).toBe(`v${version}`);
  });

  it.each(['require.cjs', 'import.mjs'])('%s: loads, finds the prebuild, signs in, signs PoP requests and opens the browser', async (entry) => {
    const config = {
      ...entra.appOptions(),
      username: entra.alice.username,
      password: entra.alice.password,
      scopes: SCOPES,
    };
    const { stdout } = await run(node, [join(CONSUMER, entry)], {
      cwd: CONSUMER,
      timeout: 120_000,
      env: {
        PATH: process.env['PATH'],
        HOME: scratch,
        SMOKE_CONFIG: JSON.stringify(config),
        PREBUILDS_ONLY: '1',
        // No broker on a bus that does not exist: MSALRuntime loads, then says why it cannot start.
        DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
        BROWSER: browser,
      },
    });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, any>;

    expect(report['exports']).toEqual({
      PublicClientApplication: 'function',
      ConfidentialClientApplication: 'function',
      SerializableTokenCache: 'function',
      PopAuthScheme: 'function',
      isErrorResult: 'function',
    });
    // The addon loaded (no addon_missing) and reached MSALRuntime's startup.
    expect(report['broker']).toMatchObject({ available: false, reason: expect.stringMatching(/^startup_failed: .*microsoft-identity-broker/) });
    expect(report['signIn']).toEqual({ token_source: 'identity_provider', username: entra.alice.username });
    expect(report['interactive']).toEqual({ error: 'access_denied' });

    expect(report['pop'].token_type).toBe('pop');
    const shr = report['pop'].shr as string;
    const claims = decodeJwt(shr) as { cnf: { jwk: JWK }; m: string; u: string; nonce: string };
    expect(decodeProtectedHeader(shr).typ).toBe('pop');
    await jwtVerify(shr, await importJWK(claims.cnf.jwk, 'RS256'));
    expect(claims).toMatchObject({ m: 'GET', u: 'api.contoso.com', nonce: 'n-1' });
  }, 150_000);
});
