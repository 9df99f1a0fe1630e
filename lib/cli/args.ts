/**
 * Command-line parsing for `brokerbridge`, on Node's util.parseArgs. Everything
 * the commands need is validated here, so a usage mistake never reaches the network.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake on the command line: the CLI prints it with the help text and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface AppArgs {
  clientId: string;
  authority?: string | undefined;
  oidcAuthority?: string | undefined;
  instanceDiscoveryEndpoint?: string | undefined;
  validateAuthority: boolean;
  allowHttpLoopback: boolean;
  cacheFile?: string | undefined;
  verbose: boolean;
}

export interface TokenArgs extends AppArgs {
  command: 'token';
  scopes: string[];
  broker: boolean;
  deviceCode: boolean;
  pop?: { url: string; method: string } | undefined;
  json: boolean;
  username?: string | undefined;
  /** Seconds to wait for the browser. */
  timeout?: number | undefined;
}

export interface AccountsArgs extends AppArgs {
  command: 'accounts';
  cacheFile: string;
  json: boolean;
  username?: string | undefined;
}

export interface LogoutArgs extends AppArgs {
  command: 'logout';
  cacheFile: string;
  username?: string | undefined;
}

export interface DemoArgs {
  command: 'demo';
  /** Open the user's own browser instead of driving a headless one. */
  systemBrowser: boolean;
}

export type CliArgs =
  | TokenArgs
  | AccountsArgs
  | LogoutArgs
  | DemoArgs
  | { command: 'help'; topic?: string | undefined }
  | { command: 'version' };

type Options = NonNullable<ParseArgsConfig['options']>;

const appOptions = {
  'client-id': { type: 'string' },
  authority: { type: 'string' },
  'oidc-authority': { type: 'string' },
  'instance-discovery-endpoint': { type: 'string' },
  'no-authority-validation': { type: 'boolean' },
  'allow-http-loopback': { type: 'boolean' },
  cache: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} satisfies Options;

const commandOptions = {
  token: {
    ...appOptions,
    scope: { type: 'string', short: 's', multiple: true },
    broker: { type: 'boolean' },
    'device-code': { type: 'boolean' },
    'pop-url': { type: 'string' },
    'pop-method': { type: 'string' },
    json: { type: 'boolean' },
    username: { type: 'string', short: 'u' },
    timeout: { type: 'string' },
  },
  accounts: { ...appOptions, json: { type: 'boolean' }, username: { type: 'string', short: 'u' } },
  logout: { ...appOptions, username: { type: 'string', short: 'u' } },
  demo: { browser: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
} satisfies Record<string, Options>;

export type CommandName = keyof typeof commandOptions;

export const HELP: Record<CommandName | 'main', string> = {
  main: `Usage: brokerbridge <command> [options]

Commands:
  token      Get an access token (from the cache, the OS broker, the browser or a device code)
  accounts   List the accounts in a token cache file
  logout     Remove accounts from a token cache file
  demo       Sign in against an embedded OpenID provider (no tenant needed; source checkout only)

Run "brokerbridge <command> --help" for the options of a command.
Exit codes: 0 success, 1 sign-in or library error, 2 usage error, 130 cancelled.
`,
  token: `Usage: brokerbridge token --client-id ID --scope S [--scope S2 ...] [options]

  --client-id ID                    Application (client) id
  --authority URL                   Entra authority (default https://login.microsoftonline.com/common)
  --oidc-authority URL              Any OpenID Connect issuer instead of --authority
  -s, --scope S                     A scope to request; repeat for more
  --broker                          Use the OS broker (WAM, Company Portal, Intune) when present
  --device-code                     Sign in on another device with a code instead of a browser
  --pop-url URL                     Ask for a Proof-of-Possession token bound to this URL
  --pop-method METHOD               HTTP method for --pop-url (default GET)
  -u, --username U                  Pick this cached account / hint this user; with
                                    BROKERBRIDGE_PASSWORD set, sign in with the password
  --cache FILE                      Keep tokens in FILE (created with mode 0600)
  --timeout SECONDS                 How long to wait for the browser
  --json                            Print the whole result as JSON (tokens included)
  --instance-discovery-endpoint URL Where to ask instance discovery
  --no-authority-validation         Trust the authority without instance discovery
  --allow-http-loopback             Accept http:// authorities on 127.0.0.1 (testing)
  -v, --verbose                     Library log on stderr (no personal data)

Without --json only the access token goes to stdout; a summary goes to stderr.
`,
  accounts: `Usage: brokerbridge accounts --client-id ID --cache FILE [--authority URL] [--json] [-u USERNAME]
`,
  logout: `Usage: brokerbridge logout --client-id ID --cache FILE [--authority URL] [-u USERNAME]

Without --username every account of the cache file is signed out of this app.
`,
  demo: `Usage: brokerbridge demo [--browser]

Signs in against an embedded OpenID provider on 127.0.0.1, then again silently.
Runs from a source checkout with its dev dependencies (bash .ci/setup), not from an installed package.
  --browser   Open your own browser instead of a headless one
`,
};

function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(commandOptions, name);
}

