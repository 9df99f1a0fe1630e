import { Authority } from '../authority/authority.js';
import type { ResolvedAuthority } from '../authority/types.js';
import { cacheAccessHooks, type CacheAccessHooks } from '../cache/persistence/persistent-token-cache.js';
import { SerializableTokenCache } from '../cache/serializable-token-cache.js';
import type { TokenCache } from '../cache/token-cache.js';
import type { AccessTokenEntry, RefreshTokenEntry } from '../cache/entries.js';
import { InvalidArgumentError } from '../errors.js';
import { newCorrelationId } from '../http/correlation.js';
import { createFetchHttpClient } from '../http/fetch-client.js';
import { ApiId, buildClientHeaders, CacheRefreshReason, TelemetryContext, type TelemetryExchange } from '../http/telemetry.js';
import { ThrottledHttpClient } from '../http/throttling.js';
import type { HttpClient } from '../http/types.js';
import { initiateAuthCodeFlow, nonceHash, validateAuthCodeResponse, type AuthCodeFlow } from '../oauth2/auth-code-flow.js';
import { ccsAuthorizationParams, ccsRoutingHeaders } from '../oauth2/ccs.js';
import { mergeClaims } from '../oauth2/claims.js';
import type { ClientAuthenticator } from '../oauth2/client-credential.js';
import { byAuthorizationCode, byRefreshToken, bySamlBearer, byUsernamePassword, GrantType } from '../oauth2/grants.js';
import { decorateScopes, RESERVED_SCOPES } from '../oauth2/scopes.js';
import { TokenClient } from '../oauth2/token-client.js';
import type { AcquireTokenResult, TokenResult } from '../oauth2/types.js';
import { isErrorResult } from '../oauth2/types.js';
import { discoverUserRealm } from '../oauth2/user-realm.js';
import { obtainSamlAssertion } from '../oauth2/wstrust-request.js';
import type { Account } from './account.js';
import type { BrokerRouteContext, SilentBrokerRoute } from './broker-route.js';
import { Coalescer } from './coalescer.js';
import { awaitCacheWritesInPublicCalls } from './durable-calls.js';
import { prepareAuthScheme, type AuthScheme } from './auth-scheme.js';
import { PopKeyManager } from '../pop/pop-key.js';
import { classifySuberror, isTransportFailure } from './errors-classification.js';
import { createLogger, type Logger } from './logger.js';
import type { ClientApplicationOptions } from './options.js';
import { errorResult, finishTokenResponse } from './token-result.js';
import type { CallContext, CallOptions, Redemption } from './request-pipeline.js';

/** An access token is treated as expired this many seconds early, as the reference does. */
const EXPIRY_MARGIN_SECONDS = 300;

/** What every token request may be given: a claims challenge to satisfy, and the id to trace it by. */
export interface TokenRequestOptions {
  /** A resource's claims challenge (from its WWW-Authenticate header) to satisfy; the cache is bypassed. */
  claimsChallenge?: string | undefined;
  /** The id this call's requests carry (client-request-id); a random UUID by default. */
  correlationId?: string | undefined;
}

/** Options of acquireTokenSilent() and acquireTokenSilentWithError(). */
export interface SilentOptions {
  /** Skip the cached access token and redeem a refresh token (or ask the broker) for a new one. */
  forceRefresh?: boolean | undefined;
  /** The claims challenge from a resource's WWW-Authenticate header; the cache is bypassed. */
  claimsChallenge?: string | undefined;
  /** The id this call's requests carry (client-request-id); a random UUID by default. */
  correlationId?: string | undefined;
  /** Extra token request parameters, as MSAL Python's `data`. */
  data?: Record<string, string> | undefined;
  /** Proof-of-Possession or SSH certificate instead of a bearer token. */
  authScheme?: AuthScheme | undefined;
  /** Aborts a silent call to the OS broker: the promise rejects with AbortError at once. */
  signal?: AbortSignal | undefined;
  /**
   * The longest a silent call to the OS broker may take, in milliseconds (default 120000). When it
   * passes, acquireTokenSilent resolves null and acquireTokenSilentWithError a `broker_timeout` error.
   */
  timeoutMs?: number | undefined;
}

/** Options of initiateAuthCodeFlow() and getAuthorizationRequestUrl(). */
export interface AuthCodeFlowOptions {
  /** Where the authorization server sends the user back; must be registered for the app. */
  redirectUri?: string | undefined;
  /** The CSRF token to use; a random one by default. */
  state?: string | undefined;
  /** One of {@link Prompt}'s values (login, consent, select_account, none, create). */
  prompt?: string | undefined;
  /** The user's sign-in name, pre-filled on the login page. */
  loginHint?: string | undefined;
  /** Skips home realm discovery: 'consumers', 'organizations' or a federated domain. */
  domainHint?: string | undefined;
  /** A resource's claims challenge to satisfy. */
  claimsChallenge?: string | undefined;
  /** Seconds since the user last signed in, at most; older sessions sign in again. */
  maxAge?: number | undefined;
  /** How the authorization server returns its reply. */
  responseMode?: 'query' | 'fragment' | 'form_post' | undefined;
}

