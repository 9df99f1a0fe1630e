/**
 * Broker silent-call benchmark: per-call latency and event-loop lag of a
 * silent token call through MSALRuntime on Linux, for
 *   (a) brokerbridge: BrokerRuntime.acquireTokenSilently, and
 *   (b) @azure/msal-node + @azure/msal-node-extensions' NativeBrokerPlugin
 *       (on @azure/msal-node-runtime's own addon): PublicClientApplication.acquireTokenSilent,
 * plus brokerbridge with accessTokenToRenew, which goes to the broker each time.
 * All read an account by id, then acquire silently, with the same fake broker
 * (test/support/fake-broker) and Secret Service on a private session bus.
 * Without a token to renew, MSALRuntime answers from its own cache: the
 * "broker calls/call" column shows how many calls reached the broker. Each
 * contestant runs in its own process: MSALRuntime state is process-wide, and
 * the lag monitor must only see its own contestant.
 *
 *   npx tsx bench/broker-silent.ts [--calls 400] [--budget-ms 8000]
 *
 * Prints a table and msal-node/brokerbridge ratios. A contestant that cannot
 * run here is reported with the reason instead of numbers. Exits 1 when ours
 * could not run or returned wrong tokens.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BrokerRuntime } from '../lib/broker/broker-runtime.js';
import { FakeBroker, PrivateBus, SecretService } from '../test/support/fake-broker/controller.js';
import { sampleLatency, type LatencySummary, type TimingPlan } from './timing.js';

const CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const AUTHORITY = 'https://login.microsoftonline.com/common';
const REDIRECT_URI = 'https://login.microsoftonline.com/common/oauth2/nativeclient';
const SCOPES = ['User.Read'];
const EXPECTED_TOKEN = 'fake-bearer-access-token';
const CHILD_TIMEOUT_MS = 180_000;

const CONTESTANTS = ['brokerbridge', 'msal-node', 'brokerbridge-renew'] as const;
type Contestant = (typeof CONTESTANTS)[number];

interface LagSummary {
  maxMs: number;
  p99Ms: number;
  meanMs: number;
}

interface Measurement extends LatencySummary {
  contestant: Contestant;
  version: string;
  lag: LagSummary;
  /** Silent calls made from the 'timing' message on, warm-up included. */
  invoked: number;
  /** acquireTokenSilently calls the broker saw per silent call, counted by the parent. */
  brokerCallsPerCall?: number;
}

type ChildMessage = { ok: true; measurement: Measurement } | { ok: false; reason: string };
/** Sent before warm-up starts, so the parent counts only the measured calls at the broker. */
type TimingStarted = { timing: true };

// ---- child side -------------------------------------------------------------

function send(message: ChildMessage | TimingStarted): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

/** Samples `call` while a 1 ms-resolution event-loop delay histogram runs. */
async function measure<T>(
  call: () => Promise<T>,
  isExpected: (result: T) => boolean,
  plan: TimingPlan,
): Promise<LatencySummary & { lag: LagSummary; invoked: number }> {
  await send({ timing: true });
  let invoked = 0;
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const latency = await sampleLatency(
    () => {
      invoked++;
      return call();
    },
    isExpected,
    plan,
  );
  histogram.disable();
  const ms = (ns: number): number => ns / 1e6;
  return {
    ...latency,
    invoked,
    lag: { maxMs: ms(histogram.max), p99Ms: ms(histogram.percentile(99)), meanMs: ms(histogram.mean) },
  };
}

/** `manifest` is a package.json as require() resolves it from this file. */
function packageVersion(manifest: string): string {
  return (createRequire(import.meta.url)(manifest) as { version: string }).version;
}

/**
 * `renew` names the token in hand as accessTokenToRenew (what the facade's
 * forceRefresh does), which makes MSALRuntime skip its own cache and ask the
 * broker over D-Bus every time. NativeBrokerPlugin has no way to say that
 * (it ignores forceRefresh), so that row has no msal-node counterpart.
 */
async function runBrokerbridge(plan: TimingPlan, renew: boolean): Promise<Measurement> {
  const { loadBrokerRuntime } = await import('../lib/broker/native-addon.js');
  const status = await loadBrokerRuntime();
  if (!status.available) throw new Error(`brokerbridge broker runtime unavailable (${status.reason}): ${status.message}`);
  const runtime: BrokerRuntime = status.runtime;
  // Each contestant runs in its own process; its exit releases the runtime.
  await runtime.startup();
  const params = { clientId: CLIENT_ID, authority: AUTHORITY, scopes: SCOPES, redirectUri: REDIRECT_URI };
  const signedIn = await runtime.signInSilently(params, '');
  const accountId = signedIn.account?.id;
  if (!accountId) throw new Error('signInSilently returned no account');
  const request = renew ? { ...params, accessTokenToRenew: signedIn.accessToken } : params;
  const result = await measure(
    () => runtime.acquireTokenSilently(request, '', accountId),
    (r) => r.accessToken === EXPECTED_TOKEN,
    plan,
  );
  return { contestant: renew ? 'brokerbridge-renew' : 'brokerbridge', version: packageVersion('../package.json'), ...result };
}

