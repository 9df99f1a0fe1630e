/**
 * The system-browser sign-in used when no broker is available: loopback
 * server, PKCE auth-code URL, browser, and back. Redeeming the code is the
 * caller's job (the application facade owns the token client and the cache).
 */
import { randomBytes } from 'node:crypto';
import { AbortError, InvalidArgumentError, MalformedResponseError } from '../errors.js';
import type { Logger } from '../app/logger.js';
import { initiateAuthCodeFlow, validateAuthCodeResponse, type AuthCodeFlow } from '../oauth2/auth-code-flow.js';
import { defaultBrowserLauncher, type BrowserLauncher } from './browser.js';
import { startLoopbackServer } from './loopback-server.js';

export interface BrowserFlowOptions {
  authorizationEndpoint: string;
  clientId: string;
  /** The scopes to redeem the code for (already decorated with openid/profile/offline_access by the caller). */
  scopes: string[];
  prompt?: string | undefined;
  loginHint?: string | undefined;
  domainHint?: string | undefined;
  maxAge?: number | undefined;
  claims?: string | undefined;
  /** Consented up front in the same sign-in, but not part of the token requested now. */
  extraScopesToConsent?: string[] | undefined;
  /** Loopback port; 0 or absent lets the OS choose. */
  port?: number | undefined;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  responseMode?: 'query' | 'form_post' | undefined;
  launcher?: BrowserLauncher | undefined;
  extraQueryParameters?: Record<string, string> | undefined;
  /** Called right before the browser opens (MSAL Python's on_before_launching_ui). */
  onBeforeLaunchingUi?: (() => void) | undefined;
  successPage?: string | undefined;
  errorPage?: string | undefined;
  logger?: Logger | undefined;
}

export interface BrowserFlowResult {
  /** Every parameter the provider sent back: code (or error), state, and whatever else it added. */
  authResponse: Record<string, string>;
  /** Holds the PKCE verifier, redirect URI and nonce needed to redeem the code and check the ID token. */
  flow: AuthCodeFlow;
}

function validateScopes(name: string, scopes: unknown): string[] {
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || s.trim() === '')) {
    throw new InvalidArgumentError(`${name} must be an array of non-empty strings`);
  }
  return scopes as string[];
}

export async function runBrowserFlow(options: BrowserFlowOptions): Promise<BrowserFlowResult> {
  const scopes = validateScopes('scopes', options.scopes);
  const extra = validateScopes('extraScopesToConsent', options.extraScopesToConsent ?? []);
  if (options.responseMode !== undefined && options.responseMode !== 'query' && options.responseMode !== 'form_post') {
    // A fragment never reaches a server, so the loopback cannot receive it.
    throw new InvalidArgumentError(`responseMode must be "query" or "form_post", got ${JSON.stringify(options.responseMode)}`);
  }
  if (options.signal?.aborted) throw new AbortError(undefined, { cause: options.signal.reason });

  const state = randomBytes(24).toString('base64url');
  const server = await startLoopbackServer({
    expectedState: state,
    port: options.port,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    successPage: options.successPage,
    errorPage: options.errorPage,
  });
  try {
    const flow = initiateAuthCodeFlow({
      authorizationEndpoint: options.authorizationEndpoint,
      clientId: options.clientId,
      scopes: [...new Set([...scopes, ...extra])],
      redirectUri: server.redirectUri,
      state,
      prompt: options.prompt,
      loginHint: options.loginHint,
      domainHint: options.domainHint,
      maxAge: options.maxAge,
      claims: options.claims,
      responseMode: options.responseMode,
      extraQueryParameters: options.extraQueryParameters,
    });
    // The token request must ask only for what the caller wants now, not the extra consent.
    flow.scope = [...scopes];

    const response = server.waitForAuthResponse();
    options.onBeforeLaunchingUi?.();
    options.logger?.log('info', `Opening a browser; waiting on ${server.redirectUri}`);
    // The URL carries login_hint, so it only goes to PII-enabled logs.
    options.logger?.log('verbose', `Authorization URL: ${flow.auth_uri}`, true);
    const launcher = options.launcher ?? defaultBrowserLauncher();
    // A launcher that never returns must not outlive a timeout or an abort.
    await Promise.race([launcher(flow.auth_uri), response]);
    const authResponse = await response;

    try {
      validateAuthCodeResponse(flow, authResponse);
    } catch (e) {
      if (!(e instanceof InvalidArgumentError)) throw e;
      throw new MalformedResponseError('The authorization response carries neither code nor error', { cause: e });
    }
    return { authResponse, flow };
  } finally {
    await server.close();
  }
}
