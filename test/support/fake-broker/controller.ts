/**
 * Test-side control of the fake broker: a private D-Bus session daemon and
 * the broker service in a child process, both killed by stop().
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Behaviour, BrokerMethod, FakeAccount, FromBroker, RecordedCall, ToBroker } from './protocol.js';
import { PrivateBus, SecretService, withTimeout } from '../private-bus.js';

export { PrivateBus, SecretService, waitForBusName } from '../private-bus.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');

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

/** What every broker test starts: a private session bus, a throwaway Secret Service on it, and the fake broker. */
export interface BrokerTestBed {
  bus: PrivateBus;
  keyring: SecretService;
  broker: FakeBroker;
}

/**
 * Starts a BrokerTestBed; with `exportBus`, this process's DBUS_SESSION_BUS_ADDRESS points at the
 * bus, for runtimes loaded in-process. Whatever started is stopped again if a later part fails.
 */
export async function startBrokerTestBed(options: { exportBus?: boolean } = {}): Promise<BrokerTestBed> {
  const bus = await PrivateBus.start();
  if (options.exportBus) process.env['DBUS_SESSION_BUS_ADDRESS'] = bus.address;
  const started: Partial<BrokerTestBed> = { bus };
  try {
    started.keyring = await SecretService.start(bus);
    started.broker = await FakeBroker.start(bus);
    return started as BrokerTestBed;
  } catch (e) {
    await stopBrokerTestBed(started);
    throw e;
  }
}

/** Stops what a BrokerTestBed started, broker first; parts that never started are skipped. */
export async function stopBrokerTestBed(bed: Partial<BrokerTestBed>): Promise<void> {
  await bed.broker?.stop();
  await bed.keyring?.stop();
  await bed.bus?.stop();
}
