/**
 * `await app.acquireToken…(); process.exit(0)` with a PersistentTokenCache:
 * the call resolves only once its write is on disk and the lock is released,
 * so the exit right after the await loses nothing and leaves no lock file.
 * Real child processes against the local STS, several rounds so a race
 * between the write and the exit would show. The child is bundled once with
 * esbuild, so each start costs a Node start, not a TypeScript compile.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_SECRET, CONFIDENTIAL_CLIENT_ID, startLocalEntra, type LocalEntra } from '../../support/entra.js';
import { tempDir } from '../../unit/persistence/support.js';
import type { ExitAfterAwaitRequest } from './exit-after-await.js';

const childSource = fileURLToPath(new URL('./exit-after-await.ts', import.meta.url));
/** Inside the repo (git-ignored), so the bundle's bare imports resolve from its node_modules. */
const bundleRoot = fileURLToPath(new URL('../../../.cache/test-bundles', import.meta.url));
const SCOPES = ['https://graph.microsoft.com/User.Read'];
const APP_SCOPES = ['https://graph.microsoft.com/.default'];
const ROUNDS = 5;

let entra: LocalEntra;
let bundleDir: string;
let childScript: string;
beforeAll(async () => {
  entra = await startLocalEntra();
  await mkdir(bundleRoot, { recursive: true });
  bundleDir = await mkdtemp(join(bundleRoot, 'exit-after-await-'));
  childScript = join(bundleDir, 'exit-after-await.mjs');
  // Dependencies stay in node_modules.
  await build({ entryPoints: [childSource], outfile: childScript, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent' });
});
afterAll(async () => {
  await entra.stop();
  await rm(bundleDir, { recursive: true, force: true });
});

/** Runs one call in a child that exits right after it; resolves with what it printed (the access token). */
function runChild(request: ExitAfterAwaitRequest, deadlineMs = 60_000): Promise<string> {
  const child = spawn(process.execPath, [childScript, JSON.stringify(request)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child (${request.call.kind}) did not exit within ${deadlineMs} ms; stderr: ${stderr}`));
    }, deadlineMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout.trim());
      else reject(new Error(`child (${request.call.kind}) exited with ${code}: ${stderr}`));
    });
  });
}

interface OnDisk {
  accessTokens: string[];
  refreshTokens: string[];
  accounts: string[];
}

async function onDisk(path: string): Promise<OnDisk> {
  const json = JSON.parse(await readFile(path, 'utf8')) as Record<string, Record<string, { secret?: string; username?: string }>>;
  const secrets = (section: string) => Object.values(json[section] ?? {}).map((e) => e.secret ?? '');
  return { accessTokens: secrets('AccessToken'), refreshTokens: secrets('RefreshToken'), accounts: Object.values(json['Account'] ?? {}).map((e) => e.username ?? '') };
}

describe('PersistentTokenCache: a call that resolved is on disk, even if the process exits at once', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it(`sign-in, silent refresh, sign-out and an app token, each followed by process.exit(0), ${ROUNDS} rounds`, { timeout: 300_000 }, async () => {
    const cachePath = join(dir, 'msal.cache.json');
    const app = entra.appOptions();
    const history: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const signedIn = await runChild({ cachePath, app, call: { kind: 'signIn', username: entra.alice.username, password: entra.alice.password!, scopes: SCOPES } });
      let disk = await onDisk(cachePath);
      expect(disk.accessTokens, `round ${round}: the sign-in's AT is on disk`).toContain(signedIn);
      expect(disk.accounts).toEqual([entra.alice.username]);
      expect(await readdir(dir), `round ${round}: no lock file after the sign-in`).toEqual(['msal.cache.json']);

      const refreshed = await runChild({ cachePath, app, call: { kind: 'refresh', scopes: SCOPES } });
      expect(refreshed).not.toBe(signedIn);
      disk = await onDisk(cachePath);
      expect(disk.accessTokens, `round ${round}: the refreshed AT is on disk`).toContain(refreshed);
      expect(disk.refreshTokens).toHaveLength(1);
      expect(await readdir(dir)).toEqual(['msal.cache.json']);

      const appToken = await runChild({ cachePath, app: entra.appOptions(CONFIDENTIAL_CLIENT_ID), call: { kind: 'appToken', clientSecret: CLIENT_SECRET, scopes: APP_SCOPES } });
      expect((await onDisk(cachePath)).accessTokens, `round ${round}: the app token is on disk`).toContain(appToken);
      expect(await readdir(dir)).toEqual(['msal.cache.json']);

      await runChild({ cachePath, app, call: { kind: 'removeAccount' } });
      disk = await onDisk(cachePath);
      expect(disk.accounts, `round ${round}: the sign-out is on disk`).toEqual([]);
      expect(disk.refreshTokens).toEqual([]);
      expect(disk.accessTokens).not.toContain(refreshed);
      expect(await readdir(dir)).toEqual(['msal.cache.json']);
      history.push(`round ${round}: ${disk.accessTokens.length} app token(s) left after sign-out`);
    }
    expect(history).toHaveLength(ROUNDS);
  });
});
