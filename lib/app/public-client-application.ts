import { InvalidArgumentError } from '../errors.js';
import { NativeBrokerClient } from '../broker/native-broker-client.js';
import { CONSOLE_WINDOW_HANDLE, type WindowHandle } from '../broker/types.js';
import type { Account } from './account.js';
import { BrokerRoute } from './broker-route.js';
import { ApiId } from '../http/telemetry.js';
import type { BrowserLauncher } from '../interactive/browser.js';
import { runBrowserFlow } from '../interactive/interactive-flow.js';
import { initiateDeviceFlow, pollDeviceFlow, type DeviceFlow, type DeviceFlowProgress } from '../oauth2/device-flow.js';
import { byDeviceCode, GrantType } from '../oauth2/grants.js';
import { nonceHash } from '../oauth2/auth-code-flow.js';
import { ccsAuthorizationParams } from '../oauth2/ccs.js';
import { scopesToString } from '../oauth2/scopes.js';
import type { AcquireTokenResult, ErrorResult } from '../oauth2/types.js';
import { isErrorResult } from '../oauth2/types.js';
import { assertScopes, ClientApplication } from './client-application.js';
import type { PublicClientApplicationOptions } from './options.js';
import { errorResult } from './token-result.js';
import type { AuthScheme } from './auth-scheme.js';

/** Options of acquireTokenInteractive(). */
export interface InteractiveOptions {
  /** One of {@link Prompt}'s values, e.g. Prompt.SELECT_ACCOUNT to let the user pick another account. */
  prompt?: string | undefined;
  /** The user's sign-in name, pre-filled on the login page (or the broker's account picker). */
  loginHint?: string | undefined;
  /** Skips home realm discovery: 'consumers', 'organizations' or a federated domain. */
  domainHint?: string | undefined;
  /** A resource's claims challenge to satisfy. */
  claimsChallenge?: string | undefined;
  /** Seconds to wait for the browser; BrowserInteractionTimeoutError after that. */
  timeout?: number | undefined;
  /** Loopback port; a free one is picked when absent. */
  port?: number | undefined;
  /** Scopes of other resources to consent to now, so later silent calls for them need no prompt. */
  extraScopesToConsent?: string[] | undefined;
  /** Seconds since the user last signed in, at most; older sessions sign in again. */
  maxAge?: number | undefined;
  /** Broker only: HWND/NSView/XID as Electron's getNativeWindowHandle() Buffer, a bigint or a number. */
  parentWindowHandle?: WindowHandle | undefined;
  /** Called just before the browser (or the broker's window) opens. */
  onBeforeLaunchingUi?: (() => void) | undefined;
  /** Aborts the wait: the call rejects with AbortError and the loopback server closes. */
  signal?: AbortSignal | undefined;
  /** Opens the authorization URL; the system browser by default. */
  browserLauncher?: BrowserLauncher | undefined;
  /** How the provider returns the code to the loopback server. */
  responseMode?: 'query' | 'form_post' | undefined;
  /** HTML the browser shows after a successful sign-in. */
  successTemplate?: string | undefined;
  /** HTML the browser shows when the provider returned an error; `$error` and `$error_description` are filled in, escaped. */
  errorTemplate?: string | undefined;
  /** The id this call's requests carry (client-request-id); a random UUID by default. */
  correlationId?: string | undefined;
  /** A PopAuthScheme (or SshCertAuthScheme) for a bound token instead of a bearer token. */
  authScheme?: AuthScheme | undefined;
}

/** Options of acquireTokenByDeviceFlow(). */
export interface DeviceFlowOptions {
  /** A resource's claims challenge to satisfy. */
  claimsChallenge?: string | undefined;
  /** Stops polling: the call rejects with AbortError. */
  signal?: AbortSignal | undefined;
  /** Called after each poll that found the user not finished yet. */
  onProgress?: ((info: DeviceFlowProgress) => void) | undefined;
  /** A PopAuthScheme (or SshCertAuthScheme) for a bound token instead of a bearer token. */
  authScheme?: AuthScheme | undefined;
}

/** The key the reference stores the flow's correlation id under. */
const DEVICE_FLOW_CORRELATION_ID = '_correlation_id';