/**
 * What the AT lookup found: a token to serve (fresh, or aging: refresh_on passed,
 * so refresh and serve it only if that fails), or only an expired one.
 */
export type CachedAccessToken = { state: 'fresh' | 'aging'; result: TokenResult } | typeof EXPIRED_ACCESS_TOKEN;
const EXPIRED_ACCESS_TOKEN = { state: 'expired' } as const;

interface InternalOptions {
  confidential: boolean;
  authenticator?: ClientAuthenticator | undefined;
  /** The public client's way to the OS broker, built once this app's cache and logger exist; silent calls try it first. */
  broker?: ((app: BrokerRouteContext) => SilentBrokerRoute) | undefined;
}

const commonTenants = new Set(['common', 'organizations', 'consumers']);

/**
 * Behaviour shared by public and confidential clients (MSAL Python's ClientApplication):
 * accounts, the silent path, refresh token migration, the auth code flow and username/password.
 * Create a {@link PublicClientApplication} or a {@link ConfidentialClientApplication}; this
 * base is exported as the type both are.
 *
 * Every acquire* method resolves with a {@link TokenResult} or, when the server refused,
 * an {@link ErrorResult} (see {@link isErrorResult}); bad arguments and local failures reject
 * with a {@link BrokerBridgeError}.
 */
export abstract class ClientApplication {
  /** The application (client) id. */
  readonly clientId: string;
  /** The cache this app reads and writes: the `tokenCache` option, or its own in-memory SerializableTokenCache. */
  readonly tokenCache: TokenCache;
  // The protected members below serve the two subclasses in this library only; `@internal`
  // keeps them (and the internal classes their types name) out of the published declarations.
  /** @internal Set for a cache shared with other processes: it syncs with its file around each call. */
  protected readonly cacheHooks: CacheAccessHooks | undefined;
  /** @internal */
  protected readonly logger: Logger;
  /** @internal */
  protected readonly http: HttpClient;
  /** @internal */
  protected readonly authority: Authority;
  private readonly telemetry = new TelemetryContext();
  /** @internal */
  protected readonly tokenClient: TokenClient;
  private readonly clientCapabilities: readonly string[] | undefined;
  private readonly excludeScopes: readonly string[] | undefined;
  /** @internal The app's Proof-of-Possession key, made on first use. */
  protected readonly popKeys: PopKeyManager;
  /** Set once discovery finished, so the silent hot path needs no await. */
  private resolved: ResolvedAuthority | undefined;
  private readonly options: ClientApplicationOptions;
  private readonly silentCoalescer = new Coalescer<AcquireTokenResult | null>();
  /** PKCE verifiers of getAuthorizationRequestUrl(), keyed by state, for acquireTokenByAuthorizationCode(). */
  private readonly pendingVerifiers = new Map<string, string>();
  private readonly brokerRoute: SilentBrokerRoute | undefined;

  /** @internal Only PublicClientApplication and ConfidentialClientApplication extend this class. */
  protected constructor(options: ClientApplicationOptions, internal: InternalOptions) {
    if (typeof options?.clientId !== 'string' || options.clientId.trim() === '') {
      throw new InvalidArgumentError('clientId is required and must be a non-empty string');
    }
    if (options.authority !== undefined && options.oidcAuthority !== undefined) {
      throw new InvalidArgumentError('Pass either authority or oidcAuthority, not both');
    }
    this.options = options;
    this.clientId = options.clientId;
    this.logger = createLogger({
      ...options.logger,
      piiLoggingEnabled: options.enablePiiLog ?? options.logger?.piiLoggingEnabled ?? false,
    });
    const base = options.httpClient ?? createFetchHttpClient({ timeoutMs: options.timeoutMs });
    this.http = new ThrottledHttpClient(base, {
      store: options.httpCache,
      // The reference's defaults for a 429/5xx without Retry-After: a person can wait a minute, a service should retry sooner.
      defaultThrottleSeconds: internal.confidential ? 5 : 60,
    });
    const { authority, oidcAuthority, validateAuthority, instanceDiscovery, authorityMetadata } = options;
    const { instanceDiscoveryMetadata, instanceDiscoveryEndpoint, allowHttpLoopbackAuthority } = options;
    this.authority = Authority.parse({
      // The reference's default authority, unless an OpenID issuer is given instead.
      authority: oidcAuthority === undefined ? (authority ?? 'https://login.microsoftonline.com/common') : undefined,
      oidcAuthority,
      validateAuthority,
      instanceDiscovery,
      authorityMetadata,
      instanceDiscoveryMetadata,
      instanceDiscoveryEndpoint,
      allowHttpLoopbackAuthority,
    });
    this.tokenCache = options.tokenCache ?? new SerializableTokenCache();
    this.cacheHooks = cacheAccessHooks(this.tokenCache);
    if (this.cacheHooks) awaitCacheWritesInPublicCalls(this, this.tokenCache, this.cacheHooks);
    this.clientCapabilities = options.clientCapabilities;
    this.excludeScopes = options.excludeScopes;
    this.popKeys = new PopKeyManager({ store: options.popKeyStore });
    this.tokenClient = new TokenClient({
      http: this.http,
      clientId: this.clientId,
      // client_info is an Entra extension; plain OpenID providers may reject unknown parameters.
      clientInfo: this.authority.kind !== 'oidc',
      authenticator: internal.authenticator,
    });
    this.brokerRoute = internal.broker?.({
      clientId: this.clientId,
      cache: this.tokenCache,
      logger: this.logger,
      authorityKind: this.authority.kind,
    });
  }

