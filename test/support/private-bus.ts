/**
 * A private D-Bus session daemon and gnome-keyring's Secret Service on it:
 * what the broker tests (MSALRuntime keeps accounts in the Secret Service)
 * and the keyring persistence tests run against. Needs the Debian packages
 * dbus and gnome-keyring.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dbus from 'dbus-next';

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** `dbus-daemon --session --print-address --nofork` on a throwaway socket. */
export class PrivateBus {
  private constructor(
    readonly address: string,
    private readonly daemon: ChildProcess,
  ) {}

  static async start(timeoutMs = 10_000): Promise<PrivateBus> {
    const daemon = spawn('dbus-daemon', ['--session', '--print-address=1', '--nofork'], {
      // stderr only carries warnings such as the fd-limit notice for unprivileged runs.
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const address = await withTimeout(
      new Promise<string>((resolveAddress, reject) => {
        let output = '';
        daemon.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8');
          const line = output.split('\n')[0];
          if (output.includes('\n') && line) resolveAddress(line.trim());
        });
        daemon.once('error', reject);
        daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
      }),
      timeoutMs,
      'dbus-daemon to print its address',
    );
    return new PrivateBus(address, daemon);
  }

  async stop(): Promise<void> {
    if (this.daemon.exitCode !== null || this.daemon.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.daemon.once('exit', () => r()));
    this.daemon.kill('SIGTERM');
    await withTimeout(exited, 5_000, 'dbus-daemon to exit');
  }
}

/** Polls the bus until `name` has an owner. */
export async function waitForBusName(address: string, name: string, timeoutMs = 10_000): Promise<void> {
  const bus = dbus.sessionBus({ busAddress: address });
  try {
    const proxy = await bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus');
    const daemon = proxy.getInterface('org.freedesktop.DBus');
    const deadline = Date.now() + timeoutMs;
    while (!((await daemon['NameHasOwner']!(name)) as boolean)) {
      if (Date.now() > deadline) throw new Error(`${name} did not appear on the bus within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    bus.disconnect();
  }
}

/**
 * gnome-keyring's Secret Service on the private bus, with a throwaway,
 * unlocked keyring: MSALRuntime keeps accounts there (libsecret), and
 * interactive sign-in, account reads and sign-out fail without it.
 */
export class SecretService {
  private constructor(
    private readonly daemon: ChildProcess,
    private readonly home: string,
  ) {}

  static async start(bus: PrivateBus, timeoutMs = 10_000): Promise<SecretService> {
    const home = await mkdtemp(join(tmpdir(), 'fake-keyring-'));
    const daemon = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env: {
        ...process.env,
        DBUS_SESSION_BUS_ADDRESS: bus.address,
        HOME: home,
        XDG_DATA_HOME: join(home, 'data'),
        XDG_RUNTIME_DIR: home,
      },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    // --unlock reads the new keyring's password from stdin.
    daemon.stdin!.end('brokerbridge-test');
    const service = new SecretService(daemon, home);
    try {
      await waitForBusName(bus.address, 'org.freedesktop.secrets', timeoutMs);
    } catch (error) {
      await service.stop();
      throw error;
    }
    return service;
  }

  async stop(): Promise<void> {
    if (this.daemon.exitCode === null && this.daemon.signalCode === null) {
      const exited = new Promise<void>((r) => this.daemon.once('exit', () => r()));
      this.daemon.kill('SIGTERM');
      await withTimeout(exited, 5_000, 'gnome-keyring-daemon to exit');
    }
    await rm(this.home, { recursive: true, force: true });
  }
}

