/**
 * Each committed prebuild is what its folder name promises: the right object
 * format and architecture, and nothing taken from Node but N-API, so one file
 * serves every Node and Electron version of its platform. linux-x64 also runs
 * on glibc 2.28 (MSALRuntime's RHEL 8 build) without a system libstdc++.
 * Read with LLVM 14's tools (Debian package llvm-14, installed by .ci/setup).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from './package-root.js';

const NODE_API = /^(napi|node_api)_\w+$/;
const MAX_GLIBC = [2, 28];

function tool(name: string, ...args: string[]): string {
  try {
    return execFileSync(`${name}-14`, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${name}-14 is missing: install the Debian package llvm-14 (.ci/setup does)`);
    }
    throw error;
  }
}

const artifact = (target: string) => join(PACKAGE_DIR, 'prebuilds', target, 'brokerbridge.node');

/** "Format:" and "Arch:" of llvm-readobj's file header summary. */
function formatOf(file: string): { format: string; arch: string } {
  const headers = tool('llvm-readobj', '--file-headers', file);
  return { format: /^Format: (.+)$/m.exec(headers)![1]!, arch: /^Arch: (.+)$/m.exec(headers)![1]! };
}

const compareVersions = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  }
  return 0;
};

describe('prebuilds/linux-x64', () => {
  const file = artifact('linux-x64');

  it('is an x86-64 ELF shared object', () => {
    expect(formatOf(file)).toEqual({ format: 'elf64-x86-64', arch: 'x86_64' });
    expect(tool('llvm-readobj', '--file-headers', file)).toMatch(/Type: SharedObject/);
  });

  it('needs glibc 2.28 at most', () => {
    const versions = [...tool('llvm-readobj', '--version-info', file).matchAll(/Name: GLIBC_([\d.]+)/g)].map((m) =>
      m[1]!.split('.').map(Number),
    );
    expect(versions.length).toBeGreaterThan(0);
    const newest = versions.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
    console.log(`linux-x64 needs GLIBC_${newest.join('.')}`);
    expect(compareVersions(newest, MAX_GLIBC), `needs GLIBC_${newest.join('.')}`).toBeLessThanOrEqual(0);
  });

  it('needs no C++ runtime from the system', () => {
    const needed = /NeededLibraries \[([^\]]*)\]/.exec(tool('llvm-readobj', '--needed-libs', file))![1]!.trim().split(/\s+/);
    expect(needed.every((lib) => /^lib(c|dl|pthread|m|rt)\.so\.\d+$/.test(lib)), needed.join(' ')).toBe(true);
  });

  it('takes nothing from Node but N-API, and exports only the module entry points', () => {
    // llvm-nm -D: "U name@GLIBC_2.14" comes from glibc; an unversioned name must come from the host.
    const undefinedSymbols = tool('llvm-nm', '-D', '--undefined-only', file).trim().split('\n').map((line) => line.trim().split(/\s+/));
    const fromHost = undefinedSymbols.filter(([, name]) => !name!.includes('@'));
    // __gmon_start__ is the profiler hook every crt references weakly; absent, it stays null.
    const strong = fromHost.filter(([kind, name]) => !(kind === 'w' && name === '__gmon_start__')).map(([, name]) => name!);
    expect(strong.length).toBeGreaterThan(0);
    expect(strong.filter((name) => !NODE_API.test(name))).toEqual([]);
    const exported = tool('llvm-nm', '-D', '--defined-only', file).trim().split('\n').map((line) => line.trim().split(/\s+/).at(-1));
    expect(exported.sort()).toEqual(['napi_register_module_v1', 'node_api_module_get_api_version_v1']);
  });
});

/** The minimum macOS version an image declares (LC_BUILD_VERSION minos). */
function macosMinimum(file: string): number[] {
  const minos = /^\s*minos ([\d.]+)$/m.exec(tool('llvm-objdump', '--macho', '--private-headers', file));
  return minos![1]!.split('.').map(Number);
}