  // ---------------------------------------------------------------- helpers

  /** @internal */
  protected async resolveAuthority(): Promise<ResolvedAuthority> {
    if (this.resolved) return this.resolved;
    const { aliases, ...rest } = await this.authority.resolve(this.http, this.logger);
    // MSAL Python caches under the authority's own host (its instance), not the cloud's preferred
    // cache alias, and its lookups try that host first, then the other aliases.
    const environment = new URL(rest.canonical).host;
    const resolved = { ...rest, environment, aliases: [environment, ...aliases.filter((a) => a !== environment)] };
    this.resolved = resolved;
    return resolved;
  }

  /** @internal Starts one token request: its telemetry exchange and every header it sends. */
  protected beginRequest(
    apiId: ApiId,
    correlationId: string,
    extra?: Record<string, string>,
    refreshReason?: CacheRefreshReason,
  ): { exchange: TelemetryExchange; headers: Record<string, string> } {
    const exchange = this.telemetry.begin(apiId, { correlationId, refreshReason });
    const headers = {
      ...buildClientHeaders({ correlationId, appName: this.options.appName, appVersion: this.options.appVersion }),
      ...exchange.headers(),
      ...extra,
    };
    return { exchange, headers };
  }

  /** @internal */
  protected decorate(scopes: readonly string[]): string[] {
    return decorateScopes(scopes, { clientId: this.clientId, excludeScopes: this.excludeScopes });
  }

  /**
   * @internal The first step of every flow: what all requests of one public call share.
   * A PoP key is made (once per app) even when the broker, which signs with its own, serves the call.
   */
  protected async prepare(options: CallOptions): Promise<CallContext> {
    const authority = await this.resolveAuthority();
    const scheme = await prepareAuthScheme(options.authScheme, this.popKeys);
    return {
      correlationId: options.correlationId ?? newCorrelationId(),
      authority,
      claims: mergeClaims(options.claimsChallenge, this.clientCapabilities),
      extra: scheme ? { ...options.data, ...scheme.extra } : options.data,
      keyId: scheme?.keyId ?? options.data?.key_id,
      scheme,
    };
  }

  /** @internal The second step: one token request, reported to telemetry, its reply shaped (and cached) as a result. */
  protected async redeem(ctx: CallContext, r: Redemption): Promise<AcquireTokenResult> {
    const { exchange, headers } = this.beginRequest(r.apiId, ctx.correlationId, r.routing, r.refreshReason);
    const response = await r.grant(r.tokenEndpoint ?? ctx.authority.metadata.token_endpoint, { headers, extra: ctx.extra, signal: r.signal });
    exchange.complete(response as { error?: unknown });
    return finishTokenResponse(response, {
      ...r.caching,
      clientId: this.clientId,
      cache: this.tokenCache,
      logger: this.logger,
      authority: ctx.authority,
      scopes: r.scopes,
      correlationId: ctx.correlationId,
      keyId: ctx.keyId,
    });
  }

  /** @internal What the caller receives: with a PoP scheme, the signed request instead of the bare bound token. */
  protected finalize(ctx: CallContext, result: AcquireTokenResult): Promise<AcquireTokenResult> | AcquireTokenResult {
    return ctx.scheme ? ctx.scheme.finalize(result) : result;
  }

  /** @internal A cached AT served instead of a network call: the reference counts these in its telemetry. */
  protected servedFromCache(hit: { result: TokenResult }): TokenResult {
    this.telemetry.recordCacheHit();
    return hit.result;
  }