/**
 * Desktop, mobile, CLI and Electron apps (MSAL Python's PublicClientApplication): clients
 * that cannot keep a secret. Signs users in through the OS broker when it is enabled and
 * present, through the system browser otherwise, or with a device code.
 *
 * @example
 * ```ts
 * import { PublicClientApplication, isErrorResult } from 'brokerbridge';
 *
 * const app = new PublicClientApplication({
 *   clientId: '<app id>',
 *   authority: 'https://login.microsoftonline.com/<tenant>',
 *   enableBrokerOnWindows: true, // WAM; also enableBrokerOnMac / enableBrokerOnLinux / enableBrokerOnWsl
 * });
 *
 * const [account] = await app.getAccounts();
 * let result = account ? await app.acquireTokenSilent(['User.Read'], account) : null;
 * if (!result) {
 *   const r = await app.acquireTokenInteractive(['User.Read'], {
 *     parentWindowHandle: win.getNativeWindowHandle(), // Electron; or PublicClientApplication.CONSOLE_WINDOW_HANDLE
 *   });
 *   if (isErrorResult(r)) throw new Error(`${r.error}: ${r.error_description}`);
 *   result = r;
 * }
 * console.log(result.token_source, result.expires_in);
 * ```
 */
export class PublicClientApplication extends ClientApplication {
  /** Parent "window" for console apps that enable the broker. */
  static readonly CONSOLE_WINDOW_HANDLE: typeof CONSOLE_WINDOW_HANDLE = CONSOLE_WINDOW_HANDLE;
  /** The device flow's key for its correlation id; set it to choose the id the polling requests carry. */
  static readonly DEVICE_FLOW_CORRELATION_ID: typeof DEVICE_FLOW_CORRELATION_ID = DEVICE_FLOW_CORRELATION_ID;
  private readonly broker: BrokerRoute;

  /**
   * @param options - The client id, the authority and the broker switches; see {@link PublicClientApplicationOptions}.
   * @throws InvalidArgumentError when clientId is missing or a clientCredential is given.
   */
  constructor(options: PublicClientApplicationOptions) {
    if (options && (options as { clientCredential?: unknown }).clientCredential !== undefined) {
      throw new InvalidArgumentError('A public client has no client credential; use ConfidentialClientApplication');
    }
    // The native client loads nothing until the broker is first asked for.
    const brokerClient =
      options?.brokerClient ?? new NativeBrokerClient({ runtimePath: options?.brokerRuntimePath });
    let route: BrokerRoute | undefined;
    super(options, { confidential: false, broker: (app) => (route = new BrokerRoute(brokerClient, options, app)) });
    this.broker = route!;
  }

  /**
   * Whether acquire* calls will reach the OS broker, and if not, why. Loads the broker runtime on first use.
   *
   * @example
   * ```ts
   * const { available, reason } = await app.isBrokerAvailable();
   * if (!available) console.log(`Signing in through the browser: ${reason}`);
   * ```
   */
  async isBrokerAvailable(): Promise<{ available: boolean; reason?: string }> {
    return this.broker.availability();
  }

  /** Also signs the account out of the broker when the broker established it. */
  override async removeAccount(account: Account): Promise<void> {
    await super.removeAccount(account);
    await this.broker.signOut(account);
  }

  /**
   * Signs a user in through the OS broker when enabled and present, else through the
   * system browser with a loopback redirect (http://localhost, which the app registration
   * must allow), PKCE S256, state and nonce.
   *
   * @example
   * ```ts
   * const r = await app.acquireTokenInteractive(['User.Read'], {
   *   parentWindowHandle: win.getNativeWindowHandle(), // needed when a broker is enabled
   *   prompt: Prompt.SELECT_ACCOUNT,
   *   timeout: 300, // seconds
   * });
   * if (isErrorResult(r)) throw new Error(`${r.error}: ${r.error_description}`);
   * console.log(r.id_token_claims?.preferred_username, r.token_source);
   * ```
   */
  async acquireTokenInteractive(scopes: string[], options: InteractiveOptions = {}): Promise<AcquireTokenResult> {
    assertScopes(scopes);
    if (options.timeout !== undefined && !(options.timeout > 0)) throw new InvalidArgumentError('timeout must be a positive number of seconds');
    const ctx = await this.prepare(options);
    const { authority, claims, correlationId } = ctx;
    const viaBroker = await this.broker.interactive(ctx, scopes, options, (hint) => this.getAccounts(hint));
    if (viaBroker) return viaBroker;
    const { prompt, loginHint, domainHint, maxAge, extraScopesToConsent, port, signal, responseMode, onBeforeLaunchingUi } = options;
    const { authResponse, flow } = await runBrowserFlow({
      authorizationEndpoint: authority.metadata.authorization_endpoint,
      clientId: this.clientId,
      scopes: this.decorate(scopes),
      prompt,
      loginHint,
      domainHint,
      maxAge,
      claims,
      extraScopesToConsent,
      port,
      timeoutMs: options.timeout !== undefined ? options.timeout * 1000 : undefined,
      signal,
      responseMode,
      launcher: options.browserLauncher,
      onBeforeLaunchingUi,
      successPage: options.successTemplate,
      errorPage: options.errorTemplate,
      extraQueryParameters: authority.kind !== 'oidc' ? ccsAuthorizationParams(loginHint) : undefined,
    });
    if (typeof authResponse.error === 'string') {
      return errorResult(authResponse as unknown as ErrorResult, correlationId);
    }
    const code = authResponse.code;
    if (typeof code !== 'string' || code === '') {
      return errorResult({ error: 'invalid_response', error_description: 'The authorization response carried no code' }, correlationId);
    }
    const result = await this.redeemAuthCode(ctx, ApiId.acquireTokenInteractive, code, {
      scopes,
      redirectUri: flow.redirect_uri,
      codeVerifier: flow.code_verifier,
      nonce: nonceHash(flow.nonce),
      maxAge,
      clientInfo: authResponse.client_info,
    });
    return this.finalize(ctx, result);
  }

