/**
 * Environment teardown while MSALRuntime still owes a callback (issue 11
 * items 4 and 5): a worker that exits or is terminated with a call in flight
 * and the runtime log callback set, two workers starting the runtime at once,
 * and a call made before startup(). Each scenario of
 * test/support/broker-teardown.mjs runs in its own process against the fake
 * broker, plainly and under valgrind memcheck. The old addon died with SIGABRT
 * (a thread-safe function released from a destructor during FreeEnvironment)
 * and SIGSEGV (a call before Startup).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../../lib/broker/native-addon.js';
import { resolveRuntimePath } from '../../../lib/broker/runtime-path.js';
import {
  startBrokerTestBed,
  stopBrokerTestBed,
  type FakeBroker,
  type PrivateBus,
  type SecretService,
} from '../../support/fake-broker/controller.js';
import { memcheckArgs, memcheckSummary } from '../../support/valgrind.js';

const script = join(dirname(fileURLToPath(import.meta.url)), '../../support/broker-teardown.mjs');
const RUN_TIMEOUT_MS = 240_000;
// Longer than any run: the call is still in flight when its environment goes.
const HELD_MS = 600_000;

let bus: PrivateBus;
let keyring: SecretService;
let broker: FakeBroker;
let workDir: string;
let runtimePath: string;

beforeAll(async () => {
  const runtime = resolveRuntimePath({}, findPackageRoot());
  if (runtime.path === undefined) throw new Error(runtime.reason);
  runtimePath = runtime.path;
  ({ bus, keyring, broker } = await startBrokerTestBed());
  await broker.behave('acquireTokenSilently', { kind: 'slow', delayMs: HELD_MS, then: { kind: 'token' } });
  workDir = await mkdtemp(join(tmpdir(), 'brokerbridge-teardown-'));
});

afterAll(async () => {
  await stopBrokerTestBed({ bus, keyring, broker });
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

type Scenario = 'worker-exit' | 'worker-terminate' | 'two-apps' | 'before-startup';

interface Run {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  valgrindLog: string | undefined;
}

async function runScenario(scenario: Scenario, underValgrind: boolean): Promise<Run> {
  // MSALRuntime serves one call at a time: the second app's waits behind the first's.
  const calls = scenario === 'before-startup' ? 0 : 1;
  // Armed before the child starts, so no call can slip past.
  const reached = Promise.all(
    Array.from({ length: calls }, () => broker.nextCall('acquireTokenSilently', RUN_TIMEOUT_MS)),
  );
  const logFile = join(workDir, `${scenario}.valgrind.log`);
  const command = underValgrind ? 'valgrind' : process.execPath;
  const args = [...(underValgrind ? [...memcheckArgs(logFile), process.execPath] : []), script, scenario];
  const child = spawn(command, args, {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address, BROKERBRIDGE_MSALRUNTIME_PATH: runtimePath },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line !== 'in flight') return;
    void reached.then(() => child.stdin.write('go\n'));
  });
  const { exitCode, signal } = await new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${scenario} did not finish within ${RUN_TIMEOUT_MS} ms\n${output}`));
      }, RUN_TIMEOUT_MS);
      child.once('error', reject);
      child.once('close', (code, sig) => {
        clearTimeout(timer);
        resolve({ exitCode: code, signal: sig });
      });
    },
  );
  const valgrindLog = underValgrind ? await readFile(logFile, 'utf8') : undefined;
  return { exitCode, signal, output, valgrindLog };
}

const scenarios: Scenario[] = ['worker-exit', 'worker-terminate', 'two-apps', 'before-startup'];

describe('teardown with a call in flight', () => {
  it.each(scenarios)('%s: the process lives on and exits cleanly', { timeout: RUN_TIMEOUT_MS + 20_000 }, async (scenario) => {
    const run = await runScenario(scenario, false);
    const detail = `exit ${run.exitCode} signal ${run.signal}\n${run.output}`;
    expect(run.signal, detail).toBeNull();
    expect(run.exitCode, detail).toBe(0);
    expect(run.output, detail).toContain('teardown done');
    if (scenario === 'before-startup') expect(run.output).toContain('before startup: ERR_BROKER_NOT_STARTED');
  });
});

describe('teardown under valgrind memcheck', () => {
  it.each(scenarios.filter((s) => s !== 'before-startup'))(
    '%s: no invalid access and no definite leak of ours',
    { timeout: RUN_TIMEOUT_MS + 20_000 },
    async (scenario) => {
      const run = await runScenario(scenario, true);
      const summary = memcheckSummary(run.valgrindLog ?? '');
      const detail = `exit ${run.exitCode} signal ${run.signal}\n${run.output}\n--- valgrind ---\n${run.valgrindLog}`;
      console.log(
        `memcheck ${scenario}: ${summary.errors} errors (${summary.suppressedErrors} suppressed), ` +
          `${summary.definitelyLostBytes} bytes definitely lost outside the suppressions`,
      );
      expect(run.output, detail).toContain('teardown done');
      expect(run.exitCode, detail).toBe(0);
      expect(summary.errors, detail).toBe(0);
      expect(summary.definitelyLostBytes, detail).toBe(0);
    },
  );
});