  // --------------------------------------------------------------- accounts

  /**
   * Accounts that signed in before (in the cache), optionally only those with this username.
   *
   * @example
   * ```ts
   * const [account] = await app.getAccounts();
   * const result = account ? await app.acquireTokenSilent(['User.Read'], account) : null;
   * ```
   */
  async getAccounts(username?: string): Promise<Account[]> {
    const authority = await this.resolveAuthority();
    await this.cacheHooks?.beforeAccess();
    return this.tokenCache.getAccounts({ environments: authority.aliases, username }) as Account[];
  }

  /**
   * Signs the account out of this app: its tokens and account entries leave the cache.
   * Other apps sharing the cache keep their own refresh tokens.
   *
   * @example
   * ```ts
   * for (const account of await app.getAccounts()) await app.removeAccount(account);
   * ```
   */
  async removeAccount(account: Account): Promise<void> {
    assertAccount(account);
    const authority = await this.resolveAuthority();
    await this.cacheHooks?.beforeAccess({ kind: 'user', homeAccountId: account.home_account_id });
    this.tokenCache.removeAccount(account.home_account_id, authority.aliases, this.clientId);
    await this.cacheHooks?.afterAccess();
  }

  // ----------------------------------------------------------------- silent

  /**
   * A token from the cache or a silent refresh; null when that is not possible (errors included):
   * then ask the user (acquireTokenInteractive, a device flow or an auth code flow).
   *
   * @param scopes - What the token is for, e.g. `['User.Read']`.
   * @param account - One of getAccounts(); null or undefined resolve null.
   * @example
   * ```ts
   * const [account] = await app.getAccounts();
   * let result = account ? await app.acquireTokenSilent(['User.Read'], account) : null;
   * if (!result) {
   *   const r = await app.acquireTokenInteractive(['User.Read']);
   *   if (isErrorResult(r)) throw new Error(`${r.error}: ${r.error_description}`);
   *   result = r;
   * }
   * console.log(result.token_source); // 'cache', 'identity_provider' or 'broker'
   * ```
   */
  acquireTokenSilent(scopes: string[], account: Account | null | undefined, options?: SilentOptions): Promise<TokenResult | null> {
    return this.acquireTokenSilentWithError(scopes, account, options).then((r) => (r && !isErrorResult(r) ? r : null));
  }

  /**
   * Like acquireTokenSilent, but a failed refresh is returned as an error value; null means nothing cached.
   *
   * @example
   * ```ts
   * const r = await app.acquireTokenSilentWithError(['User.Read'], account);
   * if (r && isErrorResult(r) && r.error === 'invalid_grant') {
   *   // The refresh token was revoked or expired: sign the user in again.
   * }
   * ```
   */
  acquireTokenSilentWithError(
    scopes: string[],
    account: Account | null | undefined,
    options: SilentOptions = {},
  ): Promise<AcquireTokenResult | null> {
    try {
      assertScopes(scopes);
      if (!account) return Promise.resolve(null);
      assertAccount(account);
    } catch (e) {
      return Promise.reject(e); // a Promise API reports bad arguments as rejections too
    }
    // Hot path: a valid AT, discovery already done. No awaits, no allocations beyond the result.
    const resolved = this.resolved;
    if (resolved && !options.forceRefresh && !options.claimsChallenge && !options.authScheme) {
      const hit = this.cachedAccessToken(resolved, scopes, account, options.data?.key_id);
      if (hit?.state === 'fresh') return Promise.resolve(this.servedFromCache(hit));
    }
    const key = [
      account.home_account_id,
      scopes.map((s) => s.toLowerCase()).sort().join(' '),
      options.forceRefresh ? 1 : 0,
      options.claimsChallenge ?? '',
      options.data ? JSON.stringify(options.data) : '',
    ].join('\u0000');
    // A caller's own signal or deadline must not cut short another caller's call.
    if (options.signal || options.timeoutMs !== undefined) return this.silentSlow(scopes, account, options);
    return this.silentCoalescer
      .run(key, () => this.silentSlow(scopes, account, options))
      .then((r) => (r ? { ...r } : r));
  }

