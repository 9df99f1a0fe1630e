/**
 * The OS broker as a strategy the public client is given: the native one
 * (MSALRuntime through the addon) by default, a scripted one in tests, or an
 * app's own. Everything the facade decides (opt-in, redirect URI, fallbacks)
 * rests on this interface, so it runs without any broker installed.
 */
import type {
  BrokerAuthParams,
  BrokerAuthResult,
  BrokerCallOptions,
  BrokerLogCallback,
  BrokerLogOptions,
  WindowHandle,
} from './types.js';

/**
 * Which OS broker a {@link BrokerClient} talks to. Each has its own opt-in
 * (enableBrokerOnWindows, enableBrokerOnMac, enableBrokerOnLinux, enableBrokerOnWsl)
 * and its own redirect URI.
 */
export type BrokerPlatform = 'windows' | 'mac' | 'linux' | 'wsl';

/** Whether the broker can take calls; when not, why (shown by isBrokerAvailable()). */
export type BrokerAvailability = { available: true } | { available: false; reason: string };

/**
 * The OS broker (WAM, Company Portal, the Linux identity broker) as {@link PublicClientApplication}
 * uses it. The default is the native broker through MSALRuntime; pass your own as the
 * `brokerClient` option to test your app's broker paths without a broker, or to reach a broker
 * another way.
 *
 * Every call rejects with a {@link BrokerCallError} when the broker answers with an error
 * (its `status.name` drives the fallbacks: `RequiredBrokerMissing` and `FallbackToNativeMsal`
 * mean "use the browser"), with a TimeoutError when `timeoutMs` passes, and with an AbortError
 * when `signal` aborts.
 *
 * @example
 * ```ts
 * import { BrokerCallError, PublicClientApplication, type BrokerAuthResult, type BrokerClient } from 'brokerbridge';
 *
 * declare function testToken(scopes: string[]): BrokerAuthResult; // your test fixture
 *
 * // A Windows broker with no account yet: the silent sign-in needs interaction, the broker's UI succeeds.
 * const broker: BrokerClient = {
 *   platform: 'windows',
 *   availability: async () => ({ available: true }),
 *   signInSilently: async () => {
 *     throw new BrokerCallError({ status: 2, errorCode: 0, tag: 0, context: 'no account yet' }); // InteractionRequired
 *   },
 *   signInInteractively: async (params) => testToken(params.scopes),
 *   acquireTokenSilently: async (params) => testToken(params.scopes),
 *   signOutSilently: async () => {},
 *   setLogger: () => {},
 * };
 * const app = new PublicClientApplication({ clientId: '<app id>', enableBrokerOnWindows: true, brokerClient: broker });
 * const result = await app.acquireTokenInteractive(['User.Read'], {
 *   parentWindowHandle: PublicClientApplication.CONSOLE_WINDOW_HANDLE,
 * });
 * console.log(result.token_source); // 'broker'
 * ```
 */
export interface BrokerClient {
  /**
   * The OS broker this client talks to; undefined where no OS broker exists. The app's
   * matching enableBrokerOn* option decides whether it is used, and the platform picks the
   * redirect URI the broker requires.
   */
  readonly platform: BrokerPlatform | undefined;

  /**
   * Starts the broker on first use (later calls share that start) and says whether it can
   * take calls. Never rejects: a broker that cannot start is unavailable, with a reason.
   */
  availability(): Promise<BrokerAvailability>;

  /** A token for an account the broker knows, by the broker's account id, without UI. */
  acquireTokenSilently(
    params: BrokerAuthParams,
    correlationId: string,
    accountId: string,
    options?: BrokerCallOptions,
  ): Promise<BrokerAuthResult>;

  /** Signs in the OS's default account without UI; rejects with status InteractionRequired when that needs the user. */
  signInSilently(params: BrokerAuthParams, correlationId: string, options?: BrokerCallOptions): Promise<BrokerAuthResult>;

  /**
   * Signs a user in with the broker's UI, parented to `parentWindow`; `loginHint` (may be
   * empty) pre-selects the account.
   */
  signInInteractively(
    params: BrokerAuthParams,
    correlationId: string,
    parentWindow: WindowHandle,
    loginHint: string,
    options?: BrokerCallOptions,
  ): Promise<BrokerAuthResult>;

  /** Signs the account (by the broker's account id) out of this app in the broker. */
  signOutSilently(clientId: string, correlationId: string, accountId: string, options?: BrokerCallOptions): Promise<void>;

  /**
   * Where the broker's own log lines go (null stops them). Called once, when the app is
   * constructed; a client that starts later should keep the callback until it starts.
   */
  setLogger(callback: BrokerLogCallback | null, options?: BrokerLogOptions): void;
}
