import { InvalidArgumentError, TimeoutError } from '../errors.js';
import { BrokerSession } from '../broker/broker-session.js';
import { brokerDecision, brokerRedirectUri, isBrokerFallbackError, type HostPlatform } from '../broker/routing.js';
import { CONSOLE_WINDOW_HANDLE, type AuthParams } from '../broker/types.js';
import { isWsl } from '../interactive/browser.js';
import { PopAuthScheme } from '../pop/pop-auth-scheme.js';
import { SshCertAuthScheme } from '../pop/ssh-cert.js';
import type { ResolvedAuthority } from '../authority/types.js';
import type { Account } from './account.js';
import { finishBrokerCall, interactiveViaBroker, settle, type BrokerCallContext } from './broker-flows.js';
import { newCorrelationId } from '../http/correlation.js';
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
import { assertScopes, ClientApplication, type SilentOptions } from './client-application.js';
import type { CallContext } from './request-pipeline.js';
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
  parentWindowHandle?: Buffer | bigint | number | typeof CONSOLE_WINDOW_HANDLE | undefined;
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
  private readonly host: HostPlatform;
  private readonly broker: { use: boolean; reason: string };
  private readonly brokerSession: BrokerSession;

  /**
   * @param options - The client id, the authority and the broker switches; see {@link PublicClientApplicationOptions}.
   * @throws InvalidArgumentError when clientId is missing or a clientCredential is given.
   */
  constructor(options: PublicClientApplicationOptions);
  /** @internal Tests choose the platform the broker decision is made for. */
  constructor(options: PublicClientApplicationOptions, host?: HostPlatform);
  constructor(options: PublicClientApplicationOptions, host?: HostPlatform) {
    if (options && (options as { clientCredential?: unknown }).clientCredential !== undefined) {
      throw new InvalidArgumentError('A public client has no client credential; use ConfidentialClientApplication');
    }
    super(options, { confidential: false });
    this.host = host ?? { platform: process.platform, wsl: process.platform === 'linux' && isWsl() };
    this.broker = brokerDecision(options, this.authority.kind, this.host);
    this.brokerSession = new BrokerSession({
      ...(options.brokerRuntimePath !== undefined ? { runtimePath: options.brokerRuntimePath } : {}),
      logger: this.logger,
      piiEnabled: options.enablePiiLog ?? options.logger?.piiLoggingEnabled ?? false,
      host: this.host,
    });
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
    if (!this.broker.use) return { available: false, reason: this.broker.reason };
    const availability = await this.brokerSession.get();
    return availability.available ? { available: true } : { available: false, reason: availability.reason };
  }

  private brokerContext(
    runtime: BrokerCallContext['runtime'],
    authority: ResolvedAuthority,
    scopes: string[],
    correlationId: string,
    extra: { claims?: string | undefined; pop?: AuthParams['pop'] | undefined; accessTokenToRenew?: string | undefined; signal?: AbortSignal | undefined },
  ): BrokerCallContext {
    return {
      runtime,
      authority,
      clientId: this.clientId,
      cache: this.tokenCache,
      logger: this.logger,
      correlationId,
      ...(extra.signal ? { signal: extra.signal } : {}),
      params: {
        clientId: this.clientId,
        authority: authority.canonical.replace(/\/$/, ''),
        scopes,
        redirectUri: brokerRedirectUri(this.clientId, this.host),
        ...(extra.claims ? { claims: extra.claims } : {}),
        ...(extra.pop ? { pop: extra.pop } : {}),
        ...(extra.accessTokenToRenew ? { accessTokenToRenew: extra.accessTokenToRenew } : {}),
      },
    };
  }

  /**
   * @internal
   * Accounts the broker established are refreshed by the broker, as in the reference;
   * so are accounts of unknown origin (written by older MSALs), but for those only a
   * success is decisive: a broker error falls through to the cached refresh tokens.
   */
  protected override async silentViaBroker(
    call: CallContext,
    scopes: string[],
    account: Account,
    options: SilentOptions,
  ): Promise<AcquireTokenResult | undefined> {
    const { authority, claims, correlationId } = call;
    const source = account.account_source;
    if (!this.broker.use || (source !== 'broker' && source !== undefined)) return undefined;
    // SSH certificates are not a broker feature; PoP is, with the broker's own key.
    if (options.authScheme !== undefined && !(options.authScheme instanceof PopAuthScheme)) return undefined;
    const pop = options.authScheme instanceof PopAuthScheme ? options.authScheme.brokerPopParams : undefined;
    const availability = await this.brokerSession.get();
    if (!availability.available) return undefined;
    // forceRefresh: the broker renews exactly the token we hold (SetAccessTokenToRenew).
    const held = options.forceRefresh
      ? this.tokenCache.findAccessToken({
          homeAccountId: account.home_account_id,
          environments: authority.aliases,
          clientId: this.clientId,
          realm: authority.tenant,
          scopes,
        })
      : undefined;
    const ctx = this.brokerContext(availability.runtime, authority, scopes, correlationId, {
      ...(claims ? { claims } : {}),
      ...(pop ? { pop } : {}),
      ...(held ? { accessTokenToRenew: held.secret } : {}),
    });
    const callOptions = {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    };
    let outcome: Awaited<ReturnType<typeof settle>>;
    try {
      outcome = await settle(
        availability.runtime.acquireTokenSilently(ctx.params, correlationId, account.local_account_id, callOptions),
      );
    } catch (e) {
      // A hung broker is an error value here, so acquireTokenSilent resolves null as documented.
      if (!(e instanceof TimeoutError)) throw e;
      this.logger.log('warning', `Silent broker call: ${e.message}`);
      return source === undefined ? undefined : errorResult({ error: 'broker_timeout', error_description: e.message }, correlationId);
    }
    if (isBrokerFallbackError(outcome)) {
      this.logger.log('warning', `Broker asked for fallback (${outcome.status.name}); using cached refresh tokens`);
      return undefined;
    }
    const result = finishBrokerCall(ctx, outcome);
    return source === undefined && isErrorResult(result) ? undefined : result;
  }

  /** Also signs the account out of the broker when the broker established it. */
  override async removeAccount(account: Account): Promise<void> {
    await super.removeAccount(account);
    if (!this.broker.use || account.account_source !== 'broker') return;
    const availability = await this.brokerSession.get();
    if (!availability.available) return;
    try {
      await availability.runtime.signOutSilently(this.clientId, newCorrelationId(), account.local_account_id);
    } catch (e) {
      this.logger.log('warning', `Broker sign-out failed: ${(e as Error).message}`);
    }
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
    // SSH certificates are not a broker feature; everything else goes to the broker when it is on.
    if (this.broker.use && !(options.authScheme instanceof SshCertAuthScheme)) {
      const viaBroker = await this.interactiveWithBroker(scopes, options, authority, correlationId, claims);
      if (viaBroker) return viaBroker;
    }
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

  /** The broker path of acquireTokenInteractive; undefined means: fall back to the browser. */
  private async interactiveWithBroker(
    scopes: string[],
    options: InteractiveOptions,
    authority: ResolvedAuthority,
    correlationId: string,
    claims: string | undefined,
  ): Promise<AcquireTokenResult | undefined> {
    if (options.parentWindowHandle === undefined) {
      throw new InvalidArgumentError(
        'parentWindowHandle is required when the broker is enabled: pass your window handle ' +
          "(Electron: win.getNativeWindowHandle()), or PublicClientApplication.CONSOLE_WINDOW_HANDLE for a console app",
      );
    }
    const availability = await this.brokerSession.get();
    if (!availability.available) {
      this.logger.log('warning', `Falling back to the browser: ${availability.reason}`);
      return undefined;
    }
    const pop = options.authScheme instanceof PopAuthScheme ? options.authScheme.brokerPopParams : undefined;
    const ctx = this.brokerContext(availability.runtime, authority, scopes, correlationId, {
      ...(claims ? { claims } : {}),
      ...(pop ? { pop } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const hinted = options.loginHint ? await this.getAccounts(options.loginHint) : [];
    try {
      return await interactiveViaBroker(ctx, {
        parentWindow: options.parentWindowHandle,
        ...(options.prompt !== undefined ? { prompt: options.prompt } : {}),
        ...(options.loginHint !== undefined ? { loginHint: options.loginHint } : {}),
        ...(hinted.length === 1 && hinted[0]!.account_source === 'broker' ? { hintedAccountId: hinted[0]!.local_account_id } : {}),
        ...(options.onBeforeLaunchingUi ? { onBeforeLaunchingUi: options.onBeforeLaunchingUi } : {}),
      });
    } catch (e) {
      if (!isBrokerFallbackError(e)) throw e;
      this.logger.log('warning', `Falling back to the browser: the broker answered ${e.status.name}`);
      return undefined;
    }
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
