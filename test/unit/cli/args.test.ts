import { describe, expect, it } from 'vitest';
import { helpFor, parseCliArgs, UsageError, type TokenArgs } from '../../../lib/cli/args.js';
import { appOptionsFromArgs } from '../../../lib/cli/app.js';

const base = ['--client-id', 'cid'];

describe('parseCliArgs', () => {
  it('parses a full token command', () => {
    const args = parseCliArgs([
      'token', ...base, '--authority', 'https://login.microsoftonline.com/contoso.com', '-s', 'User.Read', '--scope', 'Mail.Read Files.Read',
      '--broker', '--pop-url', 'https://graph.microsoft.com/v1.0/me', '--pop-method', 'post', '--json', '--cache', 'c.json', '-u', 'alice@contoso.com', '--timeout', '90',
    ]) as TokenArgs;
    expect(args).toMatchObject({
      command: 'token',
      clientId: 'cid',
      authority: 'https://login.microsoftonline.com/contoso.com',
      scopes: ['User.Read', 'Mail.Read', 'Files.Read'],
      broker: true,
      deviceCode: false,
      pop: { url: 'https://graph.microsoft.com/v1.0/me', method: 'POST' },
      json: true,
      cacheFile: 'c.json',
      username: 'alice@contoso.com',
      timeout: 90,
      validateAuthority: true,
      allowHttpLoopback: false,
    });
  });

  it.each([
    [[], /a command is required/],
    [['frobnicate'], /unknown command/],
    [['token', '--scope', 'x'], /--client-id is required/],
    [['token', ...base], /at least one --scope/],
    [['token', ...base, '-s', 'x', '--bogus'], /Unknown option '--bogus'/],
    [['token', ...base, '-s', 'x', '--pop-method', 'GET'], /--pop-method needs --pop-url/],
    [['token', ...base, '-s', 'x', '--pop-url', 'not a url'], /--pop-url must be an absolute URL/],
    [['token', ...base, '-s', 'x', '--timeout', '0'], /--timeout must be a positive/],
    [['token', ...base, '-s', 'x', '--authority', 'https://a/b', '--oidc-authority', 'https://c/'], /mutually exclusive/],
    [['accounts', ...base], /--cache is required/],
    [['logout', ...base, '--cache', ''], /--cache is required/],
    [['token', ...base, '-s', 'x', 'stray'], /Unexpected argument 'stray'/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  it('recognises help and version in every spelling', () => {
    expect(parseCliArgs(['--help'])).toEqual({ command: 'help' });
    expect(parseCliArgs(['help', 'token'])).toEqual({ command: 'help', topic: 'token' });
    expect(parseCliArgs(['logout', '-h'])).toEqual({ command: 'help', topic: 'logout' });
    expect(parseCliArgs(['--version'])).toEqual({ command: 'version' });
    expect(helpFor('token')).toMatch(/--device-code/);
    expect(helpFor('nope')).toMatch(/^Usage: brokerbridge <command>/);
  });

  it('parses demo, accounts and logout', () => {
    expect(parseCliArgs(['demo', '--browser'])).toEqual({ command: 'demo', systemBrowser: true });
    expect(parseCliArgs(['accounts', ...base, '--cache', 'f', '--json'])).toMatchObject({ command: 'accounts', cacheFile: 'f', json: true });
    expect(parseCliArgs(['logout', ...base, '--cache', 'f', '-u', 'bob'])).toMatchObject({ command: 'logout', cacheFile: 'f', username: 'bob' });
  });
});

describe('appOptionsFromArgs', () => {
  const stderr = { write: () => true };
  it('--broker enables the broker on every platform; flags map to library options', () => {
    const args = parseCliArgs(['token', ...base, '-s', 'x', '--broker', '--no-authority-validation', '--allow-http-loopback']) as TokenArgs;
    expect(appOptionsFromArgs(args, { stderr })).toMatchObject({
      clientId: 'cid',
      enableBrokerOnWindows: true,
      enableBrokerOnMac: true,
      enableBrokerOnLinux: true,
      enableBrokerOnWsl: true,
      validateAuthority: false,
      instanceDiscovery: false,
      allowHttpLoopbackAuthority: true,
    });
    const plain = appOptionsFromArgs(parseCliArgs(['token', ...base, '-s', 'x']) as TokenArgs, { stderr });
    expect(plain).not.toHaveProperty('enableBrokerOnLinux');
    expect(plain.logger).toBeUndefined();
  });

  it('--verbose routes the library log to stderr without PII', () => {
    const lines: string[] = [];
    const opts = appOptionsFromArgs(parseCliArgs(['token', ...base, '-s', 'x', '-v']) as TokenArgs, { stderr: { write: (s: string) => lines.push(s) } });
    expect(opts.logger?.piiLoggingEnabled).toBe(false);
    opts.logger?.callback?.('info', 'hello', false);
    expect(lines).toEqual(['[info] hello\n']);
  });
});
