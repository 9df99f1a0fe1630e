/**
 * The win32-x64 prebuild, as committed, on Windows' ABI: Windows' own
 * node.exe 22 under Wine 8 drives the public facade (dist/index.cjs) through
 * node-exe-driver.cjs, with
 *   - the real msalruntime.dll from @azure/msal-node-runtime (WAM itself is
 *     absent under Wine, so this is the runtime's fault path);
 *   - a stub MSALRuntime (test/support/stub-msalruntime/), built here with
 *     mingw-w64, that records what crosses the ABI: UTF-16 strings both ways,
 *     window handles bit for bit, cancels, calls from a worker;
 *   - node.exe renamed to app.exe, as Electron's host is named.
 *
 * One file on purpose: every test shares one Wine prefix, and the last step
 * stops that prefix's wineserver, which would kill a parallel file's runs.
 * Provisioning (node.exe, the prefix) is cached under .cache/wine/.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityMetadataFor, instanceDiscoveryMetadata } from '../../support/offline-entra.js';
import { buildPlainImportAddon, buildStubMsalRuntime } from '../../support/wine/mingw-builds.js';
import {
  provisionWine,
  runToEnd,
  stopWine,
  windowsPath,
  wineEnv,
  wineUnsupportedReason,
  type WineHost,
} from '../../support/wine/wine-host.js';
import { PACKAGE_DIR, requireFreshBuild } from '../packaging/package-root.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** REGDB_E_CLASSNOTREG (0x80040154) as MSALRuntime reports it, a signed 32-bit HRESULT. */
const CLASS_NOT_REGISTERED = -2147221164;
/** The committed prebuild: what ships, and what every run here must load. */
const PREBUILD = join(PACKAGE_DIR, 'prebuilds', 'win32-x64', 'brokerbridge.node');
const DRIVER = join(dirname(fileURLToPath(import.meta.url)), 'node-exe-driver.cjs');
const unsupported = wineUnsupportedReason();

// What the stub answers and what the facade sends: non-ASCII, and a
// character outside the BMP (a UTF-16 surrogate pair) in every one.
const CLIENT_ID = 'Zoë-東京-🔑-client';
/** For the real runtime: the Azure CLI's public client id. */
const REAL_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const LOGIN_HINT = 'zoë@東京.example';
const USERNAME = 'zoë.🔑@東京.example';
const DISPLAY_NAME = 'Zoë 東京 🔑';
const ACCOUNT_ID = 'account-Zoë-東京-🔑';
const ACCESS_TOKEN = 'access-token-Zoë-東京-🔑';
const SCOPES = ['User.Read', 'api://東京/Zoë.🔑'];
const CLAIMS = '{"access_token":{"xms_cc":{"values":["Zoë-東京-🔑"]}}}';
const ERROR_CONTEXT = 'Zoë must sign in again at 東京 🔑';
const ERROR_CODE = -2147221164;
const ERROR_TAG = 439041101;
const OID = '00000000-0000-0000-0000-00000000a11c';
const TID = '00000000-0000-0000-0000-0000000070c0';

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const ID_TOKEN_CLAIMS = {
  aud: CLIENT_ID,
  iss: `https://login.microsoftonline.com/${TID}/v2.0`,
  oid: OID,
  tid: TID,
  sub: 'subject-東京',
  name: DISPLAY_NAME,
  preferred_username: USERNAME,
};

/** The stub's script (key=value lines, see stub-msalruntime.c). */
function stubScript(extra: string[] = []): string {
  return [
    `account.id=${ACCOUNT_ID}`,
    `account.homeAccountId=${OID}.${TID}`,
    'account.environment=login.microsoftonline.com',
    `account.realm=${TID}`,
    `account.localAccountId=${OID}`,
    `account.username=${USERNAME}`,
    `account.displayName=${DISPLAY_NAME}`,
    `account.clientInfo=${base64url({ uid: OID, utid: TID })}`,
    `result.accessToken=${ACCESS_TOKEN}`,
    `result.idToken=${JSON.stringify(ID_TOKEN_CLAIMS)}`,
    `result.rawIdToken=${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(ID_TOKEN_CLAIMS)}.`,
    `result.grantedScopes=${SCOPES.join(' ')}`,
    `result.expiresOn=${Math.floor(Date.now() / 1000) + 3600}`,
    ...extra,
  ].join('\n');
}

/** A string as the stub records its UTF-16 code units: four hex digits each. */
function utf16Hex(text: string): string {
  return Array.from({ length: text.length }, (_, i) => text.charCodeAt(i).toString(16).padStart(4, '0')).join('');
}

