/** Loads the brokerbridge addon and the MSALRuntime library behind it. Failures are values. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrokerRuntime } from './broker-runtime.js';
import type { NativeBinding } from './native-binding.js';
import { resolveRuntimePath } from './runtime-path.js';

export type BrokerUnavailableReason =
  | 'addon_missing'
  | 'unsupported_platform'
  | 'library_not_found'
  | 'library_load_failed'
  | 'symbol_missing';

export type BrokerRuntimeStatus =
  | { available: true; runtime: BrokerRuntime; runtimePath: string }
  | { available: false; reason: BrokerUnavailableReason; message: string };

/** This module's folder in ESM (source, dist/index.js) and CJS (dist/index.cjs) builds. */
function moduleDirectory(): string {
  return typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
}

/** The folder holding brokerbridge's package.json, found by walking up. */
export function findPackageRoot(start: string = moduleDirectory()): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'brokerbridge') return dir;
      } catch {
        // unreadable manifest: keep walking
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

let cached: { binding: NativeBinding } | { error: string } | undefined;

/** The addon, from build/Release or prebuilds/ via node-gyp-build; loaded once per environment. */
export function loadNativeAddon(): { binding: NativeBinding } | { error: string } {
  if (cached) return cached;
  const root = findPackageRoot();
  if (!root) return (cached = { error: 'Cannot locate the brokerbridge package root' });
  try {
    const requireFromRoot = createRequire(join(root, 'package.json'));
    const nodeGypBuild = requireFromRoot('node-gyp-build') as (dir: string) => unknown;
    cached = { binding: nodeGypBuild(root) as NativeBinding };
  } catch (error) {
    cached = { error: `The brokerbridge native addon cannot be loaded: ${(error as Error).message}` };
  }
  return cached;
}

/** Loads the addon and the library (off the JS thread); failures are values. */
export async function loadBrokerRuntime(
  options: { runtimePath?: string | undefined; env?: NodeJS.ProcessEnv | undefined } = {},
): Promise<BrokerRuntimeStatus> {
  const addon = loadNativeAddon();
  if ('error' in addon) return { available: false, reason: 'addon_missing', message: addon.error };
  const resolved = resolveRuntimePath(options, findPackageRoot());
  if (resolved.path === undefined) {
    const reason = resolved.reason.startsWith('No MSALRuntime build') ? 'unsupported_platform' : 'library_not_found';
    return { available: false, reason, message: resolved.reason };
  }
  const loaded = await addon.binding.loadRuntime(resolved.path);
  if (!loaded.ok) return { available: false, reason: loaded.reason, message: loaded.message };
  return { available: true, runtime: new BrokerRuntime(addon.binding), runtimePath: resolved.path };
}
