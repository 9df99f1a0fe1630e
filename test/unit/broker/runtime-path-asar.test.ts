/**
 * A packaged Electron app: @azure/msal-node-runtime resolves inside app.asar,
 * which the OS loader cannot read, so the library is taken from
 * app.asar.unpacked, and its absence there says which asarUnpack entry is missing.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundledRuntimeFile, outsideAsar, resolveRuntimePath } from '../../../lib/broker/runtime-path.js';

let app: string;
beforeEach(async () => {
  app = await mkdtemp(join(tmpdir(), 'bb-asar-'));
});
afterEach(async () => rm(app, { recursive: true, force: true }));

/** Lays out resources/app.asar/node_modules/… as plain folders: outside Electron that is all an archive looks like. */
async function packagedApp(unpacked: boolean): Promise<{ brokerbridge: string; library: string }> {
  const runtime = join('node_modules', '@azure', 'msal-node-runtime');
  await mkdir(join(app, 'app.asar', runtime), { recursive: true });
  await writeFile(join(app, 'app.asar', runtime, 'package.json'), '{"name":"@azure/msal-node-runtime"}');
  const library = join(app, 'app.asar.unpacked', runtime, 'dist', bundledRuntimeFile(process.platform, process.arch)!);
  if (unpacked) {
    await mkdir(dirname(library), { recursive: true });
    await writeFile(library, '');
  }
  return { brokerbridge: join(app, 'app.asar', 'node_modules', 'brokerbridge'), library };
}

describe('MSALRuntime in a packaged Electron app', () => {
  it('leaves paths outside an archive alone and maps Windows and POSIX archive paths to app.asar.unpacked', () => {
    expect(outsideAsar('/opt/app/node_modules/x.so', () => false)).toEqual({ path: '/opt/app/node_modules/x.so' });
    expect(outsideAsar('C:\\Apps\\My\\resources\\app.asar\\node_modules\\x.dll', () => true)).toEqual({
      path: 'C:\\Apps\\My\\resources\\app.asar.unpacked\\node_modules\\x.dll',
    });
  });

  it('loads the library from app.asar.unpacked', async () => {
    const { brokerbridge, library } = await packagedApp(true);
    expect(resolveRuntimePath({ env: {} }, brokerbridge)).toEqual({ path: library, source: 'package' });
  });

  it('names the missing asarUnpack entry when the library was left in the archive', async () => {
    const { brokerbridge } = await packagedApp(false);
    const resolved = resolveRuntimePath({ env: {} }, brokerbridge);
    expect(resolved.path).toBeUndefined();
    expect(resolved).toMatchObject({ reason: expect.stringContaining('add "**/node_modules/@azure/msal-node-runtime/**" to asarUnpack') });
  });
});
