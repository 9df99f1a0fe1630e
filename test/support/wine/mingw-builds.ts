/**
 * The Windows binaries the Wine tests build for themselves with mingw-w64
 * (Debian: g++-mingw-w64-x86-64), never committed: the stub MSALRuntime and
 * a conventionally linked control addon.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const CC = 'x86_64-w64-mingw32-gcc';
const FLAGS = ['-std=c11', '-O2', '-Wall', '-Wextra', '-Wno-unused-parameter', '-Werror', '-shared', '-static-libgcc'];

const run = (command: string, args: string[]) => promisify(execFile)(command, args, { timeout: 120_000 });

/** `dir`/msalruntime.dll from test/support/stub-msalruntime/ (the folder is created); returns its path. */
export async function buildStubMsalRuntime(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const dll = join(dir, 'msalruntime.dll');
  await run(CC, [...FLAGS, '-o', dll, join(HERE, '..', 'stub-msalruntime', 'stub-msalruntime.c')]);
  return dll;
}

/** `dir`/plain-import.node: plain-import-addon.c linked to an import library of node.exe; returns its path. */
export async function buildPlainImportAddon(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const headers = dirname(createRequire(import.meta.url).resolve('node-api-headers/package.json'));
  const importLibrary = join(dir, 'libnode.a');
  await run('x86_64-w64-mingw32-dlltool', ['-d', join(headers, 'def', 'node_api.def'), '-D', 'node.exe', '-l', importLibrary]);
  const addon = join(dir, 'plain-import.node');
  await run(CC, [...FLAGS, '-DNAPI_VERSION=8', '-isystem', join(headers, 'include'), '-o', addon, join(HERE, 'plain-import-addon.c'), importLibrary]);
  return addon;
}