  /** @internal Looks up an AT for these scopes; undefined when none is cached. */
  protected cachedAccessToken(
    authority: ResolvedAuthority,
    scopes: readonly string[],
    account: Pick<Account, 'home_account_id' | 'realm'> | null,
    keyId?: string,
    extCacheKey?: string,
  ): CachedAccessToken | undefined {
    const homeAccountId = account ? account.home_account_id : null;
    const query = {
      homeAccountId,
      environments: authority.aliases,
      clientId: this.clientId,
      realm: authority.tenant,
      scopes,
      keyId,
      extCacheKey,
    };
    let entry = this.tokenCache.findAccessToken(query);
    // Other MSALs write the home tenant, not "common", as the realm of a user's tokens.
    if (!entry && account && commonTenants.has(authority.tenant) && account.realm && account.realm !== authority.tenant) {
      entry = this.tokenCache.findAccessToken({ ...query, realm: account.realm });
    }
    return entry ? toCachedAccessToken(entry) : undefined;
  }

  private async silentSlow(scopes: string[], account: Account, options: SilentOptions): Promise<AcquireTokenResult | null> {
    const ctx = await this.prepare(options);
    const result = await this.silentWithContext(ctx, scopes, account, options);
    // The broker signs PoP requests itself; only tokens bound to our own key get our signature.
    return result && result.token_source !== 'broker' ? this.finalize(ctx, result) : result;
  }

  private async silentWithContext(
    ctx: CallContext,
    scopes: string[],
    account: Account,
    options: SilentOptions,
  ): Promise<AcquireTokenResult | null> {
    // The hot path serves from memory; a miss is worth one stat (or store round trip) to see what other processes cached.
    await this.cacheHooks?.beforeAccess({ kind: 'user', homeAccountId: account.home_account_id });
    let fallback: TokenResult | undefined;
    let refreshReason: CacheRefreshReason = CacheRefreshReason.forceRefresh;
    if (!options.forceRefresh && !options.claimsChallenge) {
      const hit = this.cachedAccessToken(ctx.authority, scopes, account, ctx.keyId);
      if (hit?.state === 'fresh') return this.servedFromCache(hit);
      refreshReason = refreshReasonFor(hit);
      if (hit?.state === 'aging') fallback = hit.result;
    }
    try {
      const brokered = await this.brokerRoute?.silent(ctx, scopes, account, options);
      if (brokered) return brokered;
      const result = await this.refreshFromCache(ctx, scopes, account, refreshReason);
      if ((result && !isErrorResult(result)) || !fallback) {
        return result && isErrorResult(result) ? classifySuberror(result) : result;
      }
      this.logger.log('info', `Refresh failed (${result?.error}); serving the cached access token, which is still valid`);
      return fallback;
    } catch (e) {
      // A network outage: an aging but valid AT beats an error. Anything else (a bad reply,
      // an invalid ID token, a bug) surfaces, as in the reference.
      if (!fallback || !isTransportFailure(e)) throw e;
      this.logger.log('warning', `Refresh failed in transport (${(e as Error).message}); serving the cached access token, which is still valid`);
      return fallback;
    }
  }

  /**
   * MSAL's family-of-client-ids (FOCI) order: a first-time app tries family RTs
   * (stopping once the server says the app is not in the family), a family member
   * tries its family's RTs, then every app falls back to its own RTs.
   */
  private async refreshFromCache(
    ctx: CallContext,
    scopes: string[],
    account: Account,
    refreshReason: CacheRefreshReason,
  ): Promise<AcquireTokenResult | null> {
    const envs = ctx.authority.aliases;
    const hid = account.home_account_id;
    const appMetadata = this.tokenCache.getAppMetadata(envs, this.clientId);
    const redeem = (rts: RefreshTokenEntry[], breakOnMismatch: boolean) =>
      this.redeemRefreshTokens(ctx, rts, scopes, account, refreshReason, breakOnMismatch);
    if (!appMetadata) {
      const at = await redeem(this.tokenCache.findRefreshTokens({ homeAccountId: hid, environments: envs, familyId: '1' }), true);
      if (at && !isErrorResult(at)) return at;
    }
    let last: AcquireTokenResult | null = null;
    if (appMetadata?.family_id) {
      last = await redeem(
        this.tokenCache.findRefreshTokens({ homeAccountId: hid, environments: envs, familyId: appMetadata.family_id }),
        false,
      );
      if (last && !isErrorResult(last)) return last;
    }
    const own = await redeem(this.tokenCache.findRefreshTokens({ homeAccountId: hid, environments: envs, clientId: this.clientId }), false);
    return own ?? last;
  }

