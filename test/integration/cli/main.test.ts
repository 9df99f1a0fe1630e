import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import { DEMO_NEEDS_DEV_DEPENDENCIES, DEMO_NOT_INSTALLED, locateDemo, runDemoCommand } from '../../../lib/cli/demo-command.js';
import { findPackageRoot } from '../../../lib/broker/native-addon.js';
import { PUBLIC_CLIENT_ID, startLocalEntra, type LocalEntra } from '../../support/entra.js';
import { approveDeviceCode, issueAuthCode } from '../../support/sts/token.js';
import { captureIo } from '../../unit/cli/capture.js';

const SCOPE = 'https://graph.microsoft.com/User.Read';
let entra: LocalEntra;
let dir: string;
let cachePath: string;

beforeAll(async () => {
  entra = await startLocalEntra();
});
afterAll(async () => entra.stop());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bb-cli-'));
  cachePath = join(dir, 'cache.json');
  entra.sts.clearFaults();
  entra.state.deviceInterval = 1;
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

/** The flags every command needs to reach the local STS instead of Entra. */
const app = (): string[] => [
  '--client-id', PUBLIC_CLIENT_ID,
  '--authority', `${entra.sts.baseUrl}/contoso.onmicrosoft.com`,
  '--instance-discovery-endpoint', entra.sts.baseUrl,
  '--allow-http-loopback',
];
const tokenRequests = () => entra.sts.requestsTo(/\/oauth2\/v2\.0\/token$/);
const withPassword = (user = entra.alice) => captureIo({ env: { BROKERBRIDGE_PASSWORD: user.password } });

async function signIn(user = entra.alice): Promise<string> {
  const io = withPassword(user);
  expect(await main(['token', ...app(), '-s', SCOPE, '--cache', cachePath, '-u', user.username], io)).toBe(0);
  return io.stdout.text.trim();
}

