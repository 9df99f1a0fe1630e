/**
 * Where the cache's encryption key lives: the OS secret store (Windows
 * Credential Manager, macOS Keychain, Linux Secret Service) through the
 * optional @napi-rs/keyring module. Only a 32-byte key goes there, so the
 * size limits of those stores never bite, whatever the cache grows to.
 */
import { resolve } from 'node:path';
import { PersistenceError } from '../../errors.js';

/** Where an {@link EncryptedFilePersistence} keeps its 32-byte AES key. */
export interface KeyStore {
  /** The stored key, undefined when none was stored yet. Throws PersistenceError when the store cannot be reached. */
  get(): Promise<Buffer | undefined>;
  /** Stores the key, replacing any other. */
  set(key: Buffer): Promise<void>;
  /** Where the key lives, for messages. */
  describe(): string;
}

/** The part of @napi-rs/keyring's AsyncEntry we use. */
export interface KeyringEntry {
  /** The stored secret, null when there is none. */
  getPassword(): Promise<string | null>;
  /** Stores the secret. */
  setPassword(password: string): Promise<void>;
}
/** Opens the secret-store entry with this service and account name. */
export type KeyringEntryFactory = (service: string, account: string) => KeyringEntry;

/** Options of {@link KeyringKeyStore}. */
export interface KeyringKeyStoreOptions {
  /** Defaults to "brokerbridge.token-cache". */
  service?: string | undefined;
  /** Defaults to the absolute cache path, so each cache file has its own key. */
  account?: string | undefined;
  /** Replaces the @napi-rs/keyring loader (other secret stores, tests). */
  loadEntryFactory?: (() => Promise<KeyringEntryFactory>) | undefined;
}

async function loadNapiKeyring(): Promise<KeyringEntryFactory> {
  const { AsyncEntry } = await import('@napi-rs/keyring');
  // Unpinned, keyring falls back on Linux to the kernel keyring, which forgets
  // the key at reboot and would leave the cache unreadable.
  return (service, account) => new AsyncEntry(service, account, { linux: { store: 'secret-service' } });
}

/**
 * A {@link KeyStore} in the OS secret store (Windows Credential Manager, macOS Keychain,
 * Linux Secret Service) through the optional @napi-rs/keyring module. Only the 32-byte key
 * goes there, so the stores' size limits never bite.
 *
 * @example
 * ```ts
 * const keyStore = new KeyringKeyStore(path, { service: 'com.contoso.myapp' });
 * const tokenCache = await PersistentTokenCache.open(new EncryptedFilePersistence(path, keyStore));
 * ```
 */
export class KeyringKeyStore implements KeyStore {
  /** The secret-store service name. */
  readonly service: string;
  /** The secret-store account name. */
  readonly account: string;
  private entry: Promise<KeyringEntry> | undefined;
  private readonly loadEntryFactory: () => Promise<KeyringEntryFactory>;

  constructor(cachePath: string, options: KeyringKeyStoreOptions = {}) {
    this.service = options.service ?? 'brokerbridge.token-cache';
    this.account = options.account ?? resolve(cachePath);
    this.loadEntryFactory = options.loadEntryFactory ?? loadNapiKeyring;
  }

  private open(): Promise<KeyringEntry> {
    this.entry ??= this.loadEntryFactory().then(
      (make) => make(this.service, this.account),
      (cause: unknown) => {
        this.entry = undefined;
        throw new PersistenceError(
          'the OS secret store is unavailable: the optional module @napi-rs/keyring could not be loaded',
          { cause },
        );
      },
    );
    return this.entry;
  }

  async get(): Promise<Buffer | undefined> {
    const entry = await this.open();
    let stored: string | null;
    try {
      stored = await entry.getPassword();
    } catch (cause) {
      throw new PersistenceError(`cannot read the cache key from ${this.describe()}: ${reason(cause)}`, { cause });
    }
    if (stored === null) return undefined;
    const key = Buffer.from(stored, 'base64');
    if (key.length !== 32) throw new PersistenceError(`the cache key in ${this.describe()} is not a 32-byte key`);
    return key;
  }

  /** Stores the key (base64) in the secret store. */
  async set(key: Buffer): Promise<void> {
    const entry = await this.open();
    try {
      await entry.setPassword(key.toString('base64'));
    } catch (cause) {
      throw new PersistenceError(`cannot store the cache key in ${this.describe()}: ${reason(cause)}`, { cause });
    }
  }

  /** The secret store and entry names, for messages. */
  describe(): string {
    const where = process.platform === 'win32' ? 'Windows Credential Manager' : process.platform === 'darwin' ? 'macOS Keychain' : 'Secret Service';
    return `${where} (service "${this.service}", account "${this.account}")`;
  }
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
