/** Where libmsalruntime lives: caller's path, then the env override, then @azure/msal-node-runtime. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const RUNTIME_PATH_ENV = 'BROKERBRIDGE_MSALRUNTIME_PATH';

export interface OsRelease {
  id: string;
  idLike: string[];
  versionId: string;
}

export function parseOsRelease(text: string): OsRelease {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) fields.set(match[1]!, match[2]!.replace(/^["']|["']$/g, ''));
  }
  return {
    id: (fields.get('ID') ?? '').toLowerCase(),
    idLike: (fields.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean),
    versionId: fields.get('VERSION_ID') ?? '',
  };
}

const RHEL_FAMILY = ['rhel', 'centos', 'fedora', 'rocky', 'almalinux', 'ol'];

/** The msal-node-runtime Linux build matching this distribution; Debian-family and unknown get ubuntu. */
export function linuxRuntimeFlavor(release: OsRelease): 'ubuntu' | 'rhel8_9' | 'rhel10' {
  const family = [release.id, ...release.idLike];
  if (!family.some((id) => RHEL_FAMILY.includes(id))) return 'ubuntu';
  if (release.id === 'fedora') return 'rhel10';
  const major = Number.parseInt(release.versionId, 10);
  return Number.isFinite(major) && major >= 10 ? 'rhel10' : 'rhel8_9';
}

function readOsRelease(): OsRelease {
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return parseOsRelease(readFileSync(path, 'utf8'));
    } catch {
      // try the next location
    }
  }
  return { id: '', idLike: [], versionId: '' };
}

/** The library's path inside @azure/msal-node-runtime's dist folder, or undefined on an unsupported platform. */
export function bundledRuntimeFile(
  platform: NodeJS.Platform,
  arch: string,
  osRelease: () => OsRelease = readOsRelease,
): string | undefined {
  switch (platform) {
    case 'win32': {
      const file = { x64: 'msalruntime.dll', ia32: 'msalruntime_x86.dll', arm64: 'msalruntime_arm64.dll' }[arch];
      return file && join('windows', arch === 'ia32' ? 'x86' : arch, file);
    }
    case 'darwin':
      return arch === 'x64' || arch === 'arm64' ? join('macos', arch, `libmsalruntime_${arch}.dylib`) : undefined;
    case 'linux':
      return arch === 'x64' ? join('linux', linuxRuntimeFlavor(osRelease()), 'x64', 'libmsalruntime.so') : undefined;
    default:
      return undefined;
  }
}

/** An Electron app's archive: Electron reads inside it, the OS loader cannot. */
const IN_ASAR = /([\\/])app\.asar([\\/])/;

/**
 * In a packaged Electron app, @azure/msal-node-runtime resolves inside app.asar,
 * but LoadLibrary/dlopen need a real file: the one asarUnpack puts in
 * app.asar.unpacked. Paths outside an archive pass through.
 */
export function outsideAsar(path: string, exists: (p: string) => boolean = existsSync): { path: string } | { reason: string } {
  if (!IN_ASAR.test(path)) return { path };
  const unpacked = path.replace(IN_ASAR, '$1app.asar.unpacked$2');
  if (exists(unpacked)) return { path: unpacked };
  return {
    reason:
      `MSALRuntime is inside the app's asar archive, where the OS cannot load it (${path}): ` +
      'add "**/node_modules/@azure/msal-node-runtime/**" to asarUnpack',
  };
}

export type RuntimePathResolution =
  | { path: string; source: 'option' | 'env' | 'package' }
  | { path: undefined; reason: string };

export function resolveRuntimePath(
  options: { runtimePath?: string | undefined; env?: NodeJS.ProcessEnv | undefined } = {},
  packageRoot?: string,
): RuntimePathResolution {
  if (options.runtimePath) return { path: options.runtimePath, source: 'option' };
  const fromEnv = (options.env ?? process.env)[RUNTIME_PATH_ENV];
  if (fromEnv) return { path: fromEnv, source: 'env' };
  const file = bundledRuntimeFile(process.platform, process.arch);
  if (!file) return { path: undefined, reason: `No MSALRuntime build for ${process.platform}/${process.arch}` };
  try {
    const requireFrom = createRequire(join(packageRoot ?? process.cwd(), 'package.json'));
    const dist = join(dirname(requireFrom.resolve('@azure/msal-node-runtime/package.json')), 'dist');
    const loadable = outsideAsar(join(dist, file));
    return 'path' in loadable ? { path: loadable.path, source: 'package' } : { path: undefined, reason: loadable.reason };
  } catch (error) {
    return {
      path: undefined,
      reason: `@azure/msal-node-runtime is not installed (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}
