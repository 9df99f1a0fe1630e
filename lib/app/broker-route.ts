/**
 * When the public client's calls go to the OS broker and when they fall back
 * (to the browser, or to cached refresh tokens): the reference's decision
 * table, over an injected BrokerClient so it runs without any broker.
 */
import type { AuthorityKind } from '../authority/types.js';
import type { BrokerClient } from '../broker/broker-client.js';
import { brokerDecision, brokerRedirectUri, isBrokerFallbackError } from '../broker/routing.js';
import type { BrokerAuthParams, BrokerLogLevel, WindowHandle } from '../broker/types.js';
import type { TokenCache } from '../cache/token-cache.js';
import { InvalidArgumentError, TimeoutError } from '../errors.js';
import { newCorrelationId } from '../http/correlation.js';
import type { AcquireTokenResult } from '../oauth2/types.js';
import { isErrorResult } from '../oauth2/types.js';
import { PopAuthScheme } from '../pop/pop-auth-scheme.js';
import type { Account } from './account.js';
import type { AuthScheme } from './auth-scheme.js';
import { finishBrokerCall, interactiveViaBroker, settle, type BrokerCallContext } from './broker-flows.js';
import type { SilentOptions } from './client-application.js';
import type { CallContext } from './request-pipeline.js';
import type { Logger, LogLevel } from './logger.js';
import type { BrokerOptions } from './options.js';
import { errorResult } from './token-result.js';

/** What the route needs of the app it serves, handed over once the app's cache and logger exist. */
export interface BrokerRouteContext {
  clientId: string;
  cache: TokenCache;
  logger: Logger;
  authorityKind: AuthorityKind;
}

/** The silent step ClientApplication asks before it uses cached refresh tokens; undefined means: use them. */
export interface SilentBrokerRoute {
  silent(call: CallContext, scopes: string[], account: Account, options: SilentOptions): Promise<AcquireTokenResult | undefined>;
}

/** The broker-relevant part of acquireTokenInteractive()'s options. */
export interface InteractiveBrokerRequest {
  prompt?: string | undefined;
  loginHint?: string | undefined;
  parentWindowHandle?: WindowHandle | undefined;
  onBeforeLaunchingUi?: (() => void) | undefined;
  signal?: AbortSignal | undefined;
  authScheme?: AuthScheme | undefined;
}

const LOG_LEVELS: Record<BrokerLogLevel, LogLevel> = {
  trace: 'verbose',
  debug: 'verbose',
  info: 'info',
  warning: 'warning',
  error: 'error',
  fatal: 'error',
};

/** PoP is a broker feature (with the broker's own key); SSH certificates and other schemes are not. */
function brokerScheme(scheme: AuthScheme | undefined): { served: boolean; pop?: BrokerAuthParams['pop'] } {
  if (scheme === undefined) return { served: true };
  if (scheme instanceof PopAuthScheme) return { served: true, pop: scheme.brokerPopParams };
  return { served: false };
}

export class BrokerRoute implements SilentBrokerRoute {
  private readonly decision: { use: boolean; reason: string };
  private unavailableLogged = false;

  constructor(
    private readonly client: BrokerClient,
    options: BrokerOptions & { enablePiiLog?: boolean | undefined; logger?: { piiLoggingEnabled?: boolean | undefined } | undefined },
    private readonly app: BrokerRouteContext,
  ) {
    this.decision = brokerDecision(options, app.authorityKind, client.platform);
    const piiEnabled = options.enablePiiLog ?? options.logger?.piiLoggingEnabled ?? false;
    // The broker's own lines may hold PII exactly when the app allowed it (the runtime scrubs them otherwise).
    client.setLogger((message, level) => app.logger.log(LOG_LEVELS[level], message, piiEnabled), { piiEnabled });
  }

  /** isBrokerAvailable(): the decision first, then (starting the broker) its availability. */
  async availability(): Promise<{ available: boolean; reason?: string }> {
    if (!this.decision.use) return { available: false, reason: this.decision.reason };
    const availability = await this.startedBroker();
    return availability.available ? { available: true } : availability;
  }

