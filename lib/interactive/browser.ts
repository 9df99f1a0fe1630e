/**
 * Opening the system browser for interactive sign-in. Callers (Electron apps,
 * tests, headless tools) may inject their own launcher instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Options as OpenOptions } from 'open';

/** Opens a URL for the user to sign in; acquireTokenInteractive's `browserLauncher` option (the system browser by default). */
export type BrowserLauncher = (url: string) => Promise<void>;

/** Everything the choice depends on, injectable so the logic is testable on any OS. */
export interface BrowserEnvironment {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  exists(path: string): boolean;
  /** undefined when the file cannot be read. */
  readFile(path: string): string | undefined;
  /** Defaults to the `open` package. */
  opener(target: string, options?: OpenOptions): Promise<unknown>;
}

/** Only Edge brings device-based Conditional Access to Linux, so it wins when the user has not chosen otherwise. */
export const LINUX_EDGE_PATH = '/usr/bin/microsoft-edge';

export type BrowserChoice =
  | { kind: 'edge'; app: string }
  | { kind: 'env'; app: string }
  /** WSL: the Windows default browser, through open's PowerShell bridge. */
  | { kind: 'wsl-windows' }
  | { kind: 'default' };

/**
 * `open` is ESM-only: a static import would make the CommonJS build require() it,
 * which Node before 20.19 / 22.12 refuses. The import() stays an import() in both builds.
 */
async function openWithSystemHandler(target: string, options?: OpenOptions): Promise<unknown> {
  const { default: open } = await import('open');
  return open(target, options);
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function resolveBrowserEnvironment(overrides: Partial<BrowserEnvironment> = {}): BrowserEnvironment {
  return {
    platform: overrides.platform ?? process.platform,
    env: overrides.env ?? process.env,
    exists: overrides.exists ?? existsSync,
    readFile: overrides.readFile ?? readOrUndefined,
    opener: overrides.opener ?? openWithSystemHandler,
  };
}

export function isWsl(overrides: Partial<BrowserEnvironment> = {}): boolean {
  const { platform, env, readFile } = resolveBrowserEnvironment(overrides);
  if (platform !== 'linux') return false;
  if (env.WSL_DISTRO_NAME || env.WSL_INTEROP) return true;
  // WSL1 kernels say "Microsoft", WSL2 kernels "microsoft-standard".
  return /microsoft/i.test(readFile('/proc/version') ?? '');
}

/** BROWSER follows the Python/xdg convention: a colon-separated list; the first entry is the preferred command. */
function browserFromEnv(value: string | undefined): string | undefined {
  const first = value?.split(':')[0]?.trim();
  return first ? first : undefined;
}

export function chooseBrowser(overrides: Partial<BrowserEnvironment> = {}): BrowserChoice {
  const environment = resolveBrowserEnvironment(overrides);
  const { platform, env } = environment;
  if (platform !== 'linux') return { kind: 'default' };
  if (isWsl(environment)) return { kind: 'wsl-windows' };
  const requested = browserFromEnv(env.BROWSER);
  const userAcceptsEdge = requested === undefined || (env.BROWSER ?? '').includes('microsoft-edge');
  if (userAcceptsEdge && environment.exists(LINUX_EDGE_PATH)) return { kind: 'edge', app: LINUX_EDGE_PATH };
  if (requested !== undefined) return { kind: 'env', app: requested };
  return { kind: 'default' };
}

export function defaultBrowserLauncher(overrides: Partial<BrowserEnvironment> = {}): BrowserLauncher {
  const environment = resolveBrowserEnvironment(overrides);
  return async (url) => {
    const choice = chooseBrowser(environment);
    // `open` without an app already goes to the Windows browser under WSL and to xdg-open/open/start elsewhere.
    if (choice.kind === 'edge' || choice.kind === 'env') await environment.opener(url, { app: { name: choice.app } });
    else await environment.opener(url);
  };
}
