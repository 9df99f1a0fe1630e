import { describe, expect, it } from 'vitest';
import { chooseBrowser, defaultBrowserLauncher, isWsl, LINUX_EDGE_PATH, type BrowserEnvironment } from '../../../lib/interactive/browser.js';

function linux(options: { env?: Record<string, string>; edge?: boolean; procVersion?: string } = {}): Partial<BrowserEnvironment> {
  return {
    platform: 'linux',
    env: options.env ?? {},
    exists: (p) => options.edge === true && p === LINUX_EDGE_PATH,
    readFile: (p) => (p === '/proc/version' ? (options.procVersion ?? 'Linux version 6.8.0-45-generic (gcc)') : undefined),
  };
}

describe('WSL detection', () => {
  it('reads /proc/version for WSL1 and WSL2 kernels', () => {
    expect(isWsl(linux({ procVersion: 'Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com)' }))).toBe(true);
    expect(isWsl(linux({ procVersion: 'Linux version 5.15.153.1-microsoft-standard-WSL2' }))).toBe(true);
    expect(isWsl(linux())).toBe(false);
  });

  it('honours WSL environment variables and ignores other platforms', () => {
    expect(isWsl(linux({ env: { WSL_DISTRO_NAME: 'Ubuntu' } }))).toBe(true);
    expect(isWsl(linux({ env: { WSL_INTEROP: '/run/WSL/1_interop' } }))).toBe(true);
    expect(isWsl({ platform: 'win32', env: { WSL_DISTRO_NAME: 'x' }, readFile: () => 'microsoft' })).toBe(false);
    expect(isWsl({ platform: 'linux', env: {}, readFile: () => undefined })).toBe(false);
  });
});

describe('browser choice', () => {
  it('prefers Edge on Linux when installed and BROWSER is unset or names it', () => {
    expect(chooseBrowser(linux({ edge: true }))).toEqual({ kind: 'edge', app: LINUX_EDGE_PATH });
    expect(chooseBrowser(linux({ edge: true, env: { BROWSER: 'microsoft-edge' } }))).toEqual({ kind: 'edge', app: LINUX_EDGE_PATH });
    expect(chooseBrowser(linux({ edge: true, env: { BROWSER: '/opt/bin/microsoft-edge-beta' } }))).toEqual({ kind: 'edge', app: LINUX_EDGE_PATH });
  });

  it('respects a BROWSER that names something else, and falls back to the default', () => {
    expect(chooseBrowser(linux({ edge: true, env: { BROWSER: 'firefox' } }))).toEqual({ kind: 'env', app: 'firefox' });
    expect(chooseBrowser(linux({ env: { BROWSER: '/usr/bin/firefox:chromium' } }))).toEqual({ kind: 'env', app: '/usr/bin/firefox' });
    expect(chooseBrowser(linux())).toEqual({ kind: 'default' });
    expect(chooseBrowser(linux({ env: { BROWSER: '' } }))).toEqual({ kind: 'default' });
  });

  it('uses the Windows browser under WSL, even when a Linux Edge exists', () => {
    expect(chooseBrowser(linux({ edge: true, env: { WSL_DISTRO_NAME: 'Ubuntu' } }))).toEqual({ kind: 'wsl-windows' });
  });

  it('has no preference on macOS and Windows', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      expect(chooseBrowser({ platform, env: { BROWSER: 'firefox' }, exists: () => true })).toEqual({ kind: 'default' });
    }
  });
});

describe('default launcher', () => {
  async function launched(environment: Partial<BrowserEnvironment>) {
    const calls: unknown[][] = [];
    const launcher = defaultBrowserLauncher({ ...environment, opener: async (...args) => void calls.push(args) });
    await launcher('http://127.0.0.1:1/authorize?x=1');
    return calls;
  }

  it('passes the chosen app to open, or none at all', async () => {
    expect(await launched(linux({ edge: true }))).toEqual([['http://127.0.0.1:1/authorize?x=1', { app: { name: LINUX_EDGE_PATH } }]]);
    expect(await launched(linux({ env: { BROWSER: 'firefox' } }))).toEqual([['http://127.0.0.1:1/authorize?x=1', { app: { name: 'firefox' } }]]);
    expect(await launched(linux({ env: { WSL_INTEROP: 'x' } }))).toEqual([['http://127.0.0.1:1/authorize?x=1']]);
    expect(await launched({ platform: 'darwin', env: {} })).toEqual([['http://127.0.0.1:1/authorize?x=1']]);
  });

  it('surfaces opener failures', async () => {
    const launcher = defaultBrowserLauncher({ platform: 'darwin', env: {}, opener: async () => Promise.reject(new Error('spawn failed')) });
    await expect(launcher('http://127.0.0.1:1/')).rejects.toThrow('spawn failed');
  });
});