type StubRecord = Record<string, unknown> & { call: string; thread: number; async?: number };

/** A string field the stub received: the same text, and the same UTF-16 code units. */
function expectReceived(record: StubRecord | undefined, field: string, text: string): void {
  expect(record, `a recorded call with ${field}`).toBeDefined();
  expect(record![field]).toBe(text);
  expect(record![`${field}16`]).toBe(utf16Hex(text));
}

/** 64 bits of a handle as the stub records them. */
const bits = (value: bigint): string => value.toString(16).padStart(16, '0');

/** Every completion arrived on a thread of the stub's own, not on the thread that made the call. */
function expectCompletionsOnStubThreads(records: StubRecord[]): void {
  const completions = records.filter((r) => r.call === 'Completion');
  expect(completions.length).toBeGreaterThan(0);
  for (const completion of completions) {
    const call = records.find((r) => r.call.endsWith('Async') && r.async === completion.async);
    expect(call, `the call of completion ${completion.async}`).toBeDefined();
    expect(completion.thread).not.toBe(call!.thread);
  }
}

describe.skipIf(unsupported !== undefined)(`win32-x64 prebuild in node.exe 22 under Wine${unsupported ? ` (skipped: ${unsupported})` : ''}`, () => {
  let host: WineHost;
  let work: string;
  let stubDir: string;
  let stubPath: string;

  const facadeValues = () => ({
    clientId: CLIENT_ID,
    authority: 'https://login.microsoftonline.com/common',
    authorityMetadata: authorityMetadataFor('common'),
    instanceDiscoveryMetadata,
    scopes: SCOPES,
  });

  /** Runs one driver scenario in node.exe (or `exe`); returns its result and what the stub recorded. */
  async function runDriver(
    scenario: string,
    values: Record<string, unknown>,
    options: { script?: string; exe?: string } = {},
  ): Promise<{ result: Record<string, any>; records: StubRecord[] }> {
    const dir = await mkdtemp(join(work, `${scenario}-`));
    const [inputPath, resultPath, recordPath, scriptPath] = ['input.json', 'result.json', 'record.jsonl', 'script.txt'].map((f) =>
      join(dir, f),
    ) as [string, string, string, string];
    await writeFile(scriptPath, options.script ?? stubScript());
    const input = {
      scenario,
      packageRoot: windowsPath(PACKAGE_DIR),
      resultPath: windowsPath(resultPath),
      recordPath: windowsPath(recordPath),
      ...values,
    };
    await writeFile(inputPath, JSON.stringify(input));
    const env = wineEnv(host.prefix, {
      // node-gyp-build would take build/Release first, which holds this machine's Linux build.
      PREBUILDS_ONLY: '1',
      STUB_MSALRUNTIME_SCRIPT: windowsPath(scriptPath),
      STUB_MSALRUNTIME_RECORD: windowsPath(recordPath),
    });
    const run = await runToEnd(host.wine, [options.exe ?? host.nodeExe, windowsPath(DRIVER), windowsPath(inputPath)], {
      env,
      timeoutMs: 240_000,
      logPath: join(dir, 'output.log'),
    });
    expect(run.exitCode, `node.exe exited with ${run.exitCode}:\n${run.log}`).toBe(0);
    expect(existsSync(resultPath), `node.exe wrote no result:\n${run.log}`).toBe(true);
    const result = JSON.parse(await readFile(resultPath, 'utf8')) as Record<string, any>;
    expect(result['fatal'], String(result['fatal'])).toBeUndefined();
    const records = existsSync(recordPath)
      ? (await readFile(recordPath, 'utf8'))
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as StubRecord)
      : [];
    return { result, records };
  }

  beforeAll(async () => {
    requireFreshBuild('dist/index.cjs');
    host = await provisionWine();
    work = await mkdtemp(join(tmpdir(), 'brokerbridge-wine-'));
    // C:\users\Zoë\東京 🔑 <id>\msalruntime.dll: the runtime path crosses the ABI as UTF-16 too.
    stubDir = join(host.prefix, 'drive_c', 'users', 'Zoë', `東京 🔑 ${randomUUID().slice(0, 8)}`);
    await buildStubMsalRuntime(stubDir);
    stubPath = `C:\\users\\Zoë\\${stubDir.split('/').pop()!}\\msalruntime.dll`;
  }, 600_000);

  afterAll(async () => {
    if (host) await stopWine(host, host.prefix);
    if (work) await rm(work, { recursive: true, force: true });
    if (stubDir) await rm(stubDir, { recursive: true, force: true });
  }, 60_000);

  it('the real msalruntime.dll loads and starts; interactive sign-in settles with its error as a value', { timeout: 300_000 }, async () => {
    // Realistic values: the real runtime refuses non-ASCII scopes before it reaches WAM
    // ("Scopes are required to be ascii", ApiContractViolation).
    const { result } = await runDriver('realRuntime', { ...facadeValues(), clientId: REAL_CLIENT_ID, scopes: ['User.Read'] });
    expect(result['addonPath']).toBe(windowsPath(PREBUILD));
    expect(result['availability']).toEqual({ available: true });
    // No prompt: the runtime's silent sign-in fails first, with REGDB_E_CLASSNOTREG
    // (0x80040154): WAM's COM classes are not registered under Wine.
    expect(result['silentFirst']).toEqual({
      value: {
        error: 'broker_error',
        error_description: `(pii). Status: Unexpected, Error code: ${CLASS_NOT_REGISTERED}, Tag: ${result['silentFirst'].value.broker_tag}`,
        broker_status: 'Unexpected',
        broker_error_code: CLASS_NOT_REGISTERED,
        broker_tag: expect.any(Number),
        correlation_id: expect.stringMatching(GUID),
      },
    });
    // select_account goes straight to the interactive sign-in, parented to the console default.
    expect(result['interactiveOnly']).toEqual({
      value: {
        error: 'broker_error',
        error_description: `Caught exception. Status: Unexpected, Error code: 0, Tag: ${result['interactiveOnly'].value.broker_tag}`,
        broker_status: 'Unexpected',
        broker_error_code: 0,
        broker_tag: expect.any(Number),
        correlation_id: expect.stringMatching(GUID),
      },
    });
    // Unexpected is not a fallback status: no browser, and nothing logged about one.
    expect(result['launched']).toEqual([]);
    expect(result['logs']).not.toContainEqual(expect.objectContaining({ message: expect.stringMatching(/fall/i) }));
  });

  it('strings cross the ABI as UTF-16 both ways, unchanged; the runtime path too', { timeout: 300_000 }, async () => {
    const script = stubScript([`SignInSilently=error 2 ${ERROR_CODE} ${ERROR_TAG} ${ERROR_CONTEXT}`]);
    const { result, records } = await runDriver('stubRoundTrip', { ...facadeValues(), runtimePath: stubPath, loginHint: LOGIN_HINT, claims: CLAIMS }, { script });
    expect(result['addonPath']).toBe(windowsPath(PREBUILD));
    expect(result['availability']).toEqual({ available: true });
    expectReceived(records.find((r) => r.call === 'Startup'), 'modulePath', stubPath);

    // Runtime -> JS: the scripted error context, as a value.
    expect(result['promptNone']).toEqual({
      value: {
        error: 'interaction_required',
        error_description: `${ERROR_CONTEXT}. Status: InteractionRequired, Error code: ${ERROR_CODE}, Tag: ${ERROR_TAG}`,
        broker_status: 'InteractionRequired',
        broker_error_code: ERROR_CODE,
        broker_tag: ERROR_TAG,
        correlation_id: expect.stringMatching(GUID),
      },
    });
    // Runtime -> JS: token, ID token claims and account.
    const token = result['signedIn'].value;
    expect(token).toMatchObject({ access_token: ACCESS_TOKEN, token_source: 'broker', scope: SCOPES.join(' ') });
    expect(token.id_token_claims).toMatchObject({ name: DISPLAY_NAME, preferred_username: USERNAME });
    expect(result['accounts']).toEqual([expect.objectContaining({ username: USERNAME, local_account_id: ACCOUNT_ID, account_source: 'broker' })]);

    // JS -> runtime: client id, redirect URI, scopes, claims, login hint.
    const calls = records.filter((r) => r.call === 'SignInInteractivelyAsync');
    const first = calls[0];
    expectReceived(first, 'clientId', CLIENT_ID);
    expectReceived(first, 'redirectUri', `ms-appx-web://Microsoft.AAD.BrokerPlugin/${CLIENT_ID}`);
    expectReceived(first, 'scopes', SCOPES.join(' '));
    expectReceived(first, 'claims', CLAIMS);
    expectReceived(first, 'accountHint', LOGIN_HINT);

    // Both ways: the account id the runtime gave comes back to it, and so does the token to renew.
    expect(result['silent'].value).toMatchObject({ access_token: ACCESS_TOKEN, token_source: 'broker' });
    expectReceived(records.find((r) => r.call === 'ReadAccountByIdAsync'), 'accountId', ACCOUNT_ID);
    const renewal = records.find((r) => r.call === 'AcquireTokenSilentlyAsync');
    expectReceived(renewal, 'accountId', ACCOUNT_ID);
    expectReceived(renewal, 'accessTokenToRenew', ACCESS_TOKEN);
    expectCompletionsOnStubThreads(records);
  });

  it('authorities, PoP parts and parameters with non-ASCII text reach the runtime unchanged (addon level)', { timeout: 300_000 }, async () => {
    // The facade's authority parser refuses a non-ASCII tenant, so these go through the addon itself.
    const params = {
      clientId: CLIENT_ID,
      authority: 'https://login.microsoftonline.com/東京-🔑',
      scopes: SCOPES,
      redirectUri: `ms-appx-web://Microsoft.AAD.BrokerPlugin/${CLIENT_ID}`,
      claims: CLAIMS,
      accessTokenToRenew: ACCESS_TOKEN,
      pop: { httpMethod: 'POST', uriHost: 'api.東京.example', uriPath: '/Zoë/🔑', nonce: 'nonce-東京-🔑' },
      additionalParameters: { 'clé-東京': 'valeur-🔑' },
    };
    const correlationId = randomUUID();
    const { result, records } = await runDriver('addonStrings', { runtimePath: stubPath, params, correlationId, loginHint: LOGIN_HINT });
    expect(result['loaded']).toEqual({ ok: true });
    expect(result['started']).toEqual({ ok: true });
    const call = records.find((r) => r.call === 'SignInInteractivelyAsync');
    expectReceived(call, 'clientId', params.clientId);
    expectReceived(call, 'authority', params.authority);
    expectReceived(call, 'scopes', SCOPES.join(' '));
    expectReceived(call, 'redirectUri', params.redirectUri);
    expectReceived(call, 'claims', CLAIMS);
    expectReceived(call, 'accessTokenToRenew', ACCESS_TOKEN);
    expectReceived(call, 'popMethod', params.pop.httpMethod);
    expectReceived(call, 'popHost', params.pop.uriHost);
    expectReceived(call, 'popPath', params.pop.uriPath);
    expectReceived(call, 'popNonce', params.pop.nonce);
    expectReceived(call, 'additionalKey0', 'clé-東京');
    expectReceived(call, 'additionalValue0', 'valeur-🔑');
    expectReceived(call, 'correlationId', correlationId);
    expectReceived(call, 'accountHint', LOGIN_HINT);
    // Every account field the runtime hands back, read through the runtime's buffer protocol.
    expect(result['outcome']).toMatchObject({
      ok: true,
      value: {
        accessToken: ACCESS_TOKEN,
        idToken: JSON.stringify(ID_TOKEN_CLAIMS),
        grantedScopes: SCOPES.join(' '),
        account: { id: ACCOUNT_ID, username: USERNAME, name: DISPLAY_NAME, homeAccountId: `${OID}.${TID}`, realm: TID },
      },
    });
  });

  it('window handles reach the runtime bit for bit: Buffer, bigint, number, and the console default', { timeout: 300_000 }, async () => {
    const handles = [
      'console',
      // Electron's getNativeWindowHandle() on x64: 8 bytes, little-endian.
      { buffer: 'efbeadde00000000' },
      { buffer: '1032547698badcfe' },
      { buffer: 'efbeadde' },
      { bigint: 'deadbeef' },
      { bigint: '80000000deadbeef' },
      { number: 0xdeadbeef },
      { number: Number.MAX_SAFE_INTEGER },
    ];
    const expected = [
      0x00000000deadbeefn,
      0xfedcba9876543210n,
      0x00000000deadbeefn,
      0x00000000deadbeefn,
      0x80000000deadbeefn,
      0x00000000deadbeefn,
      BigInt(Number.MAX_SAFE_INTEGER),
    ].map(bits);
    const { result, records } = await runDriver('windowHandles', { ...facadeValues(), runtimePath: stubPath, handles });
    for (const outcome of result['outcomes']) expect(outcome).toMatchObject({ value: { access_token: ACCESS_TOKEN } });
    const calls = records.filter((r) => r.call === 'SignInInteractivelyAsync');
    expect(calls).toHaveLength(handles.length);
    // CONSOLE_WINDOW_HANDLE: the console window's root owner, else the console window, else the
    // desktop, each as the runtime's own process sees them.
    const [consoleCall, ...rest] = calls;
    const zero = bits(0n);
    const { consoleWindow, consoleRootOwner, desktopWindow } = consoleCall as Record<string, string>;
    const expectedDefault = consoleWindow !== zero ? (consoleRootOwner !== zero ? consoleRootOwner : consoleWindow) : desktopWindow;
    expect(expectedDefault).not.toBe(zero);
    expect(consoleCall!['window']).toBe(expectedDefault);
    expect(rest.map((r) => r['window'])).toEqual(expected);
  });

  it('an AbortSignal reaches MSALRUNTIME_CancelAsyncOperation and the call settles as aborted', { timeout: 300_000 }, async () => {
    const { result, records } = await runDriver('abort', { ...facadeValues(), runtimePath: stubPath }, { script: stubScript(['SignInInteractively=wait']) });
    expect(result['outcome']).toEqual({ thrown: { name: 'AbortError', code: 'aborted', message: expect.stringContaining('aborted') } });
    const call = records.find((r) => r.call === 'SignInInteractivelyAsync');
    const calls = (name: string) => records.filter((r) => r.call === name && r.async === call!.async);
    expect(calls('CancelAsyncOperation')).toHaveLength(1);
    // The runtime still completes the cancelled call (ApplicationCanceled), and the addon releases it once.
    expect(calls('Completion')).toEqual([expect.objectContaining({ status: 8 })]);
    expect(calls('ReleaseAsyncHandle')).toHaveLength(1);
    expect(records.indexOf(calls('CancelAsyncOperation')[0]!)).toBeLessThan(records.indexOf(calls('Completion')[0]!));
  });

  it('a worker thread calls the broker through its own addon instance; the main thread keeps working after it exits', { timeout: 300_000 }, async () => {
    const handles = [{ bigint: '1111' }, { bigint: '2222' }, { bigint: '3333' }];
    const { result, records } = await runDriver('worker', { ...facadeValues(), runtimePath: stubPath, handles });
    for (const outcome of [result['before'], result['inWorker'].outcome, result['after']]) {
      expect(outcome).toMatchObject({ value: { access_token: ACCESS_TOKEN, token_source: 'broker' } });
    }
    const calls = records.filter((r) => r.call === 'SignInInteractivelyAsync');
    expect(calls.map((r) => r['window'])).toEqual([0x1111n, 0x2222n, 0x3333n].map(bits));
    const [mainBefore, inWorker, mainAfter] = calls;
    expect(inWorker!.thread).not.toBe(mainBefore!.thread);
    expect(mainAfter!.thread).toBe(mainBefore!.thread);
    // One process-wide Startup, shared by both environments; the worker's exit does not shut it down.
    expect(records.filter((r) => r.call === 'Startup')).toHaveLength(1);
    const shutdowns = records.filter((r) => r.call === 'Shutdown').map((r) => records.indexOf(r));
    expect(shutdowns.filter((index) => index < records.indexOf(mainAfter!))).toEqual([]);
  });

  it('the same prebuild loads and calls the runtime when node.exe runs as app.exe, as Electron hosts it', { timeout: 300_000 }, async () => {
    // Each host alone in its folder, as an installed app is: nothing named node.exe to find on disk.
    const renamed = join(work, 'renamed', 'app.exe');
    await mkdir(dirname(renamed), { recursive: true });
    await copyFile(host.nodeExe, renamed);
    const controlAddon = await buildPlainImportAddon(join(work, 'control'));
    const values = { ...facadeValues(), runtimePath: stubPath, controlAddon: windowsPath(controlAddon) };
    const asNode = (await runDriver('host', values)).result;
    const asApp = (await runDriver('host', values, { exe: renamed })).result;

    // The control shows the setting is Electron's: an addon importing from "node.exe" loads only in node.exe.
    expect(asNode['control']).toEqual({ value: true });
    expect(asApp['control']).toEqual({ thrown: expect.objectContaining({ message: expect.stringMatching(/^Module not found/) }) });
    expect(asApp['execPath']).toBe(windowsPath(renamed));
    for (const result of [asNode, asApp]) {
      expect(result['addonPath']).toBe(windowsPath(PREBUILD));
      expect(result['availability']).toEqual({ available: true });
      expect(result['outcome']).toMatchObject({ value: { access_token: ACCESS_TOKEN, token_source: 'broker' } });
    }
  });
});
