/**
 * Today's sources still build the win32-x64 prebuild: scripts/prebuild/win32.sh
 * with Debian's mingw-w64, warnings as errors, into a temporary folder
 * (prebuilds/ is left alone). A Linux CI thus catches what would only break
 * the Windows build: os_char as wchar_t, HWND handles, LoadLibraryW,
 * <windows.h> macros colliding with our names. wine.test.ts runs the
 * committed prebuild itself.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PACKAGE_DIR } from '../packaging/package-root.js';
import { runToEnd } from '../../support/wine/wine-host.js';

it('the addon builds for win32-x64 from the sources binding.gyp lists', { timeout: 300_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'brokerbridge-win32-build-'));
  try {
    const build = await runToEnd('bash', [join(PACKAGE_DIR, 'scripts', 'prebuild', 'win32.sh'), 'x64'], {
      env: { ...process.env, PREBUILD_OUT: out },
      timeoutMs: 280_000,
      logPath: join(out, 'build.log'),
    });
    expect(build.exitCode, build.log).toBe(0);
    expect(existsSync(join(out, 'brokerbridge.node'))).toBe(true);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
