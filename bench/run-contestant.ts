/** Runs one contestant in its own process and reads back its ContestantResult. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchInput, ContestantName, ContestantResult } from './contestant.js';
import { AUTHORITY, CLIENT_ID, SCOPES, instanceDiscoveryMetadata, openIdConfiguration } from './fixture.js';

/** Debian's python3-msal lives under the system interpreter; the python3 on PATH may be another build. */
export const PYTHON = process.env['BENCH_PYTHON'] ?? '/usr/bin/python3';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface RunOptions {
  /** The child is killed after this long. */
  timeoutMs: number;
}

export function runContestant(name: ContestantName, input: BenchInput, options: RunOptions): Promise<ContestantResult> {
  if (name === 'msal-python') {
    const spec = {
      ...input,
      clientId: CLIENT_ID,
      authority: AUTHORITY,
      scopes: SCOPES,
      openIdConfiguration: openIdConfiguration(),
      instanceDiscoveryMetadata: instanceDiscoveryMetadata(),
    };
    return runJsonProcess(PYTHON, [here('./silent_hit.py'), JSON.stringify(spec)], options.timeoutMs) as Promise<ContestantResult>;
  }
  const args = ['--max-old-space-size=8192', '--import', 'tsx', here('./contestant-worker.ts'), name, JSON.stringify(input)];
  return runJsonProcess(process.execPath, args, options.timeoutMs) as Promise<ContestantResult>;
}

/** Spawns a command whose last stdout line is JSON. */
export function runJsonProcess(command: string, args: string[], timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0) {
        try {
          resolve(JSON.parse(last));
          return;
        } catch {
          // fall through to the error below
        }
      }
      const why = signal ? `was killed by ${signal}${signal === 'SIGKILL' ? ` (timeout ${timeoutMs} ms?)` : ''}` : `exited with ${code}`;
      reject(new Error(`${command} ${why}: ${stderr.trim().split('\n').slice(-5).join(' | ') || last}`));
    });
  });
}