describe('brokerbridge token', () => {
  it('prints only the access token on stdout and a redacted summary on stderr', async () => {
    const io = withPassword();
    const code = await main(['token', ...app(), '-s', SCOPE, '-u', entra.alice.username], io);
    expect(code).toBe(0);
    const token = io.stdout.text.trim();
    expect(io.stdout.text).toBe(`${token}\n`);
    expect(decodeJwt(token).aud).toBeDefined();
    expect(io.stderr.text).toMatch(/^Signed in as alice@contoso\.com \(Alice\)/);
    expect(io.stderr.text).toMatch(/token_source=identity_provider/);
    expect(io.stderr.text).not.toContain(token);
    expect(io.stderr.text).not.toContain(entra.alice.password);
    expect(tokenRequests().at(-1)!.form.get('grant_type')).toBe('password');
  });

  it('--json prints the whole result with its wire keys', async () => {
    const io = withPassword();
    expect(await main(['token', ...app(), '-s', SCOPE, '-u', entra.alice.username, '--json'], io)).toBe(0);
    const result = JSON.parse(io.stdout.text) as Record<string, unknown>;
    expect(result).toMatchObject({ token_type: 'Bearer', token_source: 'identity_provider' });
    for (const key of ['access_token', 'refresh_token', 'id_token', 'expires_in', 'id_token_claims', 'correlation_id']) expect(result).toHaveProperty(key);
    expect(io.stderr.text).toBe('');
  });

  it('writes the cache file (0600) and serves the next run silently from it', async () => {
    const first = await signIn();
    expect((await stat(cachePath)).mode & 0o777).toBe(0o600);
    expect(Object.keys(JSON.parse(await readFile(cachePath, 'utf8')).RefreshToken)).toHaveLength(1);

    const before = tokenRequests().length;
    // No password this time: the cached account is used silently.
    const io = captureIo();
    expect(await main(['token', ...app(), '-s', SCOPE, '--cache', cachePath, '--json'], io)).toBe(0);
    const result = JSON.parse(io.stdout.text) as Record<string, unknown>;
    expect(result.token_source).toBe('cache');
    expect(result.access_token).toBe(first);
    expect(tokenRequests().length).toBe(before);
  });

  it('refreshes silently with the cached refresh token when the access token is not enough', async () => {
    await signIn();
    const io = captureIo();
    expect(await main(['token', ...app(), '-s', 'https://graph.microsoft.com/Mail.Read', '--cache', cachePath], io)).toBe(0);
    expect(tokenRequests().at(-1)!.form.get('grant_type')).toBe('refresh_token');
    expect(io.stderr.text).toMatch(/token_source=identity_provider/);
  });

  it('device code: prints the message on stderr, shows progress, and gets the token', async () => {
    let approved = false;
    const io = captureIo({
      onStderr: (text) => {
        if (approved) return;
        const pending = [...entra.state.deviceCodes.values()].find((r) => r.status === 'pending' && text.includes(r.userCode));
        if (pending) {
          approved = true;
          approveDeviceCode(entra.state, pending.userCode, entra.bob.username);
        }
      },
    });
    expect(await main(['token', ...app(), '-s', SCOPE, '--device-code', '--cache', cachePath], io)).toBe(0);
    expect(approved).toBe(true);
    expect(io.stderr.text).toMatch(/To sign in, use a web browser to open the page .* and enter the code \S+/);
    expect(io.stderr.text).toMatch(/Waiting for you to sign in \(about \d+ min left\)/);
    expect(io.stderr.text).toMatch(/Signed in as bob@fabrikam\.com/);
    expect(tokenRequests().at(-1)!.form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:device_code');

    const accounts = captureIo();
    expect(await main(['accounts', ...app(), '--cache', cachePath, '--json'], accounts)).toBe(0);
    expect((JSON.parse(accounts.stdout.text) as Array<{ username: string }>).map((a) => a.username)).toEqual([entra.bob.username]);
  });

  /** Plays the browser and the STS's /authorize page. */
  const signInInBrowser = (opened: string[]) => async (url: string) => {
    opened.push(url);
    const q = new URL(url).searchParams;
    const code = issueAuthCode(entra.state, {
      clientId: q.get('client_id')!,
      username: entra.alice.username,
      scope: q.get('scope')!,
      redirectUri: q.get('redirect_uri')!,
      codeChallenge: q.get('code_challenge')!,
      codeChallengeMethod: 'S256',
      nonce: q.get('nonce')!,
    });
    await fetch(`${q.get('redirect_uri')}?code=${code}&state=${q.get('state')}`);
  };

  it('interactive by default: opens the sign-in page, receives the code on loopback, redeems it with PKCE', async () => {
    const opened: string[] = [];
    const io = captureIo({ openBrowser: signInInBrowser(opened) });
    expect(await main(['token', ...app(), '-s', SCOPE, '-u', entra.alice.username, '--timeout', '20'], io)).toBe(0);
    const q = new URL(opened[0]!).searchParams;
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('login_hint')).toBe(entra.alice.username);
    expect(io.stderr.text).toMatch(/Waiting for you to sign in/);
    expect(tokenRequests().at(-1)!.form.get('grant_type')).toBe('authorization_code');
    expect(decodeJwt(io.stdout.text.trim()).aud).toBeDefined();
  });

  it('--broker falls back to the browser where no broker runs (as on this machine)', async () => {
    const opened: string[] = [];
    const io = captureIo({ openBrowser: signInInBrowser(opened) });
    const code = await main(['token', ...app(), '-s', SCOPE, '--broker', '--timeout', '20', '--json'], io);
    expect(code, io.stderr.text).toBe(0);
    expect(opened).toHaveLength(1);
    expect(JSON.parse(io.stdout.text)).toMatchObject({ token_source: 'identity_provider' });
  });

  it('prints the address when no browser can be opened, and Ctrl-C (the signal) cancels with exit 130', async () => {
    const controller = new AbortController();
    const io = captureIo({
      signal: controller.signal,
      openBrowser: async () => {
        setTimeout(() => controller.abort(), 10);
        throw new Error('no display');
      },
    });
    expect(await main(['token', ...app(), '-s', SCOPE, '--timeout', '20'], io)).toBe(130);
    expect(io.stderr.text).toMatch(/Could not open a browser \(no display\)\. Open this address to sign in:\nhttp:\/\/127\.0\.0\.1:\d+\/contoso\.onmicrosoft\.com\/oauth2\/v2\.0\/authorize\?/);
    expect(io.stderr.text).toMatch(/Cancelled\.\n$/);
    expect(io.stdout.text).toBe('');
  });

  it('SIGTERM cancels like Ctrl-C: the loopback server closes and the exit code is 130 (issue 11 item 15)', async () => {
    const io = captureIo({
      openBrowser: async () => {
        // Delivered the way Node delivers a real SIGTERM to its listeners, without killing the test worker.
        setTimeout(() => process.emit('SIGTERM', 'SIGTERM'), 10);
        throw new Error('no display');
      },
    });
    expect(await main(['token', ...app(), '-s', SCOPE, '--timeout', '20'], io)).toBe(130);
    expect(io.stderr.text).toMatch(/Cancelled\.\n$/);
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });

  it('--pop-url gets a Proof-of-Possession token: the output is a signed HTTP request', async () => {
    await signIn();
    const io = captureIo();
    const popUrl = 'https://graph.microsoft.com/v1.0/me';
    expect(await main(['token', ...app(), '-s', SCOPE, '--cache', cachePath, '--pop-url', popUrl, '--pop-method', 'get', '--json'], io)).toBe(0);
    const result = JSON.parse(io.stdout.text) as { access_token: string; token_type: string };
    expect(result.token_type).toBe('pop');
    expect(decodeProtectedHeader(result.access_token).typ).toBe('pop');
    expect(decodeJwt(result.access_token)).toMatchObject({ m: 'GET', u: 'graph.microsoft.com', p: '/v1.0/me' });
    expect(tokenRequests().at(-1)!.form.get('token_type')).toBe('pop');
  });

  it('a server error is an error line (or the JSON error with --json) and exit 1', async () => {
    const io = captureIo({ env: { BROKERBRIDGE_PASSWORD: 'wrong' } });
    expect(await main(['token', ...app(), '-s', SCOPE, '-u', entra.alice.username], io)).toBe(1);
    expect(io.stderr.text).toMatch(/^error \[invalid_grant\]: AADSTS\d+/);
    expect(io.stderr.text.trim().split('\n')).toHaveLength(1);
    expect(io.stdout.text).toBe('');

    const asJson = captureIo({ env: { BROKERBRIDGE_PASSWORD: 'wrong' } });
    expect(await main(['token', ...app(), '-s', SCOPE, '-u', entra.alice.username, '--json'], asJson)).toBe(1);
    expect(JSON.parse(asJson.stdout.text)).toMatchObject({ error: 'invalid_grant' });
  });

  it('a typed library error prints "error [code]: message" and exits 1', async () => {
    const io = captureIo();
    // Without the loopback allowance the http:// authority is refused before any request.
    const args = app().filter((a) => a !== '--allow-http-loopback');
    expect(await main(['token', ...args, '-s', SCOPE], io)).toBe(1);
    expect(io.stderr.text).toMatch(/^error \[invalid_authority\]: /);
  });

  it('a password sign-in cannot be combined with PoP: usage error, exit 2, nothing sent', async () => {
    const before = entra.sts.requests.length;
    const io = withPassword();
    expect(await main(['token', ...app(), '-s', SCOPE, '-u', entra.alice.username, '--pop-url', 'https://x.test/'], io)).toBe(2);
    expect(io.stderr.text).toMatch(/^brokerbridge: --pop-url cannot be combined with a password sign-in/);
    expect(io.stderr.text).toContain('Usage: brokerbridge token');
    expect(entra.sts.requests.length).toBe(before);
  });
});

