// Drives the built addon (raw native surface) through environment teardowns
// that happen while MSALRuntime still owes a callback, for
// test/integration/broker/teardown.test.ts (plainly and under valgrind).
//
// Usage: node broker-teardown.mjs <scenario>
//   worker-exit       a worker with the log callback set calls process.exit()
//                     while its signInSilently is in flight
//   worker-terminate  the main thread terminate()s such a worker
//   two-apps          two workers load and start the runtime at the same time,
//                     make a call each, and exit with logging on
//   before-startup    a call after loadRuntime() but before startup()
//
// Environment: DBUS_SESSION_BUS_ADDRESS (private bus with the fake broker,
// whose acquireTokenSilently the test has made slow), and
// BROKERBRIDGE_MSALRUNTIME_PATH. The script writes "in flight" on stdout once
// the call is started, waits for one line on stdin (the test saw the call
// reach the broker), tears down, and writes "teardown done" on stderr.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BROKER_TEST_PARAMS } from './broker-params.mjs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(root, 'package.json'));
const params = BROKER_TEST_PARAMS;

/** Loads (a promise in the new addon, a value in the old) and starts the runtime. */
async function start(addon) {
  const loaded = await addon.loadRuntime(process.env.BROKERBRIDGE_MSALRUNTIME_PATH ?? '');
  if (!loaded.ok) throw new Error(`loadRuntime: ${loaded.message}`);
  const started = await addon.startup();
  if (!started.ok) throw new Error(`startup: ${JSON.stringify(started.error)}`);
}

async function workerMain() {
  const addon = require('node-gyp-build')(root);
  await start(addon);
  let lines = 0;
  addon.setLogCallback(() => void lines++, false);
  const call = addon.signInSilently(params, randomUUID());
  call.promise.then(() => parentPort.postMessage({ settled: true }));
  parentPort.postMessage({ inFlight: true });
  parentPort.on('message', (message) => {
    if (message === 'exit') process.exit(0);
  });
}

function spawnWorker() {
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { role: 'worker' } });
  const inFlight = new Promise((resolve, reject) => {
    worker.on('message', (message) => message.inFlight && resolve());
    worker.once('error', reject);
  });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  return { worker, inFlight, exited };
}

function nextLine() {
  const lines = createInterface({ input: process.stdin });
  return new Promise((resolve) =>
    lines.once('line', (line) => {
      lines.close();
      process.stdin.destroy();
      resolve(line);
    }),
  );
}

async function main(scenario) {
  if (scenario === 'before-startup') {
    const addon = require('node-gyp-build')(root);
    const loaded = await addon.loadRuntime(process.env.BROKERBRIDGE_MSALRUNTIME_PATH ?? '');
    if (!loaded.ok) throw new Error(`loadRuntime: ${loaded.message}`);
    try {
      addon.signInSilently(params, randomUUID());
      throw new Error('signInSilently before startup() did not throw');
    } catch (error) {
      process.stderr.write(`before startup: ${error.code}: ${error.message}\n`);
    }
    process.stderr.write('teardown done\n');
    return;
  }
  const count = scenario === 'two-apps' ? 2 : 1;
  const workers = Array.from({ length: count }, spawnWorker);
  await Promise.all(workers.map((w) => w.inFlight));
  process.stdout.write('in flight\n');
  await nextLine();
  for (const { worker } of workers) {
    if (scenario === 'worker-terminate') await worker.terminate();
    else worker.postMessage('exit');
  }
  const codes = await Promise.all(workers.map((w) => w.exited));
  process.stderr.write(`teardown done: workers exited ${codes.join(',')}\n`);
}

if (isMainThread) {
  main(process.argv[2]).catch((error) => {
    process.stderr.write(`teardown failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
} else if (workerData?.role === 'worker') {
  workerMain().catch((error) => {
    process.stderr.write(`worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
