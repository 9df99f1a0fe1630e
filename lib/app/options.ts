import type { AuthorityOptions } from '../authority/authority.js';
import type { BrokerClient } from '../broker/broker-client.js';
import type { HttpClient } from '../http/types.js';
import type { HttpCacheStore } from '../http/http-cache.js';
import type { ClientCredential } from '../oauth2/client-credential.js';
import type { TokenCache } from '../cache/token-cache.js';
import type { LoggerOptions } from './logger.js';
import type { PopKeyStore } from '../pop/pop-key.js';

/** Options shared by public and confidential clients (MSAL Python's ClientApplication kwargs, camelCased). */
export interface ClientApplicationOptions extends AuthorityOptions {
  /** The application (client) id the identity provider issued. */
  clientId: string;
  /** Replaces the built-in fetch transport (proxies, custom TLS, tests). Requests still pass through the throttling layer. */
  httpClient?: HttpClient | undefined;
  /**
   * MSAL Python's http_cache: discovery replies (a day) and throttling state (429/5xx and 400
   * replays) live here; persist it to keep them across runs. A Map works; so does any get/set store.
   */
  httpCache?: HttpCacheStore | undefined;
  /** Per-request HTTP timeout of the default client, in milliseconds. */
  timeoutMs?: number | undefined;
  /** Where tokens are kept; an in-memory SerializableTokenCache by default. A PersistentTokenCache shares them across processes. */
  tokenCache?: TokenCache | undefined;
  /** Capabilities the app declares (e.g. ['CP1'] for continuous access evaluation), sent as access_token.xms_cc in each request's claims. */
  clientCapabilities?: string[] | undefined;
  /** Reserved scopes to leave out, e.g. ['offline_access'] to get no refresh token. */
  excludeScopes?: string[] | undefined;
  /** Sent as the x-app-name header, so the identity provider's logs can name the app. */
  appName?: string | undefined;
  /** Sent as the x-app-ver header. */
  appVersion?: string | undefined;
  /** Where log messages go and how many; nothing is logged without a callback. */
  logger?: LoggerOptions | undefined;
  /** Shorthand for logger.piiLoggingEnabled. */
  enablePiiLog?: boolean | undefined;
  /** Keeps the Proof-of-Possession key across runs (e.g. createFilePopKeyStore(path)); in memory otherwise. */
  popKeyStore?: PopKeyStore | undefined;
}

/**
 * Opting into the OS broker, per platform (MSAL Python's enable_broker_on_*). Where the broker
 * or its runtime is missing, sign-in uses the system browser and isBrokerAvailable() says why.
 */
export interface BrokerOptions {
  /** Use WAM on Windows. */
  enableBrokerOnWindows?: boolean | undefined;
  /** Use Company Portal on macOS. */
  enableBrokerOnMac?: boolean | undefined;
  /** Use the Intune identity broker on Linux. */
  enableBrokerOnLinux?: boolean | undefined;
  /** Use WAM of the Windows host from WSL. */
  enableBrokerOnWsl?: boolean | undefined;
  /** Path to msalruntime.dll / libmsalruntime.dylib / libmsalruntime.so (the default broker client's runtime). */
  brokerRuntimePath?: string | undefined;
  /**
   * The broker to use when one is enabled: by default this OS's broker through MSALRuntime,
   * loaded on first use. Pass a {@link BrokerClient} to test the app's broker paths without a
   * broker, or to reach a broker another way; its `platform` picks the enableBrokerOn* option
   * that applies. brokerRuntimePath is then unused.
   */
  brokerClient?: BrokerClient | undefined;
}

/** Options of {@link PublicClientApplication}: the shared ones and the broker switches. */
export type PublicClientApplicationOptions = ClientApplicationOptions & BrokerOptions;

/** Options of {@link ConfidentialClientApplication}. */
export interface ConfidentialClientApplicationOptions extends ClientApplicationOptions {
  /** How the app proves its identity: a secret, a certificate and its key, a PFX file or a client assertion. */
  clientCredential: ClientCredential;
  /** Claims merged into (and overriding) the client assertion's claims. */
  clientClaims?: Record<string, unknown> | undefined;
  /** Regional endpoint for acquireTokenForClient: a region name, true to detect, false for none. */
  azureRegion?: string | boolean | undefined;
}
