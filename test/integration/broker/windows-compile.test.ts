/**
 * The Windows sources (binding.gyp's common and OS=='win' files) compile with
 * mingw-w64 under the Windows defines, so a Linux CI catches what would only
 * break the Windows prebuild: os_char as wchar_t, HWND handles, LoadLibraryW,
 * and <windows.h> macros colliding with our names.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const script = join(dirname(fileURLToPath(import.meta.url)), '../../support/check-windows-compile.sh');

function run(path: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`check-windows-compile.sh did not finish within ${timeoutMs} ms\n${output}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

it('compiles every Windows source of the addon with mingw-w64', { timeout: 240_000 }, async () => {
  const { code, output } = await run(script, 230_000);
  expect(code, output).toBe(0);
  expect(output).toMatch(/^ok {3}native\/runtime_loader_win\.cc$/m);
  expect(output).toMatch(/^ok {3}native\/window_handle_win\.cc$/m);
  expect(output).not.toMatch(/^FAIL/m);
});
