/**
 * Runs test/support/broker-memcheck.mjs under valgrind memcheck against the
 * fake broker: the addon must make no invalid access and leak nothing
 * definitely. test/support/valgrind.supp hides what belongs to Node/V8,
 * libmsalruntime and glib/D-Bus; what remains is ours.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findPackageRoot } from '../../../lib/broker/native-addon.js';
import { resolveRuntimePath } from '../../../lib/broker/runtime-path.js';
import {
  startBrokerTestBed,
  stopBrokerTestBed,
  type FakeBroker,
  type PrivateBus,
  type SecretService,
} from '../../support/fake-broker/controller.js';
import type { Behaviour, BrokerMethod, RecordedCall } from '../../support/fake-broker/protocol.js';
import { memcheckArgs, memcheckSummary, type MemcheckSummary } from '../../support/valgrind.js';

const support = join(dirname(fileURLToPath(import.meta.url)), '../../support');
const RUN_TIMEOUT_MS = 280_000;

let bus: PrivateBus;
let keyring: SecretService;
let broker: FakeBroker;
let workDir: string;

beforeAll(async () => {
  ({ bus, keyring, broker } = await startBrokerTestBed());
  workDir = await mkdtemp(join(tmpdir(), 'brokerbridge-memcheck-'));
});

afterAll(async () => {
  await stopBrokerTestBed({ bus, keyring, broker });
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

type Request =
  | { behave: BrokerMethod; behaviour: Behaviour }
  | { armCall: BrokerMethod }
  | { awaitCall: BrokerMethod };

/** Answers the script's requests for broker behaviour, one line each. */
function serveRequests(stdout: NodeJS.ReadableStream, stdin: NodeJS.WritableStream): void {
  const armed = new Map<BrokerMethod, Promise<RecordedCall>>();
  const lines = createInterface({ input: stdout });
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    queue = queue.then(async () => {
      try {
        const request = JSON.parse(line) as Request;
        if ('behave' in request) await broker.behave(request.behave, request.behaviour);
        else if ('armCall' in request) armed.set(request.armCall, broker.nextCall(request.armCall, 120_000));
        else {
          const call = armed.get(request.awaitCall);
          if (!call) throw new Error(`no armed wait for ${request.awaitCall}`);
          armed.delete(request.awaitCall);
          await call;
        }
        stdin.write('ok\n');
      } catch (error) {
        stdin.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    });
  });
}

interface MemcheckReport extends MemcheckSummary {
  exitCode: number | null;
  log: string;
  scriptOutput: string;
}

async function runUnderValgrind(): Promise<MemcheckReport> {
  const runtime = resolveRuntimePath({}, findPackageRoot());
  if (runtime.path === undefined) throw new Error(runtime.reason);
  const logFile = join(workDir, 'valgrind.log');
  const child = spawn(
    'valgrind',
    [
      ...memcheckArgs(logFile),
      process.execPath,
      '--expose-gc',
      join(support, 'broker-memcheck.mjs'),
    ],
    {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address, BROKERBRIDGE_MSALRUNTIME_PATH: runtime.path },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let scriptOutput = '';
  child.stderr.on('data', (chunk: Buffer) => (scriptOutput += chunk.toString('utf8')));
  serveRequests(child.stdout, child.stdin);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`valgrind did not finish within ${RUN_TIMEOUT_MS} ms\n${scriptOutput}`));
    }, RUN_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  const log = await readFile(logFile, 'utf8');
  return { exitCode, ...memcheckSummary(log), log, scriptOutput };
}

it('leaves no invalid access and no definite leak of ours', { timeout: RUN_TIMEOUT_MS + 20_000 }, async () => {
  const report = await runUnderValgrind();
  const detail = `${report.scriptOutput}\n--- valgrind ---\n${report.log}`;
  console.log(
    `memcheck: ${report.errors} errors (${report.suppressedErrors} suppressed), ` +
      `${report.definitelyLostBytes} bytes definitely lost outside the suppressions`,
  );
  expect(report.scriptOutput, detail).toContain('memcheck done');
  expect(report.exitCode, detail).toBe(0);
  expect(report.errors, detail).toBe(0);
  expect(report.definitelyLostBytes, detail).toBe(0);
});
