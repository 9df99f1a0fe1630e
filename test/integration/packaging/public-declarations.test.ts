/**
 * What the published type declarations show: the classes lib/index.ts exports
 * on purpose, and nothing of the machinery behind them. Internal classes reach
 * the bundled .d.ts whenever a public signature names them (a protected field,
 * a constructor parameter), so the allow-list below fails the build's first
 * such leak. Members the library's own subclasses need are marked `@internal`
 * and stripped (tsconfig's stripInternal, which the declaration build honours).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as entry from '../../../lib/index.js';
import { PACKAGE_DIR, requireFreshBuild, withoutComments } from './package-root.js';

const DECLARATIONS = ['dist/index.d.ts', 'dist/index.d.cts'];

/** Every class lib/index.ts exports. */
const PUBLIC_CLASSES = [
  'AbortError',
  'Authority',
  'AuthorityBuilder',
  'AuthorityValidationError',
  'AutoRefresher',
  'BrokerBridgeError',
  'BrokerCallError',
  'BrokerUnavailableError',
  'BrowserInteractionTimeoutError',
  'CacheCorruptError',
  'ClientApplication',
  'ConfidentialClientApplication',
  'CredentialError',
  'CrossProcessLock',
  'DiscoveryError',
  'DistributedTokenCache',
  'EncryptedFilePersistence',
  'FilePersistence',
  'IdTokenError',
  'InvalidArgumentError',
  'InvalidAuthorityError',
  'KeyringKeyStore',
  'MalformedResponseError',
  'NetworkError',
  'PersistenceError',
  'PersistentTokenCache',
  'PopAuthScheme',
  'PopError',
  'PublicClientApplication',
  'RedisCacheStore',
  'SerializableTokenCache',
  'SshCertAuthScheme',
  'StateMismatchError',
  'TimeoutError',
  'TokenCache',
  'UnsupportedError',
];

/**
 * Declared because exported classes extend them, but not exported: the abstract
 * base of the two file persistences, whose declaration shows public types only.
 */
const UNEXPORTED_BASES = ['FileBackedPersistence'];

/**
 * Declared but not exported, each reachable only through an exported declaration; anything
 * else a public signature starts to name must be exported from lib/index.ts (or kept out).
 */
const REACHABLE_UNEXPORTED = [
  ...UNEXPORTED_BASES,
  'EpochString', // a string alias in the cache entry types
  'CONSOLE_WINDOW_HANDLE', // the type of PublicClientApplication.CONSOLE_WINDOW_HANDLE
  'DEVICE_FLOW_CORRELATION_ID', // the type of PublicClientApplication.DEVICE_FLOW_CORRELATION_ID
];

/** Internal classes and the internal types around them; none may appear anywhere in the declarations. */
const INTERNAL_NAMES = [
  'SectionStore',
  'StoredRecord',
  'LookupStats',
  'TelemetryContext',
  'TelemetryExchange',
  'ApiId',
  'CacheRefreshReason',
  'TokenClient',
  'TokenClientOptions',
  'ClientAuthenticator',
  'PopKeyManager',
  'AtomicFile',
  'InternalOptions',
  'FinishContext',
  'PreparedSilentOptions',
  'CachedAccessToken',
  'NativeBrokerClient',
  'BrokerRoute',
  'BrokerRouteContext',
  'SilentBrokerRoute',
  'BrokerCallContext',
  'BrokerRuntime',
  'ThrottledHttpClient',
];

const texts: Record<string, string> = {};

beforeAll(() => {
  requireFreshBuild(...DECLARATIONS);
  for (const file of DECLARATIONS) texts[file] = readFileSync(join(PACKAGE_DIR, file), 'utf8');
});

const declaredClasses = (text: string) => [...text.matchAll(/^declare (?:abstract )?class (\w+)/gm)].map((m) => m[1]).sort();
const declaredNames = (text: string) =>
  new Set([...text.matchAll(/^(?:declare )?(?:abstract )?(?:class|interface|type|const|function|enum|namespace) (\w+)/gm)].map((m) => m[1]!));
/** Names in the bundle's closing `export { … }`, `type` prefixes dropped. */
const exportedNames = (text: string) =>
  new Set(
    (/^export \{([^}]*)\};?$/m.exec(text)?.[1] ?? '')
      .split(',')
      .map((name) => name.trim().replace(/^type /, ''))
      .filter(Boolean),
  );

describe('public declarations', () => {
  it('the allow-list is exactly the classes lib/index.ts exports', () => {
    const classes = Object.entries(entry)
      .filter(([, value]) => typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value)))
      .map(([name]) => name)
      .sort();
    expect(classes).toEqual([...PUBLIC_CLASSES].sort());
  });

  it.each(DECLARATIONS)('%s declares the public classes and their unexported bases, and no other class', (file) => {
    expect(declaredClasses(texts[file]!)).toEqual([...PUBLIC_CLASSES, ...UNEXPORTED_BASES].sort());
  });

  it.each(DECLARATIONS)('%s declares nothing unexported beyond the listed ones', (file) => {
    const exported = exportedNames(texts[file]!);
    expect(exported.size).toBeGreaterThan(100);
    const unexported = [...declaredNames(texts[file]!)].filter((name) => !exported.has(name)).sort();
    expect(unexported).toEqual([...REACHABLE_UNEXPORTED].sort());
  });

  it.each(DECLARATIONS)('%s never names an internal class or type', (file) => {
    // Prose may mention them (a module's doc comment); declarations may not.
    const code = withoutComments(texts[file]!);
    const named = INTERNAL_NAMES.filter((name) => new RegExp(`\\b${name}\\b`).test(code));
    expect(named).toEqual([]);
  });

  it.each(DECLARATIONS)('%s keeps no member marked @internal (stripInternal is in effect)', (file) => {
    expect(texts[file]).not.toContain('@internal');
  });

  it.each(DECLARATIONS)('%s keeps the unexported bases free of protected members', (file) => {
    for (const base of UNEXPORTED_BASES) {
      const body = texts[file]!.match(new RegExp(`^declare abstract class ${base}\\b[^{]*\\{([\\s\\S]*?)^\\}`, 'm'))?.[1];
      expect(body, base).toBeDefined();
      // A protected constructor is the one protected member a base needs.
      expect(body!.split('\n').filter((line) => /^\s*protected (?!constructor\b)/.test(line)), base).toEqual([]);
    }
  });
});
