/**
 * The committed linux-x64 prebuild loads on its own (PREBUILDS_ONLY=1), and a
 * machine with no usable addon still gets a working library that says why the
 * broker is unavailable.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_DIR as packageRoot } from './package-root.js';

function probe(env: Record<string, string>): { available: boolean; reason?: string; broker?: { available: boolean; reason?: string } } {
  const code = `
    import { loadBrokerRuntime } from './lib/broker/native-addon.ts';
    import { PublicClientApplication } from './lib/index.ts';
    const s = await loadBrokerRuntime();
    const app = new PublicClientApplication({ clientId: 'c', authority: 'https://login.microsoftonline.com/common', enableBrokerOnLinux: true });
    const broker = await app.isBrokerAvailable();
    console.log(JSON.stringify({ available: s.available, reason: s.available ? undefined : s.reason, broker }));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: packageRoot,
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

describe('prebuilds', () => {
  it('ships prebuilds/linux-x64/brokerbridge.node', () => {
    expect(existsSync(join(packageRoot, 'prebuilds', 'linux-x64', 'brokerbridge.node'))).toBe(true);
  });

  it('PREBUILDS_ONLY=1 loads the prebuild and reaches MSALRuntime', () => {
    const r = probe({ PREBUILDS_ONLY: '1' });
    expect(r.available).toBe(true);
    // No broker on that bus: the library says so instead of failing, and names what to install.
    expect(r.broker).toMatchObject({ available: false, reason: expect.stringMatching(/startup_failed/) });
    expect(r.broker?.reason).toContain('(name com.microsoft.identity.broker1)');
    expect(r.broker?.reason).toContain('microsoft-identity-broker package');
  });

  it('no addon for this machine: the library still loads and says why the broker is unavailable', () => {
    const r = probe({ PREBUILDS_ONLY: '1', npm_config_arch: 'riscv64' });
    expect(r).toMatchObject({ available: false, reason: 'addon_missing' });
    expect(r.broker).toMatchObject({ available: false, reason: expect.stringMatching(/addon_missing/) });
  });
});
