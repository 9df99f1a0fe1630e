/*
 * Runs inside Windows' node.exe under Wine, started by wine.test.ts: one
 * scenario against the public facade (the built dist/index.cjs) and the
 * committed win32-x64 prebuild, its outcome written as JSON to a file
 * (node.exe's stdout to a pipe fails under Wine).
 *
 *   node.exe node-exe-driver.cjs <input.json>
 *
 * input.json: { scenario, packageRoot, resultPath, recordPath?, ...values }
 * with Windows paths. Scenarios that use the stub MSALRuntime wait on what it
 * records (recordPath) rather than on time.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const input = isMainThread ? JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) : workerData;
const { PublicClientApplication } = require(path.join(input.packageRoot, 'dist', 'index.cjs'));
const CONSOLE = PublicClientApplication.CONSOLE_WINDOW_HANDLE;
const WAIT_LIMIT_MS = 60_000;

/** A promise's outcome as data: { value } or { thrown: { name, code, message } }. */
async function settle(promise) {
  try {
    return { value: await promise };
  } catch (error) {
    return { thrown: { name: error.name, code: error.code, message: error.message } };
  }
}

/** Window handles arrive as JSON: { buffer: hex } | { bigint: hex } | { number } | 'console'. */
function windowHandle(spec) {
  if (spec === 'console') return CONSOLE;
  if (spec.buffer !== undefined) return Buffer.from(spec.buffer, 'hex');
  if (spec.bigint !== undefined) return BigInt(`0x${spec.bigint}`);
  return spec.number;
}

function newApp(logs) {
  return new PublicClientApplication({
    clientId: input.clientId,
    authority: input.authority,
    authorityMetadata: input.authorityMetadata,
    instanceDiscoveryMetadata: input.instanceDiscoveryMetadata,
    enableBrokerOnWindows: true,
    ...(input.runtimePath ? { brokerRuntimePath: input.runtimePath } : {}),
    ...(logs ? { logger: { level: 'verbose', callback: (level, message) => logs.push({ level, message }) } } : {}),
  });
}