describe('brokerbridge accounts and logout', () => {
  it('lists accounts, signs one out, and keeps the other', async () => {
    await signIn(entra.alice);
    await signIn(entra.bob);

    const list = captureIo();
    expect(await main(['accounts', ...app(), '--cache', cachePath], list)).toBe(0);
    const lines = list.stdout.text.trim().split('\n').sort();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^alice@contoso\\.com\\t${entra.alice.oid}\\.${entra.alice.tid}\\t127\\.0\\.0\\.1:\\d+\\tAlice$`));

    const json = captureIo();
    expect(await main(['accounts', ...app(), '--cache', cachePath, '--json', '-u', 'BOB@fabrikam.com'], json)).toBe(0);
    const accounts = JSON.parse(json.stdout.text) as Array<Record<string, unknown>>;
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ username: entra.bob.username, home_account_id: `${entra.bob.oid}.${entra.bob.tid}`, authority_type: 'MSSTS' });

    const out = captureIo();
    expect(await main(['logout', ...app(), '--cache', cachePath, '-u', entra.alice.username], out)).toBe(0);
    expect(out.stderr.text).toBe('Signed out alice@contoso.com.\n');
    const blob = JSON.parse(await readFile(cachePath, 'utf8')) as Record<string, Record<string, { home_account_id?: string }>>;
    const owners = new Set(Object.values(blob.RefreshToken!).map((e) => e.home_account_id));
    expect([...owners]).toEqual([`${entra.bob.oid}.${entra.bob.tid}`]);

    const again = captureIo();
    expect(await main(['logout', ...app(), '--cache', cachePath, '-u', entra.alice.username], again)).toBe(1);
    expect(again.stderr.text).toBe('No cached account for alice@contoso.com.\n');

    const all = captureIo();
    expect(await main(['logout', ...app(), '--cache', cachePath], all)).toBe(0);
    const empty = captureIo();
    expect(await main(['accounts', ...app(), '--cache', cachePath], empty)).toBe(0);
    expect(empty.stdout.text).toBe('No accounts in the cache.\n');
  });
});

describe('read-only commands never write (issue 11 item 15)', () => {
  it('accounts leaves a --cache file it cannot parse exactly as it was', async () => {
    const notACache = 'these are my notes, not a token cache\n';
    await writeFile(cachePath, notACache, { mode: 0o644 });
    const io = captureIo();
    expect(await main(['accounts', ...app(), '--cache', cachePath], io)).toBe(0);
    expect(io.stdout.text).toBe('No accounts in the cache.\n');
    expect(await readFile(cachePath, 'utf8')).toBe(notACache);
    expect((await readdir(dir)).sort()).toEqual(['cache.json']);
  });
});

describe('usage, help, version and demo', () => {
  it('usage errors print the message and the help on stderr and exit 2', async () => {
    for (const argv of [[], ['nope'], ['token', '--client-id', 'x'], ['accounts', ...['--client-id', 'x']]]) {
      const io = captureIo();
      expect(await main(argv, io)).toBe(2);
      expect(io.stderr.text).toMatch(/^brokerbridge: .+\n\nUsage: brokerbridge/);
      expect(io.stdout.text).toBe('');
    }
  });

  it('--help goes to stdout with exit 0; --version prints the library version', async () => {
    const help = captureIo();
    expect(await main(['token', '--help'], help)).toBe(0);
    expect(help.stdout.text).toMatch(/^Usage: brokerbridge token/);
    const version = captureIo();
    expect(await main(['--version'], version)).toBe(0);
    expect(version.stdout.text).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('finds the demo source in the checkout, imported as is from source and through tsx when built', () => {
    const root = findPackageRoot();
    expect(root).toBe(process.cwd());
    expect(findPackageRoot('/')).toBeUndefined();
    const demo = join(process.cwd(), 'examples', 'demo.ts');
    expect(locateDemo(root, true)).toMatchObject({ path: demo });
    expect(locateDemo(root, false)).toMatchObject({ path: demo });
  });

  it('an installed package (no examples/) says the demo needs a source checkout, and how to get one', async () => {
    expect(locateDemo(undefined)).toEqual({ unavailable: DEMO_NOT_INSTALLED });
    expect(locateDemo(dir, false)).toEqual({ unavailable: DEMO_NOT_INSTALLED });
    const io = captureIo();
    expect(await runDemoCommand({ command: 'demo', systemBrowser: false }, io, () => locateDemo(dir))).toBe(1);
    expect(io.stderr.text).toBe(DEMO_NOT_INSTALLED);
    expect(io.stderr.text).toContain('git clone https://github.com/brokerbridge/brokerbridge');
    expect(io.stderr.text).toContain('bash .ci/setup && npm run demo');
  });

  it('a checkout without its dev dependencies says to install them', async () => {
    await mkdir(join(dir, 'examples'));
    await writeFile(join(dir, 'examples', 'demo.ts'), 'export {};\n');
    expect(locateDemo(dir, false)).toEqual({ unavailable: DEMO_NEEDS_DEV_DEPENDENCIES });
    // Running from source needs no tsx to load it.
    expect(locateDemo(dir, true)).toMatchObject({ path: join(dir, 'examples', 'demo.ts') });
  });

  it('demo loads the demo module and runs it with the chosen browser, logging to stdout', async () => {
    const modulePath = join(dir, 'demo.mjs');
    await writeFile(
      modulePath,
      'export async function runDemo(options) { options.log(`browser=${options.browser}`); return 0; }\n',
    );
    const io = captureIo();
    const at = (path: string) => () => ({ path, load: () => import(pathToFileURL(path).href) });
    expect(await runDemoCommand({ command: 'demo', systemBrowser: true }, io, at(modulePath))).toBe(0);
    expect(io.stdout.text).toBe('browser=system\n');

    const bad = captureIo();
    const other = join(dir, 'other.mjs');
    await writeFile(other, 'export const nothing = 1;\n');
    expect(await runDemoCommand({ command: 'demo', systemBrowser: false }, bad, at(other))).toBe(1);
    expect(bad.stderr.text).toMatch(/exports no runDemo function/);
  });
});