  private async redeemRefreshTokens(
    ctx: CallContext,
    rts: RefreshTokenEntry[],
    scopes: string[],
    account: Account,
    refreshReason: CacheRefreshReason,
    breakOnClientMismatch: boolean,
  ): Promise<AcquireTokenResult | null> {
    let last: AcquireTokenResult | null = null;
    // Generic OpenID providers grant offline_access only at authorization (OIDC Core 11) and
    // reject it on refresh as a scope the RT lacks; Entra wants it to hand out a new RT.
    const decorated = this.decorate(scopes).filter((s) => ctx.authority.kind !== 'oidc' || s !== 'offline_access');
    for (const rt of rts) {
      last = await this.redeem(ctx, {
        apiId: ApiId.acquireTokenSilent,
        scopes,
        routing: ccsRoutingHeaders({ homeAccountId: account.home_account_id }),
        refreshReason,
        grant: (endpoint, transport) =>
          byRefreshToken(this.tokenClient, endpoint, { refreshToken: rt.secret, scopes: decorated, claims: ctx.claims }, transport),
        // As MSAL Python: new tokens land beside the RT they come from, a rotated RT replaces
        // that entry, and no Account is written, so a removeAccount() meanwhile stays done.
        caching: { environment: rt.environment, replacesRefreshToken: rt, skipAccountCreation: true },
      });
      if (!isErrorResult(last)) return last;
      this.logger.log('verbose', `Refresh with a cached RT failed: ${last.error}`);
      if (breakOnClientMismatch && isClientMismatch(last)) break;
    }
    return last;
  }

  // ------------------------------------------------------- other user flows

  /**
   * Migrates a refresh token obtained elsewhere (another library's cache) into this app's cache;
   * later calls use acquireTokenSilent.
   *
   * @example
   * ```ts
   * const r = await app.acquireTokenByRefreshToken(oldRefreshToken, ['User.Read']);
   * if (!isErrorResult(r)) console.log('migrated', r.id_token_claims?.preferred_username);
   * ```
   */
  async acquireTokenByRefreshToken(
    refreshToken: string,
    scopes: string[],
    options: TokenRequestOptions = {},
  ): Promise<AcquireTokenResult> {
    assertNonEmptyString(refreshToken, 'refreshToken');
    assertScopes(scopes);
    const ctx = await this.prepare(options);
    return this.redeem(ctx, {
      apiId: ApiId.acquireTokenByRefreshToken,
      scopes,
      refreshReason: CacheRefreshReason.forceRefresh,
      grant: (endpoint, transport) =>
        byRefreshToken(this.tokenClient, endpoint, { refreshToken, scopes: this.decorate(scopes), claims: ctx.claims }, transport),
    });
  }

  /**
   * Starts an auth code flow (PKCE S256, state, nonce): send the user to `flow.auth_uri`, and keep
   * the flow (it holds the PKCE verifier) server-side for acquireTokenByAuthCodeFlow.
   *
   * @example
   * ```ts
   * // Sign-in route of a web app:
   * const flow = await cca.initiateAuthCodeFlow(['User.Read'], { redirectUri: 'https://localhost:3000/callback' });
   * session.flow = flow;
   * response.redirect(flow.auth_uri);
   * ```
   */
  async initiateAuthCodeFlow(scopes: string[], options: AuthCodeFlowOptions = {}): Promise<AuthCodeFlow> {
    assertScopes(scopes);
    const { authority, claims } = await this.prepare(options);
    const { redirectUri, state, prompt, loginHint, domainHint, maxAge, responseMode } = options;
    return initiateAuthCodeFlow({
      authorizationEndpoint: authority.metadata.authorization_endpoint,
      clientId: this.clientId,
      scopes: this.decorate(scopes),
      redirectUri,
      state,
      prompt,
      loginHint,
      domainHint,
      maxAge,
      responseMode,
      claims,
      extraQueryParameters: authority.kind !== 'oidc' ? ccsAuthorizationParams(loginHint) : undefined,
    });
  }

