/**
 * `brokerbridge token`: silent first when the cache knows the account, then
 * username/password (only when the user supplied a password), device code or
 * the interactive sign-in (OS broker or system browser).
 */
import type { Account } from '../app/account.js';
import { PublicClientApplication } from '../app/public-client-application.js';
import { defaultBrowserLauncher } from '../interactive/browser.js';
import { isErrorResult, type AcquireTokenResult } from '../oauth2/types.js';
import { PopAuthScheme } from '../pop/pop-auth-scheme.js';
import { createCliApp } from './app.js';
import { UsageError, type TokenArgs } from './args.js';
import type { CliIo } from './io.js';
import { errorLine, json, tokenSummary } from './output.js';
import { formatRemaining, startProgress, type Progress } from './spinner.js';

/** Read from the environment, never from argv, so the password stays out of shell history and `ps`. */
export const PASSWORD_ENV = 'BROKERBRIDGE_PASSWORD';

export async function runTokenCommand(args: TokenArgs, io: CliIo, signal: AbortSignal): Promise<number> {
  const password = args.username !== undefined ? io.env[PASSWORD_ENV] : undefined;
  if (password && args.pop) throw new UsageError(`--pop-url cannot be combined with a password sign-in (${PASSWORD_ENV})`);
  if (password && args.deviceCode) throw new UsageError(`--device-code cannot be combined with a password sign-in (${PASSWORD_ENV})`);
  const { app, cacheFile } = await createCliApp(args, io);
  try {
    const result = await acquire(app, args, io, signal, password || undefined);
    return printResult(result, args.json, io);
  } finally {
    await cacheFile?.save();
  }
}

async function acquire(
  app: PublicClientApplication,
  args: TokenArgs,
  io: CliIo,
  signal: AbortSignal,
  password: string | undefined,
): Promise<AcquireTokenResult> {
  const authScheme = args.pop ? new PopAuthScheme({ httpMethod: args.pop.method, url: args.pop.url }) : undefined;
  const account = await pickAccount(app, args.username, io);
  if (account) {
    const silent = await app.acquireTokenSilentWithError(args.scopes, account, { authScheme });
    if (silent && !isErrorResult(silent)) return silent;
    if (silent) io.stderr.write(`The cached sign-in of ${account.username} needs renewal (${silent.error}); signing in again.\n`);
  }
  if (password !== undefined && args.username !== undefined) {
    return app.acquireTokenByUsernamePassword(args.username, password, args.scopes);
  }
  const signIn: SignIn = { app, args, io, signal, authScheme };
  return args.deviceCode ? viaDeviceCode(signIn) : interactively(signIn);
}

async function pickAccount(app: PublicClientApplication, username: string | undefined, io: CliIo): Promise<Account | undefined> {
  const accounts = await app.getAccounts(username);
  const [first] = accounts;
  if (first && accounts.length > 1) {
    io.stderr.write(`${accounts.length} accounts in the cache; using ${first.username} (choose with --username).\n`);
  }
  return first;
}

/** What a sign-in that asks the user needs. */
interface SignIn {
  app: PublicClientApplication;
  args: TokenArgs;
  io: CliIo;
  signal: AbortSignal;
  authScheme: PopAuthScheme | undefined;
}

async function viaDeviceCode({ app, args, io, signal, authScheme }: SignIn): Promise<AcquireTokenResult> {
  const started = await app.initiateDeviceFlow(args.scopes);
  if (isErrorResult(started)) return started;
  const flow = started;
  io.stderr.write(`${flow.message ?? `To sign in, open ${String(flow.verification_uri)} and enter the code ${flow.user_code}`}\n`);
  // A log gets a new line only when the minute changes; a terminal shows a live countdown.
  const waiting = (secondsLeft: number): string =>
    io.stderr.isTTY === true
      ? `Waiting for you to sign in (${formatRemaining(secondsLeft)} left, Ctrl-C to cancel)`
      : `Waiting for you to sign in (about ${Math.ceil(secondsLeft / 60)} min left)`;
  const progress = startProgress(io.stderr, waiting(flow.expires_in));
  try {
    return await app.acquireTokenByDeviceFlow(flow, {
      signal,
      onProgress: (p) => progress.update(waiting(p.remainingSeconds)),
      authScheme,
    });
  } finally {
    progress.stop();
  }
}

async function interactively({ app, args, io, signal, authScheme }: SignIn): Promise<AcquireTokenResult> {
  const waitingText = 'Waiting for you to sign in (Ctrl-C to cancel)';
  let progress: Progress | undefined;
  const showProgress = (): void => {
    progress ??= startProgress(io.stderr, waitingText);
  };
  const open = io.openBrowser ?? defaultBrowserLauncher();
  try {
    return await app.acquireTokenInteractive(args.scopes, {
      signal,
      loginHint: args.username,
      timeout: args.timeout,
      authScheme,
      // A terminal has no window of its own to parent the broker's dialog to.
      parentWindowHandle: args.broker ? PublicClientApplication.CONSOLE_WINDOW_HANDLE : undefined,
      onBeforeLaunchingUi: showProgress,
      browserLauncher: async (url) => {
        showProgress();
        try {
          await open(url);
        } catch (e) {
          // Headless machines and SSH sessions have no browser; the user can still paste the address elsewhere.
          progress?.stop();
          io.stderr.write(`Could not open a browser (${(e as Error).message}). Open this address to sign in:\n${url}\n`);
          progress = startProgress(io.stderr, waitingText);
        }
      },
    });
  } finally {
    progress?.stop();
  }
}

function printResult(result: AcquireTokenResult, asJson: boolean, io: CliIo): number {
  if (isErrorResult(result)) {
    if (asJson) io.stdout.write(json(result));
    io.stderr.write(errorLine(result));
    return 1;
  }
  if (asJson) {
    io.stdout.write(json(result));
  } else {
    io.stderr.write(tokenSummary(result));
    io.stdout.write(`${result.access_token}\n`);
  }
  return 0;
}