  /**
   * Accounts the broker established are refreshed by the broker, as in the reference;
   * so are accounts of unknown origin (written by older MSALs), but for those only a
   * success is decisive: a broker error falls through to the cached refresh tokens.
   */
  async silent(call: CallContext, scopes: string[], account: Account, options: SilentOptions): Promise<AcquireTokenResult | undefined> {
    const { authority, correlationId } = call;
    const source = account.account_source;
    if (!this.decision.use || (source !== 'broker' && source !== undefined)) return undefined;
    const scheme = brokerScheme(options.authScheme);
    if (!scheme.served) return undefined;
    if (!(await this.startedBroker()).available) return undefined;
    // forceRefresh: the broker renews exactly the token we hold (SetAccessTokenToRenew).
    const held = options.forceRefresh
      ? this.app.cache.findAccessToken({
          homeAccountId: account.home_account_id,
          environments: authority.aliases,
          clientId: this.app.clientId,
          realm: authority.tenant,
          scopes,
        })
      : undefined;
    const ctx = this.context(call, scopes, { pop: scheme.pop, accessTokenToRenew: held?.secret });
    const callOptions = { signal: options.signal, timeoutMs: options.timeoutMs };
    let outcome: Awaited<ReturnType<typeof settle>>;
    try {
      outcome = await settle(this.client.acquireTokenSilently(ctx.params, correlationId, account.local_account_id, callOptions));
    } catch (e) {
      // A hung broker is an error value here, so acquireTokenSilent resolves null as documented.
      if (!(e instanceof TimeoutError)) throw e;
      this.app.logger.log('warning', `Silent broker call: ${e.message}`);
      return source === undefined ? undefined : errorResult({ error: 'broker_timeout', error_description: e.message }, correlationId);
    }
    if (isBrokerFallbackError(outcome)) {
      this.app.logger.log('warning', `Broker asked for fallback (${outcome.status.name}); using cached refresh tokens`);
      return undefined;
    }
    const result = finishBrokerCall(ctx, outcome);
    return source === undefined && isErrorResult(result) ? undefined : result;
  }

  /**
   * The broker path of acquireTokenInteractive(); undefined means: use the browser.
   * `hintedAccounts` lists the cached accounts matching the login hint.
   */
  async interactive(
    call: CallContext,
    scopes: string[],
    request: InteractiveBrokerRequest,
    hintedAccounts: (loginHint: string) => Promise<Account[]>,
  ): Promise<AcquireTokenResult | undefined> {
    const scheme = brokerScheme(request.authScheme);
    if (!this.decision.use || !scheme.served) return undefined;
    if (request.parentWindowHandle === undefined) {
      throw new InvalidArgumentError(
        'parentWindowHandle is required when the broker is enabled: pass your window handle ' +
          "(Electron: win.getNativeWindowHandle()), or PublicClientApplication.CONSOLE_WINDOW_HANDLE for a console app",
      );
    }
    const availability = await this.startedBroker();
    if (!availability.available) {
      this.app.logger.log('warning', `Falling back to the browser: ${availability.reason}`);
      return undefined;
    }
    const ctx = this.context(call, scopes, { pop: scheme.pop, signal: request.signal });
    const hinted = request.loginHint ? await hintedAccounts(request.loginHint) : [];
    try {
      return await interactiveViaBroker(ctx, {
        parentWindow: request.parentWindowHandle,
        prompt: request.prompt,
        loginHint: request.loginHint,
        hintedAccountId: hinted.length === 1 && hinted[0]!.account_source === 'broker' ? hinted[0]!.local_account_id : undefined,
        onBeforeLaunchingUi: request.onBeforeLaunchingUi,
      });
    } catch (e) {
      if (!isBrokerFallbackError(e)) throw e;
      this.app.logger.log('warning', `Falling back to the browser: the broker answered ${e.status.name}`);
      return undefined;
    }
  }

  /** removeAccount(): accounts the broker established are signed out of it too; failures are only logged. */
  async signOut(account: Account): Promise<void> {
    if (!this.decision.use || account.account_source !== 'broker') return;
    if (!(await this.startedBroker()).available) return;
    try {
      await this.client.signOutSilently(this.app.clientId, newCorrelationId(), account.local_account_id);
    } catch (e) {
      this.app.logger.log('warning', `Broker sign-out failed: ${(e as Error).message}`);
    }
  }

  /** The client's availability; an unavailable broker is logged once, with its reason. */
  private async startedBroker(): Promise<{ available: true } | { available: false; reason: string }> {
    const availability = await this.client.availability();
    if (!availability.available && !this.unavailableLogged) {
      this.unavailableLogged = true;
      this.app.logger.log('warning', `Broker unavailable (${availability.reason})`);
    }
    return availability;
  }

  private context(
    call: CallContext,
    scopes: string[],
    extra: { pop: BrokerAuthParams['pop'] | undefined; accessTokenToRenew?: string | undefined; signal?: AbortSignal | undefined },
  ): BrokerCallContext {
    return {
      broker: this.client,
      authority: call.authority,
      clientId: this.app.clientId,
      cache: this.app.cache,
      logger: this.app.logger,
      correlationId: call.correlationId,
      signal: extra.signal,
      params: {
        clientId: this.app.clientId,
        authority: call.authority.canonical.replace(/\/$/, ''),
        scopes,
        // The decision said yes, so the client names its platform.
        redirectUri: brokerRedirectUri(this.app.clientId, this.client.platform!),
        claims: call.claims,
        pop: extra.pop,
        accessTokenToRenew: extra.accessTokenToRenew,
      },
    };
  }
}