for (const { target, format, arch, runtime } of [
  { target: 'darwin-x64', format: 'Mach-O 64-bit x86-64', arch: 'x86_64', runtime: 'x64/libmsalruntime_x64.dylib' },
  { target: 'darwin-arm64', format: 'Mach-O arm64', arch: 'aarch64', runtime: 'arm64/libmsalruntime_arm64.dylib' },
]) describe(`prebuilds/${target}`, () => {
  const file = artifact(target);

  it(`is a Mach-O ${arch} dynamic library whose exports dyld never coalesces with other images`, () => {
    expect(formatOf(file)).toEqual({ format, arch });
    const header = tool('llvm-objdump', '--macho', '--private-header', file).trim().split('\n').at(-1)!.split(/\s+/);
    expect(header).toContain('DYLIB');
    expect(header).toContain('TWOLEVEL');
    // Without these flags dyld does not merge weak C++ definitions across
    // images, so the statically linked libc++ stays private (see darwin.sh).
    expect(header).not.toContain('WEAK_DEFINES');
    expect(header).not.toContain('BINDS_TO_WEAK');
  });

  it('loads on every macOS version that MSALRuntime itself supports', () => {
    const runtimeFile = join(PACKAGE_DIR, 'node_modules/@azure/msal-node-runtime/dist/macos', runtime);
    expect(existsSync(runtimeFile), `${runtimeFile} (optional dependency) is needed to compare`).toBe(true);
    const ours = macosMinimum(file);
    const theirs = macosMinimum(runtimeFile);
    console.log(`${target}: minos ${ours.join('.')}, MSALRuntime's ${theirs.join('.')}`);
    expect(compareVersions(ours, theirs)).toBeLessThanOrEqual(0);
  });

  it('links only libSystem and takes nothing from Node but N-API', () => {
    const libraries = tool('llvm-objdump', '--macho', '--dylibs-used', file).trim().split('\n').slice(1)
      .map((line) => line.trim().split(' ')[0]!)
      .filter((lib) => lib !== '@rpath/brokerbridge.node'); // its own install name
    expect(libraries).toEqual(['/usr/lib/libSystem.B.dylib']);
    const undefinedSymbols = tool('llvm-nm', '-m', '--undefined-only', file).trim().split('\n');
    const lookedUp = undefinedSymbols.filter((line) => line.endsWith('(dynamically looked up)'));
    const fromHost = lookedUp.map((line) => /external _(\S+)/.exec(line)![1]!);
    expect(fromHost.length).toBeGreaterThan(0);
    expect(fromHost.filter((name) => !NODE_API.test(name))).toEqual([]);
    expect(undefinedSymbols.filter((line) => !lookedUp.includes(line) && !line.endsWith('(from libSystem)'))).toEqual([]);
  });

  if (target === 'darwin-arm64') {
    it('carries a code signature, without which Apple silicon refuses to load it', () => {
      expect(tool('llvm-objdump', '--macho', '--private-headers', file)).toMatch(/cmd LC_CODE_SIGNATURE/);
    });
  }
});

/** Imports and delay-loads of a PE file, per DLL. */
function peImports(file: string): Map<string, string[]> {
  const imports = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of tool('llvm-readobj', '--coff-imports', file).split('\n')) {
    const dll = /^\s*Name: (\S+)$/.exec(line);
    if (dll) imports.set(dll[1]!, (current = imports.get(dll[1]!) ?? []));
    const symbol = /^\s*Symbol: (\S+)/.exec(line);
    if (symbol && current) current.push(symbol[1]!);
  }
  return imports;
}

const WINDOWS_SYSTEM_DLL = /^(kernel32|user32|advapi32|ole32|oleaut32|shell32|shlwapi|ws2_32|bcrypt|ntdll|msvcrt|ucrtbase|api-ms-win-[\w-]+)\.dll$/i;

for (const { target, format, arch } of [
  { target: 'win32-x64', format: 'COFF-x86-64', arch: 'x86_64' },
  { target: 'win32-arm64', format: 'COFF-ARM64', arch: 'aarch64' },
]) describe(`prebuilds/${target}`, () => {
  const file = artifact(target);

  it(`is a PE32+ ${arch} DLL`, () => {
    expect(formatOf(file)).toEqual({ format, arch });
    const headers = tool('llvm-readobj', '--file-headers', file);
    expect(headers).toMatch(/Magic: 0x20B/); // PE32+
    expect(headers).toMatch(/IMAGE_FILE_DLL/);
  });

  it('imports from system DLLs only, and from any host module nothing but N-API', () => {
    const imports = peImports(file);
    expect(imports.size).toBeGreaterThan(0);
    for (const [dll, symbols] of imports) {
      if (WINDOWS_SYSTEM_DLL.test(dll)) continue;
      expect(symbols.filter((name) => !NODE_API.test(name)), `imports from ${dll}`).toEqual([]);
    }
    const runtimes = [...imports.keys()].filter((dll) => /libstdc\+\+|libgcc|libwinpthread|libc\+\+|libunwind/i.test(dll));
    expect(runtimes, 'the C++ runtime must be linked in statically').toEqual([]);
  });

  it('exports the N-API module entry point', () => {
    expect(tool('llvm-readobj', '--coff-exports', file)).toMatch(/Name: napi_register_module_v1$/m);
  });
});
