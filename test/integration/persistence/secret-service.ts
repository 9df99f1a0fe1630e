/**
 * A real, private Secret Service for the keyring tests: the same private bus
 * and gnome-keyring the broker tests use.
 */
import { spawnSync } from 'node:child_process';
import { PrivateBus, SecretService } from '../../support/private-bus.js';

export function secretServiceAvailable(): boolean {
  if (process.platform !== 'linux') return false;
  return ['dbus-daemon', 'gnome-keyring-daemon'].every((bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0);
}

export interface PrivateSecretService {
  address: string;
  stop(): Promise<void>;
}

export async function startSecretService(): Promise<PrivateSecretService> {
  const bus = await PrivateBus.start();
  try {
    const keyring = await SecretService.start(bus, 15_000);
    return {
      address: bus.address,
      stop: async () => {
        await keyring.stop();
        await bus.stop();
      },
    };
  } catch (e) {
    await bus.stop();
    throw e;
  }
}
