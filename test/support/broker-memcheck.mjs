// Drives the built addon (raw native surface, no TypeScript layer) through
// every path that allocates or releases runtime handles, for a run under
// valgrind or ASan: startup, log sink, silent sign-in, interactive sign-in
// with PoP, account read + silent token with an account handle, a broker
// error status, an abort (cancel once the broker holds the call), a timeout
// (cancel from a timer), and the shutdown the environment's teardown does.
//
// Environment: DBUS_SESSION_BUS_ADDRESS (the private bus with the fake
// broker), BROKERBRIDGE_MSALRUNTIME_PATH (libmsalruntime.so).
//
// The test process owns the fake broker. This script asks it for behaviours
// with one JSON line on stdout per request and waits for one line on stdin
// ("ok" or "error: ...") as the answer. Run with --expose-gc so account
// handles are collected (and released) before the process exits.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BROKER_TEST_PARAMS } from './broker-params.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(root, 'package.json'));
const addon = require('node-gyp-build')(root);

const params = BROKER_TEST_PARAMS;
const pop = { httpMethod: 'GET', uriHost: 'graph.microsoft.com', uriPath: '/v1.0/me', nonce: 'memcheck-nonce' };
// Valgrind slows the runtime and Node down by tens of times.
const CALL_TIMEOUT_MS = 60_000;
const SLOW_BROKER_MS = 4_000;

const answers = createInterface({ input: process.stdin });
const pending = [];
answers.on('line', (line) => pending.shift()?.(line));

function ask(request) {
  return new Promise((resolve, reject) => {
    pending.push((line) => (line === 'ok' ? resolve() : reject(new Error(`${JSON.stringify(request)}: ${line}`))));
    process.stdout.write(`${JSON.stringify(request)}\n`);
  });
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function settle(operation, what) {
  return withTimeout(operation.promise, what);
}

function expectOk(outcome, what) {
  if (!outcome.ok) throw new Error(`${what} failed: ${JSON.stringify(outcome.error)}`);
  return outcome.value;
}

function step(name) {
  process.stderr.write(`memcheck step: ${name}\n`);
}

// Its own function, so that no suspended frame of main() still holds the
// account handle when the release step collects garbage.
async function silentTokenForAccount(accountId) {
  const read = expectOk(await settle(addon.readAccountById(accountId, randomUUID()), 'readAccountById'), 'read');
  if (!read.handle) throw new Error('readAccountById returned no handle');
  expectOk(
    await settle(addon.acquireTokenSilently(params, randomUUID(), read.handle), 'acquireTokenSilently'),
    'acquireTokenSilently',
  );
}

async function main() {
  step('load');
  const loaded = await addon.loadRuntime(process.env.BROKERBRIDGE_MSALRUNTIME_PATH ?? '');
  if (!loaded.ok) throw new Error(`loadRuntime: ${loaded.message}`);

  step('startup');
  const started = await withTimeout(addon.startup(), 'startup');
  if (!started.ok) throw new Error(`startup: ${JSON.stringify(started.error)}`);

  let logLines = 0;
  addon.setLogCallback(() => void logLines++, false);

  step('silent sign-in');
  await ask({ behave: 'acquireTokenSilently', behaviour: { kind: 'token' } });
  const signedIn = expectOk(await settle(addon.signInSilently(params, randomUUID()), 'signInSilently'), 'signInSilently');
  const accountId = signedIn.account?.id;
  if (!accountId) throw new Error('signInSilently returned no account id');

  step('interactive sign-in with PoP');
  await ask({ behave: 'acquireTokenInteractively', behaviour: { kind: 'token', pop: true } });
  const popResult = expectOk(
    await settle(addon.signInInteractively(undefined, { ...params, pop }, randomUUID(), ''), 'signInInteractively'),
    'signInInteractively',
  );
  if (!popResult.isPopAuthorization) throw new Error('the PoP sign-in returned a bearer token');

  step('account read and silent token for it');
  await silentTokenForAccount(accountId);

  step('broker error status');
  await ask({ behave: 'acquireTokenSilently', behaviour: { kind: 'error', status: 2, context: 'memcheck says no' } });
  const failed = await settle(addon.signInSilently(params, randomUUID()), 'failing signInSilently');
  if (failed.ok || failed.error.status !== 2) throw new Error(`expected InteractionRequired, got ${JSON.stringify(failed)}`);

  step('abort while the broker holds the call');
  await ask({
    behave: 'acquireTokenInteractively',
    behaviour: { kind: 'slow', delayMs: SLOW_BROKER_MS, then: { kind: 'token' } },
  });
  await ask({ armCall: 'acquireTokenInteractively' });
  const aborted = addon.signInInteractively(undefined, params, randomUUID(), '');
  await ask({ awaitCall: 'acquireTokenInteractively' });
  if (!aborted.cancel()) throw new Error('cancel() found the call already completed');
  // The runtime still calls back; waiting for it means every handle of the
  // call has been released before the leak check at exit.
  await settle(aborted, 'the aborted call');

  step('timeout');
  await ask({
    behave: 'acquireTokenSilently',
    behaviour: { kind: 'slow', delayMs: SLOW_BROKER_MS, then: { kind: 'token' } },
  });
  const timedOut = addon.signInSilently(params, randomUUID());
  await new Promise((resolve) => setTimeout(resolve, 300));
  timedOut.cancel();
  await settle(timedOut, 'the timed-out call');

  step('release');
  addon.setLogCallback(null, false);
  // Account handles are Externals released by their finalizers. The runtime
  // itself is shut down by the addon when this environment is torn down.
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  answers.close();
  process.stderr.write(`memcheck done: ${logLines} runtime log lines\n`);
}

main().catch((error) => {
  process.stderr.write(`memcheck failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
  answers.close();
});