async function runMsalNode(plan: TimingPlan): Promise<Measurement> {
  // msal-node-runtime starts MSALRuntime when it is first imported, reading
  // DBUS_SESSION_BUS_ADDRESS then; import it only now.
  const runtimePackage = await import('@azure/msal-node-runtime');
  const startupError = (runtimePackage.msalNodeRuntime as { StartupError?: unknown }).StartupError;
  if (startupError) {
    throw new Error(`@azure/msal-node-runtime could not start MSALRuntime: ${JSON.stringify(startupError)}`);
  }
  const { PublicClientApplication, LogLevel } = await import('@azure/msal-node');
  const { NativeBrokerPlugin } = await import('@azure/msal-node-extensions');
  const plugin = new NativeBrokerPlugin();
  if (!plugin.isBrokerAvailable) throw new Error('NativeBrokerPlugin reports the broker unavailable');
  const app = new PublicClientApplication({
    auth: { clientId: CLIENT_ID, authority: AUTHORITY },
    broker: { nativeBrokerPlugin: plugin },
    system: { loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} } },
  });
  const signedIn = await app.acquireTokenInteractive({
    scopes: SCOPES,
    openBrowser: () => Promise.reject(new Error('the broker bench never opens a browser')),
  });
  const account = signedIn.account;
  if (!account?.nativeAccountId) throw new Error('msal-node signed in without a broker account id');
  const result = await measure(
    () => app.acquireTokenSilent({ scopes: SCOPES, account }),
    (r) => r.accessToken === EXPECTED_TOKEN,
    plan,
  );
  const version = ['msal-node', 'msal-node-extensions', 'msal-node-runtime']
    .map((name) => `${name} ${packageVersion(`@azure/${name}/package.json`)}`)
    .join(', ');
  return { contestant: 'msal-node', version, ...result };
}

async function child(role: Contestant, plan: TimingPlan): Promise<void> {
  let message: ChildMessage;
  try {
    const measurement = role === 'msal-node' ? await runMsalNode(plan) : await runBrokerbridge(plan, role === 'brokerbridge-renew');
    message = { ok: true, measurement };
  } catch (error) {
    message = { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  await send(message);
  // MSALRuntime (msal-node-runtime never shuts it down) may keep threads alive.
  process.exit(0);
}

// ---- parent side ------------------------------------------------------------

function runChild(role: Contestant, plan: TimingPlan, busAddress: string, onTiming: () => void): Promise<ChildMessage> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ['--role', role, '--plan', JSON.stringify(plan)], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: busAddress },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    let settled: ChildMessage | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('message', (m: ChildMessage | TimingStarted) => {
      if ('timing' in m) onTiming();
      else settled = m;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const tail = stderr.trim().split('\n').slice(-5).join(' | ');
      resolve(settled ?? { ok: false, reason: `the ${role} process ${signal ? `was killed by ${signal}` : `exited with ${code}`} before reporting${tail ? `: ${tail}` : ''}` });
    });
  });
}

const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const ratio = (a: number | undefined, b: number | undefined): string =>
  a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a';

