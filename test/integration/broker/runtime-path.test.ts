import { describe, expect, it } from 'vitest';
import {
  bundledRuntimeFile,
  linuxRuntimeFlavor,
  parseOsRelease,
  resolveRuntimePath,
} from '../../../lib/broker/runtime-path.js';

const release = (text: string) => parseOsRelease(text);

describe('runtime path resolution', () => {
  it.each([
    ['ID=ubuntu\nVERSION_ID="22.04"\nID_LIKE=debian', 'ubuntu'],
    ['ID=debian\nVERSION_ID="12"', 'ubuntu'],
    ['ID="rhel"\nVERSION_ID="9.4"\nID_LIKE="fedora"', 'rhel8_9'],
    ['ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="8.10"', 'rhel8_9'],
    ['ID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="10.0"', 'rhel10'],
    ['ID=fedora\nVERSION_ID=41', 'rhel10'],
    ['', 'ubuntu'],
  ])('picks the Linux build for %j', (text, flavor) => {
    expect(linuxRuntimeFlavor(release(text))).toBe(flavor);
  });

  it('names the library file per OS and architecture', () => {
    const ubuntu = () => release('ID=ubuntu');
    expect(bundledRuntimeFile('linux', 'x64', ubuntu)).toBe('linux/ubuntu/x64/libmsalruntime.so');
    expect(bundledRuntimeFile('linux', 'arm64', ubuntu)).toBeUndefined();
    expect(bundledRuntimeFile('win32', 'x64')).toMatch(/windows.x64.msalruntime\.dll$/);
    expect(bundledRuntimeFile('win32', 'ia32')).toMatch(/windows.x86.msalruntime_x86\.dll$/);
    expect(bundledRuntimeFile('darwin', 'arm64')).toMatch(/macos.arm64.libmsalruntime_arm64\.dylib$/);
    expect(bundledRuntimeFile('freebsd', 'x64')).toBeUndefined();
  });

  it('prefers the caller path, then the environment, then the package', () => {
    expect(resolveRuntimePath({ runtimePath: '/a.so', env: { BROKERBRIDGE_MSALRUNTIME_PATH: '/b.so' } })).toEqual({
      path: '/a.so',
      source: 'option',
    });
    expect(resolveRuntimePath({ env: { BROKERBRIDGE_MSALRUNTIME_PATH: '/b.so' } })).toEqual({
      path: '/b.so',
      source: 'env',
    });
    const fromPackage = resolveRuntimePath({ env: {} });
    expect(fromPackage).toMatchObject({ source: 'package' });
    expect(fromPackage.path).toMatch(/@azure\/msal-node-runtime\/dist\/linux\/ubuntu\/x64\/libmsalruntime\.so$/);
  });
});
