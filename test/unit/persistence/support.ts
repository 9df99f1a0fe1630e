/** Shared helpers of the persistence tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogLevel, Logger } from '../../../lib/app/logger.js';
import type { KeyStore } from '../../../lib/cache/persistence/key-store.js';

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'bb-persist-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function recordingLogger(): Logger & { lines: Array<{ level: LogLevel; message: string; pii: boolean }> } {
  const lines: Array<{ level: LogLevel; message: string; pii: boolean }> = [];
  return { lines, log: (level, message, pii = false) => lines.push({ level, message, pii }) };
}

/** A KeyStore kept in memory: stands in for the OS secret store where none runs. */
export class MemoryKeyStore implements KeyStore {
  key: Buffer | undefined;
  gets = 0;
  async get(): Promise<Buffer | undefined> {
    this.gets++;
    return this.key;
  }
  async set(key: Buffer): Promise<void> {
    this.key = Buffer.from(key);
  }
  describe(): string {
    return 'memory key store';
  }
}