function records() {
  if (!fs.existsSync(input.recordPath)) return [];
  return fs
    .readFileSync(input.recordPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** Polls the stub's record until `match` finds an entry; the stub's threads write it. */
async function recorded(match, what) {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const found = records().find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`The stub MSALRuntime did not record ${what} within ${WAIT_LIMIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Which addon file node-gyp-build picked, to prove it is the committed prebuild. */
function addonPath() {
  return require(path.join(input.packageRoot, 'node_modules', 'node-gyp-build')).resolve(input.packageRoot);
}

const interactive = (app, parentWindowHandle, options = {}) =>
  settle(app.acquireTokenInteractive(input.scopes, { parentWindowHandle, ...options }));

const scenarios = {
  /** The real msalruntime.dll, found in @azure/msal-node-runtime as an application would. */
  async realRuntime() {
    const logs = [];
    const launched = [];
    const app = newApp(logs);
    const availability = await app.isBrokerAvailable();
    const options = {
      timeout: 60,
      browserLauncher: async (url) => {
        launched.push(url);
        throw new Error('No browser in this test');
      },
    };
    // No prompt: MSALRuntime's silent sign-in first, as MSAL Python does.
    const silentFirst = await interactive(app, CONSOLE, options);
    // select_account: straight to MSALRuntime's interactive sign-in, parented to the console default.
    const interactiveOnly = await interactive(app, CONSOLE, { ...options, prompt: 'select_account' });
    return { addonPath: addonPath(), execPath: process.execPath, availability, silentFirst, interactiveOnly, launched, logs };
  },

  /** The stub: strings both ways through the facade. */
  async stubRoundTrip() {
    const app = newApp();
    const availability = await app.isBrokerAvailable();
    // prompt=none is silent only: the stub's scripted InteractionRequired comes back as a value.
    const promptNone = await interactive(app, CONSOLE, { prompt: 'none' });
    // No prompt: silent first, then the UI with the login hint.
    const signedIn = await interactive(app, CONSOLE, { loginHint: input.loginHint, claimsChallenge: input.claims });
    const accounts = await app.getAccounts();
    const silent = await settle(app.acquireTokenSilentWithError(input.scopes, accounts[0], { forceRefresh: true }));
    return { addonPath: addonPath(), availability, promptNone, signedIn, accounts, silent };
  },

  /** One interactive sign-in per window handle shape, in order. */
  async windowHandles() {
    const app = newApp();
    const outcomes = [];
    for (const spec of input.handles) outcomes.push(await interactive(app, windowHandle(spec), { prompt: 'select_account' }));
    return { outcomes };
  },

  /**
   * What the facade cannot carry: its authority parser refuses a non-ASCII
   * tenant, so non-ASCII authorities and PoP parts go to the addon directly.
   */
  async addonStrings() {
    const binding = require(path.join(input.packageRoot, 'node_modules', 'node-gyp-build'))(input.packageRoot);
    const loaded = await binding.loadRuntime(input.runtimePath);
    const started = await binding.startup();
    const call = binding.signInInteractively(undefined, input.params, input.correlationId, input.loginHint);
    const outcome = await call.promise;
    return { loaded, started, outcome };
  },

  /** An AbortSignal reaches MSALRUNTIME_CancelAsyncOperation; the late completion is still cleaned up. */
  async abort() {
    const app = newApp();
    const controller = new AbortController();
    const pending = interactive(app, CONSOLE, { prompt: 'select_account', signal: controller.signal });
    const started = await recorded((r) => r.call === 'SignInInteractivelyAsync', 'the interactive call');
    controller.abort();
    const outcome = await pending;
    await recorded((r) => r.call === 'ReleaseAsyncHandle' && r.async === started.async, 'the release of the cancelled call');
    return { outcome };
  },

  /** One call on the main thread, one from a worker, one on the main thread after the worker is gone. */
  async worker() {
    const app = newApp();
    const [mainBefore, inWorkerHandle, mainAfter] = input.handles;
    const before = await interactive(app, windowHandle(mainBefore), { prompt: 'select_account' });
    const inWorker = await new Promise((resolve, reject) => {
      const worker = new Worker(__filename, { workerData: { ...input, scenario: 'inWorker', handle: inWorkerHandle } });
      let message;
      worker.once('message', (value) => (message = value));
      worker.once('error', reject);
      worker.once('exit', (code) => (code === 0 ? resolve(message) : reject(new Error(`The worker exited with ${code}`))));
    });
    const after = await interactive(app, windowHandle(mainAfter), { prompt: 'select_account' });
    return { before, inWorker, after };
  },

  async inWorker() {
    return { outcome: await interactive(newApp(), windowHandle(input.handle), { prompt: 'select_account' }) };
  },

  /**
   * Run as node.exe and as a renamed copy (app.exe, as Electron's host is
   * named): the conventionally linked control addon, then the prebuild
   * through the facade.
   */
  async host() {
    const control = await settle(
      Promise.resolve().then(() => {
        const module = { exports: {} };
        process.dlopen(module, input.controlAddon);
        return module.exports;
      }),
    );
    const app = newApp();
    const availability = await app.isBrokerAvailable();
    const outcome = await interactive(app, CONSOLE, { prompt: 'select_account' });
    return { control, addonPath: addonPath(), execPath: process.execPath, availability, outcome };
  },
};

const write = (value) =>
  fs.writeFileSync(input.resultPath, JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v)));

if (isMainThread) {
  scenarios[input.scenario]().then(
    (value) => write(value),
    (error) => write({ fatal: String(error && error.stack ? error.stack : error) }),
  );
} else {
  scenarios[input.scenario]().then((value) => parentPort.postMessage(value));
}