  /**
   * Starts a device code flow, for devices without a browser; show `flow.message` to the
   * user, then call acquireTokenByDeviceFlow(flow).
   *
   * @example
   * ```ts
   * const flow = await app.initiateDeviceFlow(['User.Read']);
   * if (isErrorResult(flow)) throw new Error(`${flow.error}: ${flow.error_description}`);
   * console.log(flow.message); // "To sign in, use a web browser to open the page ... and enter the code ..."
   * const result = await app.acquireTokenByDeviceFlow(flow);
   * ```
   */
  async initiateDeviceFlow(scopes: string[] = [], options: { claimsChallenge?: string | undefined } = {}): Promise<DeviceFlow | ErrorResult> {
    assertScopes(scopes);
    const { authority, claims, correlationId } = await this.prepare(options);
    const endpoint = authority.metadata.device_authorization_endpoint;
    if (!endpoint) throw new InvalidArgumentError(`The authority ${authority.canonical} offers no device authorization endpoint`);
    const { headers } = this.beginRequest(ApiId.acquireTokenByDeviceFlow, correlationId);
    const flow = await initiateDeviceFlow(this.http, endpoint, { clientId: this.clientId, scope: scopesToString(this.decorate(scopes)), claims, headers });
    if (isErrorResult(flow)) return errorResult(flow, correlationId) as ErrorResult;
    // The reply names no scopes; keep the request's so the cache can file the token.
    return { ...flow, scope: scopesToString(scopes), [DEVICE_FLOW_CORRELATION_ID]: correlationId };
  }

  /**
   * Polls until the user finished, honouring interval and slow_down. Abort with
   * options.signal, or set flow.expires_at = 0 as in the reference.
   *
   * @example
   * ```ts
   * const cancel = new AbortController(); // cancel.abort() stops polling with AbortError
   * const result = await app.acquireTokenByDeviceFlow(flow, {
   *   signal: cancel.signal,
   *   onProgress: ({ remainingSeconds }) => console.log(`${remainingSeconds} s left to enter the code`),
   * });
   * ```
   */
  async acquireTokenByDeviceFlow(flow: DeviceFlow, options: DeviceFlowOptions = {}): Promise<AcquireTokenResult> {
    if (!flow || typeof flow !== 'object' || typeof flow.device_code !== 'string') {
      throw new InvalidArgumentError('flow must be the object returned by initiateDeviceFlow()');
    }
    const reportedId = flow[DEVICE_FLOW_CORRELATION_ID];
    const ctx = await this.prepare({ ...options, correlationId: typeof reportedId === 'string' ? reportedId : undefined });
    const { signal, onProgress } = options;
    const result = await this.redeem(ctx, {
      apiId: ApiId.acquireTokenByDeviceFlow,
      scopes: typeof flow.scope === 'string' ? flow.scope.split(' ') : [],
      signal,
      grant: (endpoint, transport) =>
        pollDeviceFlow((deviceCode) => byDeviceCode(this.tokenClient, endpoint, { deviceCode, claims: ctx.claims }, transport), flow, {
          signal,
          onProgress,
        }),
      caching: { accountSource: GrantType.DeviceCode },
    });
    return this.finalize(ctx, result);
  }
}
