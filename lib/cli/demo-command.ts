/**
 * `brokerbridge demo`: runs examples/demo (an embedded OpenID provider plus a
 * sign-in). The demo lives in the source checkout, not in the published
 * package, so it is found at run time next to package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DemoArgs } from './args.js';
import type { CliIo } from './io.js';

interface DemoModule {
  runDemo(options: { browser?: 'headless' | 'system'; log?: (line: string) => void }): Promise<number>;
}

const PACKAGE_NAME = 'brokerbridge';

/** Walks up from this module to the brokerbridge package root (lib/cli in source, dist when built). */
export function findPackageRoot(from: string = fileURLToPath(import.meta.url)): string | undefined {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // An unreadable manifest is not ours; keep walking.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Built JavaScript first; TypeScript source only when this CLI itself runs from source (tsx, vitest). */
export function findDemoModule(root: string | undefined, runningFromSource: boolean = import.meta.url.endsWith('.ts')): string | undefined {
  if (root === undefined) return undefined;
  const names = ['demo.mjs', 'demo.js', ...(runningFromSource ? ['demo.ts'] : [])];
  return names.map((n) => join(root, 'examples', n)).find((p) => existsSync(p));
}

export async function runDemoCommand(
  args: DemoArgs,
  io: CliIo,
  locate: () => string | undefined = () => findDemoModule(findPackageRoot()),
): Promise<number> {
  const modulePath = locate();
  if (modulePath === undefined) {
    io.stderr.write('The demo ships with the source checkout only (examples/demo.ts); run it there with: npx tsx examples/demo.ts\n');
    return 2;
  }
  const demo = (await import(pathToFileURL(modulePath).href)) as Partial<DemoModule>;
  if (typeof demo.runDemo !== 'function') {
    io.stderr.write(`${modulePath} exports no runDemo function.\n`);
    return 2;
  }
  return demo.runDemo({
    browser: args.systemBrowser ? 'system' : 'headless',
    log: (line) => void io.stdout.write(`${line}\n`),
  });
}
