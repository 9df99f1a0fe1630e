import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

/** Everything the package may hold; package.json's "files" names these folders and files explicitly. */
const SHIPPED = [
  /^(package\.json|README\.md|LICENSE|binding\.gyp|bin\/brokerbridge\.mjs)$/,
  // Both builds of the library, their declarations, and the ESM-only CLI with the chunk it shares with index.js.
  /^dist\/(index\.(js|cjs)|cli\.js|chunk-\w+\.js)(\.map)?$/,
  /^dist\/index\.d\.c?ts$/,
  /^native\/[\w.-]+\.(cc|c|h)$/,
  /^prebuilds\/(linux|darwin|win32)-(x64|arm64)\/[\w.-]+\.node$/,
];

describe('npm pack', () => {
  it('ships both module formats with their type declarations, the CLI, the README and the licence', () => {
    for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/cli.js', 'bin/brokerbridge.mjs', 'README.md', 'LICENSE', 'package.json']) {
      expect(files, `${f} is not in the package`).toContain(f);
    }
  });

  it('ships nothing else: no CommonJS CLI (bin runs dist/cli.js), no CLI declarations, no stray files', () => {
    expect(files.filter((f) => !SHIPPED.some((p) => p.test(f)))).toEqual([]);
  });

  it('bin points at a shipped file', () => {
    const pkg = JSON.parse(readFileSync(`${PACKAGE_DIR}/package.json`, 'utf8')) as { bin: Record<string, string> };
    for (const target of Object.values(pkg.bin)) expect(files).toContain(target.replace(/^\.\//, ''));
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