  /**
   * Completes an auth code flow with the parameters the authorization server sent back.
   * A state mismatch throws StateMismatchError (CSRF); a server error comes back as a value.
   *
   * @param flow - What initiateAuthCodeFlow() returned for this sign-in.
   * @param authResponse - The reply's parameters (query string or form post) as an object.
   * @example
   * ```ts
   * // Callback route of the same web app:
   * const result = await cca.acquireTokenByAuthCodeFlow(session.flow, Object.fromEntries(url.searchParams));
   * if (isErrorResult(result)) throw new Error(`${result.error}: ${result.error_description}`);
   * console.log('signed in:', result.id_token_claims?.preferred_username);
   * ```
   */
  async acquireTokenByAuthCodeFlow(
    flow: AuthCodeFlow,
    authResponse: Record<string, string>,
    options: TokenRequestOptions & { scopes?: string[] | undefined } = {},
  ): Promise<AcquireTokenResult> {
    if (!flow || typeof flow !== 'object' || typeof flow.state !== 'string') {
      throw new InvalidArgumentError('state missing from the auth code flow: pass the object initiateAuthCodeFlow() returned');
    }
    const correlationId = options.correlationId ?? newCorrelationId();
    if (options.scopes !== undefined) {
      // A code is redeemed for what was authorized, or a part of it (one resource of several).
      // Checked before the reply is read, as the reference does.
      const authorized = new Set(flow.scope ?? []);
      if (this.decorate(options.scopes).some((s) => !authorized.has(s))) {
        throw new InvalidArgumentError(`scopes must be a subset of the flow's scopes (${[...authorized].join(' ')})`);
      }
    }
    const validated = validateAuthCodeResponse(flow, authResponse);
    if (isErrorResult(validated)) return errorResult(validated, correlationId);
    const ctx = await this.prepare({ ...options, correlationId });
    // A flow the app kept only in part (as the reference allows) still redeems; an ID token then has no nonce to match.
    return this.redeemAuthCode(ctx, ApiId.acquireTokenByAuthorizationCode, validated.code, {
      scopes: options.scopes ?? withoutReservedScopes(flow.scope ?? []),
      redirectUri: flow.redirect_uri,
      codeVerifier: flow.code_verifier,
      // The authorization request carried the nonce's hash, which the ID token echoes.
      nonce: typeof flow.nonce === 'string' ? nonceHash(flow.nonce) : null,
      maxAge: flow.max_age !== undefined ? Number(flow.max_age) : undefined,
      clientInfo: authResponse.client_info,
    });
  }

  /**
   * The authorization URL of the older two-step code flow, kept for ports of MSAL Python code.
   * PKCE is still used: the verifier is remembered by state for acquireTokenByAuthorizationCode().
   *
   * @deprecated As in MSAL Python: use {@link ClientApplication.initiateAuthCodeFlow}, whose flow
   * object carries state, nonce and PKCE verifier to {@link ClientApplication.acquireTokenByAuthCodeFlow}.
   */
  async getAuthorizationRequestUrl(
    scopes: string[],
    options: AuthCodeFlowOptions & { nonce?: string | undefined; responseType?: string | undefined } = {},
  ): Promise<string> {
    const flow = await this.initiateAuthCodeFlow(scopes, options);
    const url = new URL(flow.auth_uri);
    if (options.nonce !== undefined) url.searchParams.set('nonce', options.nonce);
    else url.searchParams.delete('nonce');
    if (options.responseType !== undefined) url.searchParams.set('response_type', options.responseType);
    if (this.pendingVerifiers.size > 100) this.pendingVerifiers.clear(); // abandoned flows must not pile up
    this.pendingVerifiers.set(flow.state, flow.code_verifier);
    return url.toString();
  }

  /**
   * Redeems a code from getAuthorizationRequestUrl(). Pass its `state` to use the PKCE verifier
   * remembered for it.
   *
   * @deprecated As in MSAL Python: use {@link ClientApplication.acquireTokenByAuthCodeFlow} with the
   * flow from {@link ClientApplication.initiateAuthCodeFlow}, which also checks state and nonce.
   */
  async acquireTokenByAuthorizationCode(
    code: string,
    scopes: string[],
    options: TokenRequestOptions & {
      redirectUri?: string | undefined;
      nonce?: string | undefined;
      state?: string | undefined;
      codeVerifier?: string | undefined;
    } = {},
  ): Promise<AcquireTokenResult> {
    assertNonEmptyString(code, 'code');
    assertScopes(scopes);
    const verifier = options.codeVerifier ?? (options.state !== undefined ? this.pendingVerifiers.get(options.state) : undefined);
    if (options.state !== undefined) this.pendingVerifiers.delete(options.state);
    const ctx = await this.prepare(options);
    return this.redeemAuthCode(ctx, ApiId.acquireTokenByAuthorizationCode, code, {
      scopes,
      redirectUri: options.redirectUri,
      codeVerifier: verifier,
      nonce: options.nonce,
    });
  }

  /** @internal Redeems an authorization code (MSAL Python's _acquire_token_by_auth_code_flow core), for every code flow. */
  protected redeemAuthCode(
    ctx: CallContext,
    apiId: ApiId,
    code: string,
    args: {
      scopes: string[];
      redirectUri: string | undefined;
      codeVerifier: string | undefined;
      /** The ID token's expected nonce; null when the flow holds none, so no ID token can be trusted. */
      nonce: string | null | undefined;
      maxAge?: number | undefined;
      /** The authorization reply's client_info, which routes the redemption (CCS). */
      clientInfo?: string | undefined;
    },
  ): Promise<AcquireTokenResult> {
    return this.redeem(ctx, {
      apiId,
      scopes: args.scopes,
      routing: ccsRoutingHeaders({ clientInfo: args.clientInfo }),
      grant: (endpoint, transport) =>
        byAuthorizationCode(
          this.tokenClient,
          endpoint,
          { code, scopes: this.decorate(args.scopes), redirectUri: args.redirectUri, codeVerifier: args.codeVerifier, claims: ctx.claims },
          transport,
        ),
      caching: { accountSource: GrantType.AuthorizationCode, nonce: args.nonce, maxAge: args.maxAge },
    });
  }

