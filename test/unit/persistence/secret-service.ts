/**
 * A real, private Secret Service for tests: a session dbus-daemon of our own
 * with gnome-keyring-daemon on it, unlocked from stdin, its keyring in a temp
 * HOME. Needs the Debian packages dbus-daemon and gnome-keyring.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import dbus from 'dbus-next';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export function secretServiceAvailable(): boolean {
  if (process.platform !== 'linux') return false;
  return ['dbus-daemon', 'gnome-keyring-daemon'].every((bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0);
}

export interface PrivateSecretService {
  address: string;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startSecretService(dir: string): Promise<PrivateSecretService> {
  const home = join(dir, 'home');
  const runtime = join(dir, 'run');
  await mkdir(home, { recursive: true, mode: 0o700 });
  await mkdir(runtime, { recursive: true, mode: 0o700 });
  const env = { ...process.env, HOME: home, XDG_RUNTIME_DIR: runtime, XDG_DATA_HOME: join(home, '.local', 'share') };

  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--nosyslog', '--print-address=1'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('dbus-daemon printed no address')), 10_000);
    bus.once('error', reject);
    createInterface({ input: bus.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
  });

  const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
    env: { ...env, DBUS_SESSION_BUS_ADDRESS: address },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  keyring.stdin!.end('test-keyring-password');
  const service = {
    address,
    stop: async () => {
      await stopChild(keyring);
      await stopChild(bus);
    },
  };
  try {
    await waitForName(address, 'org.freedesktop.secrets', 15_000);
  } catch (e) {
    await service.stop();
    throw e;
  }
  return service;
}

/**
 * Until our daemon owns the name, a client call would make the bus auto-start
 * a second, locked keyring daemon that outlives the test. NameHasOwner never
 * starts anything.
 */
async function waitForName(address: string, name: string, timeoutMs: number): Promise<void> {
  const bus = dbus.sessionBus({ busAddress: address });
  try {
    const proxy = await bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus');
    const iface = proxy.getInterface('org.freedesktop.DBus');
    const deadline = Date.now() + timeoutMs;
    while (!((await iface['NameHasOwner']!(name)) as boolean)) {
      if (Date.now() > deadline) throw new Error(`${name} did not appear on the test bus`);
      await sleep(50);
    }
  } finally {
    bus.disconnect();
  }
}
