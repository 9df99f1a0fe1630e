/**
 * `brokerbridge demo` as a new user runs it: from the checkout through the
 * built CLI (bin/brokerbridge.mjs → dist/cli.js → examples/demo.ts through tsx),
 * signing in against node-oidc-provider with headless Chromium; and from an
 * installed package, which has no demo and says where to get it.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_NOT_INSTALLED } from '../../lib/cli/demo-command.js';
import { PACKAGE_DIR, requireFreshBuild } from '../integration/packaging/package-root.js';

const run = promisify(execFile);
type Outcome = { code: number; stdout: string; stderr: string };

async function cli(bin: string, args: string[], cwd: string): Promise<Outcome> {
  return run(process.execPath, [bin, ...args], { cwd, timeout: 180_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

beforeAll(() => requireFreshBuild('dist/cli.js'));

describe('brokerbridge demo in the source checkout', () => {
  it('signs in through the provider\'s pages with headless Chromium, then silently from the cache', async () => {
    const r = await cli(join(PACKAGE_DIR, 'bin', 'brokerbridge.mjs'), ['demo'], PACKAGE_DIR);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Embedded OpenID Provider: http:\/\/127\.0\.0\.1:\d+$/m);
    expect(r.stdout).toContain('Signed in as alice@example.test (Alice Example)');
    expect(r.stdout).toMatch(/token_source=identity_provider/);
    expect(r.stdout).toContain('Silent call: token_source=cache (same token: true)');
  }, 200_000);
});

describe('brokerbridge demo in an installed package', () => {
  let project: string;
  let bin: string;

  beforeAll(async () => {
    // The package's files exactly as npm would publish them, with its dependencies next to it.
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PACKAGE_DIR, maxBuffer: 32 * 1024 * 1024 });
    const [report] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
    project = await mkdtemp(join(tmpdir(), 'bb-installed-'));
    const installed = join(project, 'node_modules', 'brokerbridge');
    for (const { path } of report!.files) {
      await mkdir(dirname(join(installed, path)), { recursive: true });
      await cp(join(PACKAGE_DIR, path), join(installed, path));
    }
    const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of Object.keys(pkg.dependencies)) {
      await mkdir(dirname(join(project, 'node_modules', name)), { recursive: true });
      await symlink(join(PACKAGE_DIR, 'node_modules', name), join(project, 'node_modules', name), 'dir');
    }
    bin = join(installed, 'bin', 'brokerbridge.mjs');
  }, 120_000);
  afterAll(async () => {
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('the CLI runs there', async () => {
    const r = await cli(bin, ['--version'], project);
    expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  it('demo explains that it needs a source checkout and how to get one, and exits 1', async () => {
    const r = await cli(bin, ['demo'], project);
    expect(r).toEqual({ code: 1, stdout: '', stderr: DEMO_NOT_INSTALLED });
  });
});
