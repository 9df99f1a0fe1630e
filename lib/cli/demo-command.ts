/**
 * `brokerbridge demo`: runs examples/demo.ts (an embedded OpenID provider plus a
 * sign-in). The demo and what it runs on (node-oidc-provider, playwright-core,
 * tsx) are in the source checkout and its dev dependencies, not in the published
 * package; an installed package says where to get them.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findPackageRoot } from '../broker/native-addon.js';
import type { DemoArgs } from './args.js';
import type { CliIo } from './io.js';

interface DemoModule {
  runDemo(options: { browser?: 'headless' | 'system' | undefined; log?: ((line: string) => void) | undefined }): Promise<number>;
}

/** Either a way to load the demo module, or why there is none here. */
export type DemoLocation = { path: string; load(): Promise<unknown> } | { unavailable: string };

const REPOSITORY = 'https://github.com/brokerbridge/brokerbridge';
const DEMO_SOURCE = join('examples', 'demo.ts');
/** Not a usage error: the command is right, this installation cannot run it. */
const UNAVAILABLE_EXIT_CODE = 1;

export const DEMO_NOT_INSTALLED =
  'The demo runs from a source checkout of brokerbridge: it starts an OpenID provider (node-oidc-provider) and a\n' +
  'headless Chromium, which are development dependencies, not part of the installed package. To run it:\n\n' +
  `  git clone ${REPOSITORY} && cd brokerbridge\n` +
  '  bash .ci/setup && npm run demo      # on Debian: installs Chromium and the rest, then signs in\n';

export const DEMO_NEEDS_DEV_DEPENDENCIES =
  "The demo needs this checkout's development dependencies (tsx, oidc-provider, playwright-core).\n" +
  'Install them first: bash .ci/setup (on Debian; also installs Chromium), or npm install.\n';

/**
 * The demo is TypeScript. Running from source (tsx, vitest), it is imported as
 * is; running built (bin/brokerbridge.mjs), it goes through the checkout's own
 * tsx, resolved from the package root.
 */
export function locateDemo(root: string | undefined, runningFromSource: boolean = import.meta.url.endsWith('.ts')): DemoLocation {
  if (root === undefined || !existsSync(join(root, DEMO_SOURCE))) return { unavailable: DEMO_NOT_INSTALLED };
  const path = join(root, DEMO_SOURCE);
  const url = pathToFileURL(path).href;
  if (runningFromSource) return { path, load: () => import(url) };
  try {
    createRequire(join(root, 'package.json')).resolve('tsx/package.json');
  } catch {
    return { unavailable: DEMO_NEEDS_DEV_DEPENDENCIES };
  }
  return {
    path,
    load: async () => {
      // Resolves from dist/ of this same checkout; tsup leaves it external (tsx is a dev dependency).
      const { tsImport } = await import('tsx/esm/api');
      return tsImport(url, import.meta.url);
    },
  };
}

export async function runDemoCommand(
  args: DemoArgs,
  io: CliIo,
  locate: () => DemoLocation = () => locateDemo(findPackageRoot()),
): Promise<number> {
  const location = locate();
  if ('unavailable' in location) {
    io.stderr.write(location.unavailable);
    return UNAVAILABLE_EXIT_CODE;
  }
  const demo = (await location.load()) as Partial<DemoModule>;
  if (typeof demo.runDemo !== 'function') {
    io.stderr.write(`${location.path} exports no runDemo function.\n`);
    return UNAVAILABLE_EXIT_CODE;
  }
  return demo.runDemo({
    browser: args.systemBrowser ? 'system' : 'headless',
    log: (line) => void io.stdout.write(`${line}\n`),
  });
}