type Values = Record<string, string | boolean | string[] | undefined>;

function parse(command: CommandName, rest: string[]): Values {
  try {
    return parseArgs({ args: rest, options: commandOptions[command], strict: true, allowPositionals: false }).values as Values;
  } catch (e) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown options and missing values.
    throw new UsageError((e as Error).message);
  }
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${flag} is required`);
  return value;
}

function absoluteUrl(value: string | undefined, flag: string): string | undefined {
  if (value !== undefined && !URL.canParse(value)) throw new UsageError(`${flag} must be an absolute URL, got ${JSON.stringify(value)}`);
  return value;
}

function str(values: Values, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

function appArgs(values: Values): AppArgs {
  const authority = absoluteUrl(str(values, 'authority'), '--authority');
  const oidcAuthority = absoluteUrl(str(values, 'oidc-authority'), '--oidc-authority');
  if (authority !== undefined && oidcAuthority !== undefined) throw new UsageError('--authority and --oidc-authority are mutually exclusive');
  const endpoint = absoluteUrl(str(values, 'instance-discovery-endpoint'), '--instance-discovery-endpoint');
  const cacheFile = str(values, 'cache');
  return {
    clientId: required(str(values, 'client-id'), '--client-id'),
    authority,
    oidcAuthority,
    instanceDiscoveryEndpoint: endpoint,
    validateAuthority: values['no-authority-validation'] !== true,
    allowHttpLoopback: values['allow-http-loopback'] === true,
    cacheFile: cacheFile === undefined ? undefined : required(cacheFile, '--cache'),
    verbose: values.verbose === true,
  };
}

function tokenArgs(values: Values): TokenArgs {
  const app = appArgs(values);
  const scope = values.scope;
  const scopes = (Array.isArray(scope) ? scope : []).flatMap((s) => s.split(/\s+/)).filter((s) => s !== '');
  if (scopes.length === 0) throw new UsageError('at least one --scope is required');
  const popUrl = absoluteUrl(str(values, 'pop-url'), '--pop-url');
  const popMethod = str(values, 'pop-method');
  if (popMethod !== undefined && popUrl === undefined) throw new UsageError('--pop-method needs --pop-url');
  const timeoutText = str(values, 'timeout');
  const timeout = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) throw new UsageError('--timeout must be a positive number of seconds');
  const username = str(values, 'username');
  return {
    command: 'token',
    ...app,
    scopes,
    broker: values.broker === true,
    deviceCode: values['device-code'] === true,
    pop: popUrl === undefined ? undefined : { url: popUrl, method: (popMethod ?? 'GET').toUpperCase() },
    json: values.json === true,
    username: username === undefined ? undefined : required(username, '--username'),
    timeout,
  };
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('a command is required');
  if (first === '--help' || first === '-h' || first === 'help') return { command: 'help', topic: rest[0] };
  if (first === '--version' || first === '-V') return { command: 'version' };
  if (!isCommand(first)) throw new UsageError(`unknown command ${JSON.stringify(first)}`);
  const values = parse(first, rest);
  if (values.help === true) return { command: 'help', topic: first };
  switch (first) {
    case 'token':
      return tokenArgs(values);
    case 'accounts':
    case 'logout': {
      const base = appArgs(values);
      const cacheFile = required(base.cacheFile, '--cache');
      const username = str(values, 'username');
      const common = { ...base, cacheFile, username: username === undefined ? undefined : required(username, '--username') };
      return first === 'accounts' ? { command: 'accounts', ...common, json: values.json === true } : { command: 'logout', ...common };
    }
    case 'demo':
      return { command: 'demo', systemBrowser: values.browser === true };
  }
}

export function helpFor(topic: string | undefined): string {
  return isCommand(topic) ? HELP[topic] : HELP.main;
}
