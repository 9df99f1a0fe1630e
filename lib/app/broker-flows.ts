/**
 * The reference's interactive and silent logic over the OS broker, kept apart
 * from the facade; BrokerRoute (broker-route.ts) decides when they run.
 */
import type { ResolvedAuthority } from '../authority/types.js';
import { BrokerCallError } from '../broker/broker-error.js';
import type { BrokerClient } from '../broker/broker-client.js';
import { brokerErrorResponse, brokerResultToResponse, isBrokerFallbackError, isInteractionRecoverable } from '../broker/routing.js';
import type { BrokerAuthParams, BrokerAuthResult, WindowHandle } from '../broker/types.js';
import type { AcquireTokenResult } from '../oauth2/types.js';
import type { Logger } from './logger.js';
import { finishTokenResponse } from './token-result.js';
import type { TokenCache } from '../cache/token-cache.js';

export interface BrokerCallContext {
  broker: BrokerClient;
  authority: ResolvedAuthority;
  clientId: string;
  cache: TokenCache;
  logger: Logger;
  correlationId: string;
  params: BrokerAuthParams;
  signal?: AbortSignal | undefined;
}

/** Turns a broker result or failure into a facade result; successes are cached as broker accounts. */
export function finishBrokerCall(ctx: BrokerCallContext, outcome: BrokerAuthResult | BrokerCallError): AcquireTokenResult {
  // A PoP result is a signed request for one URL: never reusable, so it stays out of the cache.
  const reusable = !ctx.params.pop;
  if (outcome instanceof BrokerCallError) {
    return { ...brokerErrorResponse(outcome), correlation_id: ctx.correlationId };
  }
  const { response, idTokenClaims, accountId } = brokerResultToResponse(outcome);
  return finishTokenResponse(response, {
    clientId: ctx.clientId,
    cache: ctx.cache,
    authority: ctx.authority,
    scopes: ctx.params.scopes,
    correlationId: ctx.correlationId,
    tokenSource: 'broker',
    accountSource: 'broker',
    skipAccessTokenCache: !reusable,
    idTokenClaims,
    localAccountId: accountId,
  });
}

/** Runs a broker call; a BrokerCallError becomes the outcome, anything else propagates. */
export async function settle(call: Promise<BrokerAuthResult>): Promise<BrokerAuthResult | BrokerCallError> {
  try {
    return await call;
  } catch (e) {
    if (e instanceof BrokerCallError) return e;
    throw e;
  }
}

export interface InteractiveBrokerOptions {
  prompt?: string | undefined;
  loginHint?: string | undefined;
  parentWindow: WindowHandle;
  /** The single cached account matching loginHint, if exactly one does. */
  hintedAccountId?: string | undefined;
  onBeforeLaunchingUi?: (() => void) | undefined;
}

/**
 * As MSAL Python does it: an unambiguous login hint goes silent first; no
 * prompt (or none) tries a silent sign-in, falling back to UI only when the
 * broker says interaction is needed; everything else signs in interactively.
 * Fallback-to-browser statuses are rethrown for the caller to handle.
 */
export async function interactiveViaBroker(ctx: BrokerCallContext, o: InteractiveBrokerOptions): Promise<AcquireTokenResult> {
  const callOptions = ctx.signal ? { signal: ctx.signal } : {};
  if (o.loginHint && o.prompt !== 'select_account' && o.hintedAccountId) {
    const silent = await settle(ctx.broker.acquireTokenSilently(ctx.params, ctx.correlationId, o.hintedAccountId, callOptions));
    if (!(silent instanceof BrokerCallError)) return finishBrokerCall(ctx, silent);
    rethrowFallback(silent);
  }
  if (!o.prompt || o.prompt === 'none') {
    const silent = await settle(ctx.broker.signInSilently(ctx.params, ctx.correlationId, callOptions));
    rethrowFallback(silent);
    if (o.prompt === 'none' || !(silent instanceof BrokerCallError) || !isInteractionRecoverable(silent)) {
      return finishBrokerCall(ctx, silent);
    }
    ctx.logger.log('info', `Broker silent sign-in needs interaction (${silent.status.name}); showing the broker UI`);
  }
  o.onBeforeLaunchingUi?.();
  const hint = o.prompt === 'select_account' ? '' : (o.loginHint ?? '');
  const outcome = await settle(ctx.broker.signInInteractively(ctx.params, ctx.correlationId, o.parentWindow, hint, callOptions));
  rethrowFallback(outcome);
  return finishBrokerCall(ctx, outcome);
}

function rethrowFallback(outcome: BrokerAuthResult | BrokerCallError): void {
  if (isBrokerFallbackError(outcome)) throw outcome;
}
