/**
 * The TypeDoc reference (`npm run docs`) builds from lib/index.ts without a
 * single warning: every exported symbol is documented, every type a public
 * signature names is exported, and every {@link} resolves. The build goes to
 * a temporary folder, never to docs/api.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from './package-root.js';

const run = promisify(execFile);

let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'bb-typedoc-'));
});
afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('API reference', () => {
  it('builds from typedoc.json with warnings treated as errors', async () => {
    const typedoc = join(PACKAGE_DIR, 'node_modules', 'typedoc', 'bin', 'typedoc');
    const result = await run(process.execPath, [typedoc, '--out', out, '--treatWarningsAsErrors'], {
      cwd: PACKAGE_DIR,
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    const output = `${result.stdout}${result.stderr}`;
    expect(output.split('\n').filter((line) => /\[(warning|error)\]/.test(line))).toEqual([]);
    expect('code' in result ? result.code : 0).toBe(0);
    // The pages of the three applications exist: the entry point was documented, not an empty project.
    for (const page of ['PublicClientApplication', 'ConfidentialClientApplication', 'ClientApplication']) {
      expect(existsSync(join(out, 'classes', `${page}.html`)), page).toBe(true);
    }
  }, 150_000);
});
