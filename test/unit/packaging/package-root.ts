/** Shared by the packaging tests: the package under test and the built files they need. */
import { existsSync } from 'node:fs';
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
