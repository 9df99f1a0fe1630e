/**
 * Test-side control of the fake broker: a private D-Bus session daemon and
 * the broker service in a child process, both killed by stop().
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import dbus from 'dbus-next';
import { build } from 'esbuild';
import type { Behaviour, BrokerMethod, FakeAccount, FromBroker, RecordedCall, ToBroker } from './protocol.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
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

let bundled: Promise<string> | undefined;

/** The service is TypeScript; bundle it once per test process for plain `node`. */
function bundleService(): Promise<string> {
  bundled ??= (async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'fake-broker-'));
    const outfile = join(outdir, 'service.cjs');
    await build({
      entryPoints: [join(here, 'service.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // dbus-next has optional native parts; load it from the repo as is.
      external: ['dbus-next'],
      logLevel: 'silent',
    });
    process.once('exit', () => void rm(outdir, { recursive: true, force: true }));
    return outfile;
  })();
  return bundled;
}

export class FakeBroker {
  readonly calls: RecordedCall[] = [];
  /** Resolves with the exit code or signal when the broker process ends. */
  readonly exited: Promise<number | string>;
  private nextId = 1;
  private readonly acks = new Map<number, () => void>();
  private readonly callWaiters: Array<{ method: BrokerMethod; resolve: (call: RecordedCall) => void }> = [];

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((r) => child.once('exit', (code, signal) => r(signal ?? code ?? -1)));
    child.on('message', (message: FromBroker) => {
      if (message.type === 'ack') {
        this.acks.get(message.id)?.();
        this.acks.delete(message.id);
      } else if (message.type === 'call') {
        this.calls.push(message.call);
        const index = this.callWaiters.findIndex((w) => w.method === message.call.method);
        if (index >= 0) this.callWaiters.splice(index, 1)[0]!.resolve(message.call);
      }
    });
  }

  static async start(bus: PrivateBus, timeoutMs = 15_000): Promise<FakeBroker> {
    const script = await bundleService();
    const child = fork(script, [], {
      env: {
        ...process.env,
        FAKE_BROKER_BUS_ADDRESS: bus.address,
        NODE_PATH: join(repoRoot, 'node_modules'),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const broker = new FakeBroker(child);
    await withTimeout(
      new Promise<void>((resolveReady, reject) => {
        child.on('message', (message: FromBroker) => {
          if (message.type === 'ready') resolveReady();
          if (message.type === 'failed') reject(new Error(`fake broker failed: ${message.message}`));
        });
        child.once('exit', (code) => reject(new Error(`fake broker exited with ${code} before ready`)));
      }),
      timeoutMs,
      'the fake broker to own its bus name',
    );
    return broker;
  }

  behave(method: BrokerMethod, behaviour: Behaviour): Promise<void> {
    return this.request((id) => ({ type: 'behave', method, behaviour, id }));
  }

  setAccounts(accounts: FakeAccount[]): Promise<void> {
    return this.request((id) => ({ type: 'accounts', accounts, id }));
  }

  /** The most recent call to `method`, or the next one if none has arrived yet. */
  lastCall(method: BrokerMethod): RecordedCall | undefined {
    return this.calls.filter((c) => c.method === method).at(-1);
  }

  nextCall(method: BrokerMethod, timeoutMs = 10_000): Promise<RecordedCall> {
    return withTimeout(
      new Promise<RecordedCall>((r) => this.callWaiters.push({ method, resolve: r })),
      timeoutMs,
      `a ${method} call`,
    );
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await withTimeout(this.exited, 5_000, 'the fake broker to exit');
  }

  private request(make: (id: number) => ToBroker): Promise<void> {
    const id = this.nextId++;
    const acked = new Promise<void>((r) => this.acks.set(id, r));
    this.child.send(make(id));
    return withTimeout(acked, 5_000, 'the fake broker to take a behaviour');
  }
}
