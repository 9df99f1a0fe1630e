/** Shared by the packaging tests: the package under test and the built files they need. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** CI builds before testing; a missing dist/ is a broken setup, not a reason to skip. */
export function requireBuilt(...files: string[]): void {
  const missing = files.filter((f) => !existsSync(join(PACKAGE_DIR, f)));
  if (missing.length > 0) {
    throw new Error(`Missing build output ${missing.join(', ')}: run "npm run build" (tsup) before the packaging tests.`);
  }
}

/** What the build reads: the library sources and the build configuration (tsconfig.json sets stripInternal for the declarations). */
function buildInputs(): string[] {
  const sources = readdirSync(join(PACKAGE_DIR, 'lib'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join('lib', f));
  return [...sources, 'tsup.config.ts', 'tsconfig.json'];
}

/** Declaration text without its comments, whose TSDoc examples quote imports and internal names. */
export function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/**
 * For tests that judge the built code itself: the files exist and are newer than
 * every source, so a stale dist/ cannot pass or fail in place of today's code.
 */
export function requireFreshBuild(...files: string[]): void {
  requireBuilt(...files);
  const mtime = (f: string) => statSync(join(PACKAGE_DIR, f)).mtimeMs;
  const oldest = Math.min(...files.map(mtime));
  const newer = buildInputs().filter((f) => mtime(f) > oldest);
  if (newer.length > 0) {
    throw new Error(`dist/ is older than ${newer.slice(0, 3).join(', ')}${newer.length > 3 ? ', …' : ''}: run "npm run build" before the packaging tests.`);
  }
}
