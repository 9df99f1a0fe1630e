import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, requireBuilt } from './package-root.js';

const run = promisify(execFile);

let files: string[];

beforeAll(async () => {
  requireBuilt('dist/index.js');
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PACKAGE_DIR, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 });
  const [report] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
  files = report!.files.map((f) => f.path);
}, 90_000);

describe('npm pack', () => {
  it('ships both module formats with their type declarations, the CLI and the README', () => {
    for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/cli.js', 'bin/brokerbridge.mjs', 'README.md', 'package.json']) {
      expect(files, `${f} is not in the package`).toContain(f);
    }
  });

  it('ships the native addon sources so it can be rebuilt where no prebuild fits', () => {
    expect(files).toContain('binding.gyp');
    const sources = readdirSync(`${PACKAGE_DIR}/native`).filter((n) => /\.(cc|h)$/.test(n));
    expect(sources.length).toBeGreaterThan(0);
    for (const s of sources) expect(files).toContain(`native/${s}`);
  });

  it('leaves out tests, benchmarks, CI scripts, examples and sources', () => {
    const unwanted = files.filter((f) => /^(test|bench|\.ci|examples|lib|node_modules|build)\//.test(f) || f.endsWith('.tmp'));
    expect(unwanted).toEqual([]);
  });
});