function printTable(results: Record<Contestant, ChildMessage>): void {
  const header = ['contestant', 'calls', 'fails', 'median ms', 'p99 ms', 'lag max ms', 'lag p99 ms', 'broker calls/call'];
  const rows: string[][] = [];
  for (const name of CONTESTANTS) {
    const r = results[name];
    if (!r.ok) {
      rows.push([name, 'did not run', '', '', '', '', '', '']);
      continue;
    }
    const m = r.measurement;
    rows.push([
      name,
      String(m.calls),
      String(m.failures),
      fmt(m.medianUs / 1000),
      fmt(m.p99Us / 1000),
      fmt(m.lag.maxMs),
      fmt(m.lag.p99Ms),
      m.brokerCallsPerCall !== undefined ? fmt(m.brokerCallsPerCall, 1) : 'n/a',
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log();
  for (const name of CONTESTANTS) {
    const r = results[name];
    console.log(r.ok ? `${name}: ${r.measurement.version}` : `${name} could not run: ${r.reason}`);
  }
  const ours = results.brokerbridge.ok ? results.brokerbridge.measurement : undefined;
  const theirs = results['msal-node'].ok ? results['msal-node'].measurement : undefined;
  if (ours && theirs) {
    console.log();
    console.log('msal-node / brokerbridge:');
    console.log(`  median latency ${ratio(theirs.medianUs, ours.medianUs)}, p99 latency ${ratio(theirs.p99Us, ours.p99Us)}`);
    console.log(`  event-loop lag max ${ratio(theirs.lag.maxMs, ours.lag.maxMs)}, p99 ${ratio(theirs.lag.p99Ms, ours.lag.p99Ms)}`);
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * One figure per contestant from several rounds: the median of each round's
 * figures, so one noisy round (a GC, the other core busy) cannot decide the ratio.
 */
function acrossRounds(rounds: Array<Record<Contestant, ChildMessage>>): Record<Contestant, ChildMessage> {
  const out = {} as Record<Contestant, ChildMessage>;
  for (const name of CONTESTANTS) {
    const failed = rounds.map((r) => r[name]).find((r) => !r.ok);
    if (failed) {
      out[name] = failed;
      continue;
    }
    const ms = rounds.map((r) => (r[name] as { ok: true; measurement: Measurement }).measurement);
    out[name] = {
      ok: true,
      measurement: {
        ...ms[0]!,
        calls: ms.reduce((n, m) => n + m.calls, 0),
        failures: ms.reduce((n, m) => n + m.failures, 0),
        medianUs: median(ms.map((m) => m.medianUs)),
        p99Us: median(ms.map((m) => m.p99Us)),
        lag: { maxMs: median(ms.map((m) => m.lag.maxMs)), p99Ms: median(ms.map((m) => m.lag.p99Ms)), meanMs: median(ms.map((m) => m.lag.meanMs)) },
        brokerCallsPerCall: median(ms.map((m) => m.brokerCallsPerCall ?? 0)),
      },
    };
  }
  return out;
}

async function parent(plan: TimingPlan, rounds: number): Promise<number> {
  const bus = await PrivateBus.start();
  const keyring = await SecretService.start(bus);
  const broker = await FakeBroker.start(bus);
  try {
    const all: Array<Record<Contestant, ChildMessage>> = [];
    for (let round = 0; round < rounds; round++) {
      const results = {} as Record<Contestant, ChildMessage>;
      // Alternate the order so neither side always runs on a warmer machine.
      const order = round % 2 === 0 ? [...CONTESTANTS] : [...CONTESTANTS].reverse();
      for (const name of order) {
        console.error(`round ${round + 1}/${rounds}: running ${name}…`);
        let firstTimed = Number.POSITIVE_INFINITY;
        const result = await runChild(name, plan, bus.address, () => (firstTimed = broker.calls.length));
        if (result.ok) {
          const m = result.measurement;
          const silent = broker.calls.slice(firstTimed).filter((c) => c.method === 'acquireTokenSilently').length;
          m.brokerCallsPerCall = m.invoked > 0 ? silent / m.invoked : 0;
        }
        broker.clearCalls();
        results[name] = result;
      }
      all.push(results);
    }
    console.log(`median of ${rounds} round(s), contestants alternating order:`);
    const results = acrossRounds(all);
    printTable(results);
    const oursFine = (name: Contestant): boolean => {
      const r = results[name];
      return r.ok && r.measurement.failures === 0;
    };
    return oursFine('brokerbridge') && oursFine('brokerbridge-renew') ? 0 : 1;
  } finally {
    await broker.stop();
    await keyring.stop();
    await bus.stop();
  }
}

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    plan: { type: 'string' },
    calls: { type: 'string', default: '400' },
    'budget-ms': { type: 'string', default: '8000' },
    rounds: { type: 'string', default: '3' },
  },
});

if (values.role !== undefined) {
  if (!(CONTESTANTS as readonly string[]).includes(values.role) || values.plan === undefined) {
    console.error(`usage: broker-silent.ts --role <${CONTESTANTS.join('|')}> --plan <TimingPlan JSON>`);
    process.exit(2);
  }
  await child(values.role as Contestant, JSON.parse(values.plan) as TimingPlan);
} else {
  const calls = Number(values.calls);
  const budgetMs = Number(values['budget-ms']);
  if (!Number.isInteger(calls) || calls < 10) throw new Error('--calls takes an integer of at least 10');
  if (!(budgetMs > 0)) throw new Error('--budget-ms must be positive');
  const plan: TimingPlan = { warmupCalls: 20, warmupBudgetMs: 5_000, maxCalls: calls, budgetMs, minCalls: 10 };
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a positive integer');
  process.exitCode = await parent(plan, rounds);
}