  /**
   * Resource owner password credentials. Federated Entra accounts go through
   * WS-Trust to their ADFS first and redeem the SAML assertion. Accounts with
   * multi-factor authentication cannot sign in this way; prefer any other flow.
   *
   * @example
   * ```ts
   * const r = await app.acquireTokenByUsernamePassword('user@contoso.com', password, ['User.Read']);
   * if (isErrorResult(r)) console.error(r.error, r.error_description);
   * ```
   */
  async acquireTokenByUsernamePassword(
    username: string,
    password: string,
    scopes: string[],
    options: TokenRequestOptions = {},
  ): Promise<AcquireTokenResult> {
    assertNonEmptyString(username, 'username');
    assertNonEmptyString(password, 'password');
    assertScopes(scopes);
    const ctx = await this.prepare(options);
    const { authority, claims, correlationId } = ctx;
    const decorated = this.decorate(scopes);
    const request = { apiId: ApiId.acquireTokenByUsernamePassword, scopes, routing: ccsRoutingHeaders({ username }) };
    const realm =
      authority.kind === 'aad' || authority.kind === 'ciam'
        ? await discoverUserRealm(this.http, new URL(authority.canonical).origin, username, { correlationId })
        : undefined;
    if (realm?.account_type === 'Federated') {
      const saml = await obtainSamlAssertion(this.http, { realm, username, password });
      if (isErrorResult(saml)) return errorResult(saml, correlationId);
      const { assertion, samlVersion } = saml;
      return this.redeem(ctx, {
        ...request,
        grant: (endpoint, transport) => bySamlBearer(this.tokenClient, endpoint, { assertion, samlVersion, scopes: decorated, claims }, transport),
        // The username names the account when the reply's ID token does not; the SAML grant
        // establishes no account_source, as in the reference.
        caching: { username },
      });
    }
    return this.redeem(ctx, {
      ...request,
      grant: (endpoint, transport) => byUsernamePassword(this.tokenClient, endpoint, { username, password, scopes: decorated, claims }, transport),
      caching: { username, accountSource: GrantType.Password },
    });
  }

  /** Proof-of-Possession works without a broker here, so it is always supported. */
  isPopSupported(): boolean {
    return true;
  }
}

function toCachedAccessToken(entry: AccessTokenEntry): CachedAccessToken {
  const now = Date.now() / 1000;
  const expiresIn = Number(entry.expires_on) - now;
  if (!(expiresIn >= EXPIRY_MARGIN_SECONDS)) return EXPIRED_ACCESS_TOKEN;
  const result: TokenResult = {
    access_token: entry.secret,
    token_type: entry.token_type ?? 'Bearer',
    expires_in: Math.floor(expiresIn),
    token_source: 'cache',
  };
  let aging = false;
  if (entry.refresh_on !== undefined) {
    const refreshOn = Number(entry.refresh_on);
    result.refresh_on = refreshOn;
    aging = refreshOn < now;
  }
  return { state: aging ? 'aging' : 'fresh', result };
}

/** The reference's cache-refresh reason for a silent call that goes to the network. */
export function refreshReasonFor(hit: CachedAccessToken | undefined): CacheRefreshReason {
  if (!hit) return CacheRefreshReason.accessTokenAbsent;
  return hit.state === 'expired' ? CacheRefreshReason.accessTokenExpired : CacheRefreshReason.accessTokenAging;
}

function isClientMismatch(r: AcquireTokenResult): boolean {
  const info = (r as { error_additional_info?: unknown }).error_additional_info;
  return (r as { suberror?: unknown }).suberror === 'client_mismatch' || (Array.isArray(info) && info.includes('client_mismatch'));
}

/** The flow records decorated scopes; redeeming decorates again, so the reserved ones go. */
function withoutReservedScopes(scopes: readonly string[]): string[] {
  return scopes.filter((s) => !RESERVED_SCOPES.includes(s.toLowerCase()));
}

export function assertScopes(scopes: unknown): asserts scopes is string[] {
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && s.trim() !== '')) {
    throw new InvalidArgumentError('scopes must be an array of non-empty strings');
  }
}

export function assertNonEmptyString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`${name} must be a non-empty string`);
}

function assertAccount(account: unknown): asserts account is Account {
  if (!account || typeof account !== 'object' || typeof (account as Account).home_account_id !== 'string') {
    throw new InvalidArgumentError('account must be an object returned by getAccounts()');
  }
}
