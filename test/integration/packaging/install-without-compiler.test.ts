/**
 * The packed tarball installs where no compiler works (CC and CXX are
 * /bin/false) and loads its prebuild: `"install": "node-gyp-build"` compiles
 * only when no prebuild fits, and here one does.
 *
 * npm 11 still runs dependencies' install scripts, with a warning that they
 * are "not yet covered by allowScripts"; a later npm will skip them unless
 * the consumer approves. The script must therefore change nothing: the
 * installed package is exactly the tarball's files, so the load below works
 * whether the script ran or not.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, requireBuilt } from './package-root.js';

const INSTALL_TIMEOUT_MS = 240_000;
const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';

/**
 * A consumer's environment: this Node first on PATH, no package's .bin folder
 * (ours holds an old `node`), no npm_* variables leaking from an outer npm run.
 */
function consumerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  const path = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir && !dir.includes('node_modules/.bin'));
  env.PATH = [dirname(process.execPath), ...path].join(delimiter);
  return { ...env, ...extra };
}

const execFileAsync = promisify(execFile);

/** Exit code and output of a command; a failure or timeout is a result, not a throw. */
async function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd, env, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: unknown; message: string; stdout?: string; stderr?: string };
    const stdout = failed.stdout ?? '';
    return { code: typeof failed.code === 'number' ? failed.code : null, stdout, output: `${failed.message}\n${stdout}${failed.stderr ?? ''}` };
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

let workDir: string;
let installed: string;
let packedFiles: string[];
let install: { code: number | null; output: string };

beforeAll(async () => {
  if (!onLinuxX64) return;
  requireBuilt('dist/index.js', 'dist/index.cjs');
  workDir = await mkdtemp(join(tmpdir(), 'brokerbridge-install-'));
  const { stdout } = await execFileAsync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], {
    cwd: PACKAGE_DIR,
    env: consumerEnv(),
    timeout: 120_000,
    maxBuffer: 32 * 1024 * 1024,
  });
  const [report] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packedFiles = report!.files.map((f) => f.path).sort();
  const app = join(workDir, 'app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  // --prefer-offline: the dependencies come from npm's cache when it has them.
  install = await run(
    'npm',
    ['install', join(workDir, report!.filename), '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts'],
    app,
    consumerEnv({ CC: '/bin/false', CXX: '/bin/false', npm_config_update_notifier: 'false' }),
  );
  installed = join(app, 'node_modules', 'brokerbridge');
}, INSTALL_TIMEOUT_MS + 120_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe.runIf(onLinuxX64)('npm install of the packed tarball without a compiler', () => {
  it('succeeds', () => {
    expect(install.code, install.output).toBe(0);
    const ran = /^> node-gyp-build$/m.test(install.output);
    console.log(`brokerbridge's install script ${ran ? 'ran' : 'did not run'} (npm ${/allowScripts/.test(install.output) ? 'warned about allowScripts' : 'gave no allowScripts warning'})`);
  });

  it('compiles nothing and adds nothing: the installed package is the tarball, with no build/ folder', async () => {
    const files = await filesUnder(installed);
    expect(files.filter((f) => f.startsWith('build/'))).toEqual([]);
    expect(files).toEqual(packedFiles);
  });

  it('loads the addon from prebuilds/linux-x64', async () => {
    // The public API loads the addon; /proc/self/maps names the file the
    // process really mapped. No broker on that bus: it says so, as a value.
    const probe = `
      import { readFileSync } from 'node:fs';
      import { PublicClientApplication } from 'brokerbridge';
      const app = new PublicClientApplication({ clientId: 'c', authority: 'https://login.microsoftonline.com/common', enableBrokerOnLinux: true });
      const broker = await app.isBrokerAvailable();
      const mapped = readFileSync('/proc/self/maps', 'utf8').split('\\n').map((line) => line.split(/\\s+/).slice(5).join(' '));
      console.log(JSON.stringify({ broker, addons: [...new Set(mapped.filter((path) => path.endsWith('.node')))] }));
    `;
    const { code, stdout, output } = await run(process.execPath, ['--input-type=module', '-e', probe], dirname(dirname(installed)), consumerEnv({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' }));
    expect(code, output).toBe(0);
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { broker: { available: boolean; reason?: string }; addons: string[] };
    const brokerbridgeAddons = result.addons.filter((path) => path.endsWith('brokerbridge.node'));
    console.log(`loaded ${brokerbridgeAddons.join(', ')}`);
    expect(brokerbridgeAddons).toEqual([join(installed, 'prebuilds', 'linux-x64', 'brokerbridge.node')]);
    // The addon worked far enough to try MSALRuntime's startup.
    expect(result.broker).toMatchObject({ available: false, reason: expect.stringMatching(/^startup_failed/) });
  });
});
