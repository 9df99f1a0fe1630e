import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_DIR, requireBuilt } from './package-root.js';

describe('publint', () => {
  it('finds no errors or warnings in the package as npm would publish it', async () => {
    requireBuilt('dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts');
    const { messages } = await publint({ pkgDir: PACKAGE_DIR, level: 'warning', pack: 'npm' });
    const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`)).toEqual([]);
  }, 90_000);
});
