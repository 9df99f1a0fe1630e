import type { AuthorityOptions } from '../authority/authority.js';
import type { HttpClient } from '../http/types.js';
import type { HttpCacheStore } from '../http/http-cache.js';
import type { ClientCredential } from '../oauth2/client-credential.js';
import type { TokenCache } from '../cache/token-cache.js';
import type { LoggerOptions } from './logger.js';
import type { PopKeyStore } from '../pop/pop-key.js';

/** Options shared by public and confidential clients (MSAL Python's ClientApplication kwargs, camelCased). */
export interface ClientApplicationOptions extends AuthorityOptions {
  clientId: string;
  httpClient?: HttpClient;
  /**
   * MSAL Python's http_cache: discovery replies (a day) and throttling state (429/5xx and 400
   * replays) live here; persist it to keep them across runs. A Map works; so does any get/set store.
   */
  httpCache?: HttpCacheStore;
  /** Per-request HTTP timeout of the default client, in milliseconds. */
  timeoutMs?: number;
  tokenCache?: TokenCache;
  clientCapabilities?: string[];
  /** Reserved scopes to leave out, e.g. ['offline_access'] to get no refresh token. */
  excludeScopes?: string[];
  appName?: string;
  appVersion?: string;
  logger?: LoggerOptions;
  /** Shorthand for logger.piiLoggingEnabled. */
  enablePiiLog?: boolean;
  /** Keeps the Proof-of-Possession key across runs (e.g. createFilePopKeyStore(path)); in memory otherwise. */
  popKeyStore?: PopKeyStore;
}

export interface BrokerOptions {
  enableBrokerOnWindows?: boolean;
  enableBrokerOnMac?: boolean;
  enableBrokerOnLinux?: boolean;
  enableBrokerOnWsl?: boolean;
  /** Path to msalruntime.dll / libmsalruntime.dylib / libmsalruntime.so. */
  brokerRuntimePath?: string;
}

export type PublicClientApplicationOptions = ClientApplicationOptions & BrokerOptions;

export interface ConfidentialClientApplicationOptions extends ClientApplicationOptions {
  clientCredential: ClientCredential;
  /** Claims merged into (and overriding) the client assertion's claims. */
  clientClaims?: Record<string, unknown>;
  /** Regional endpoint for acquireTokenForClient: a region name, true to detect, false for none. */
  azureRegion?: string | boolean;
}
