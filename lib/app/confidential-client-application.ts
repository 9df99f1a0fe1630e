import { createHash } from 'node:crypto';
import { regionalTokenEndpoint, resolveRegion } from '../authority/regional.js';
import type { ResolvedAuthority } from '../authority/types.js';
import { computeExtCacheKey } from '../cache/ext-cache-key.js';
import { InvalidArgumentError } from '../errors.js';
import { ApiId, CacheRefreshReason } from '../http/telemetry.js';
import { createClientAuthenticator } from '../oauth2/client-credential.js';
import { ccsRoutingHeaders } from '../oauth2/ccs.js';
import { byClientCredentials, byOnBehalfOf, byUserFic, GrantType } from '../oauth2/grants.js';
import { decodePart } from '../oauth2/id-token.js';
import { isErrorResult, type AcquireTokenResult } from '../oauth2/types.js';
import { assertNonEmptyString, assertScopes, ClientApplication, refreshReasonFor, type TokenRequestOptions } from './client-application.js';
import { isTransportFailure } from './errors-classification.js';
import type { AuthScheme } from './auth-scheme.js';
import type { ConfidentialClientApplicationOptions } from './options.js';

/** Options of acquireTokenForClient(). */
export interface ClientCredentialOptions {
  /** A resource's claims challenge to satisfy; the cache is bypassed. */
  claimsChallenge?: string | undefined;
  /** The id this call's requests carry (client-request-id); a random UUID by default. */
  correlationId?: string | undefined;
  /** Federated managed identity path; tokens for each path are cached apart, and a clientAssertion callback receives it. */
  fmiPath?: string | undefined;
  /** Extra token request parameters. */
  data?: Record<string, string> | undefined;
  /** A PopAuthScheme (or SshCertAuthScheme) for a bound token. */
  authScheme?: AuthScheme | undefined;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

/**
 * Web apps, web APIs and daemons: clients that can keep a secret (MSAL Python's
 * ConfidentialClientApplication). Adds app-only tokens (client credentials), on-behalf-of
 * and user federated identity credentials to what every {@link ClientApplication} does.
 *
 * @example
 * ```ts
 * import { ConfidentialClientApplication, isErrorResult } from 'brokerbridge';
 *
 * const cca = new ConfidentialClientApplication({
 *   clientId: '<app id>',
 *   authority: 'https://login.microsoftonline.com/<tenant>',
 *   clientCredential: { privateKey: pem, publicCertificate: certPem }, // or a secret string, a PFX, a client assertion
 *   azureRegion: true, // regional endpoint for client credentials (MSAL_FORCE_REGION overrides)
 * });
 * const r = await cca.acquireTokenForClient(['https://graph.microsoft.com/.default']); // cache first
 * if (isErrorResult(r)) throw new Error(`${r.error}: ${r.error_description}`);
 * ```
 */
export class ConfidentialClientApplication extends ClientApplication {
  private readonly azureRegion: string | boolean | undefined;
  private regionalEndpoint: Promise<string | undefined> | undefined;
  /** The reference warns once about tenant-less authorities for app tokens. */
  private warnedTenantless = false;

  /**
   * @param options - The client id, the authority and the credential; see {@link ConfidentialClientApplicationOptions}.
   * @throws InvalidArgumentError when clientId or clientCredential is missing.
   * @throws CredentialError when the credential cannot be used (an unreadable key, a mismatched certificate).
   */
  constructor(options: ConfidentialClientApplicationOptions) {
    if (options?.clientCredential === undefined || options.clientCredential === null) {
      throw new InvalidArgumentError('clientCredential is required for a confidential client');
    }
    super(options, {
      confidential: true,
      authenticator: createClientAuthenticator(options.clientCredential, {
        clientId: options.clientId,
        clientClaims: options.clientClaims,
      }),
    });
    this.azureRegion = options.azureRegion;
    const credential = options.clientCredential as { clientAssertion?: unknown };
    if (typeof credential === 'object' && typeof credential.clientAssertion === 'string') {
      // As the reference: a fixed assertion expires while the app runs; a callback makes a fresh one per request.
      this.logger.log('warning', 'A clientAssertion string is deprecated: pass a function that returns a fresh assertion instead');
    }
  }

  /**
   * An app-only token. Cache first: a valid cached token is served without a
   * request; forceRefresh is not offered, as in the reference, to protect the STS.
   *
   * @param scopes - The resource's `/.default` scope, e.g. `['https://graph.microsoft.com/.default']`.
   * @example
   * ```ts
   * const r = await cca.acquireTokenForClient(['https://graph.microsoft.com/.default']);
   * if (isErrorResult(r)) throw new Error(`${r.error}: ${r.error_description}`);
   * await fetch('https://graph.microsoft.com/v1.0/users', { headers: { Authorization: `Bearer ${r.access_token}` } });
   * ```
   */
  async acquireTokenForClient(scopes: string[], options: ClientCredentialOptions = {}): Promise<AcquireTokenResult> {
    assertScopes(scopes);
    if ((options as { forceRefresh?: unknown }).forceRefresh !== undefined) {
      throw new InvalidArgumentError('acquireTokenForClient() does not accept forceRefresh; the cache is always consulted first');
    }
    if (options.fmiPath !== undefined && typeof options.fmiPath !== 'string') throw new InvalidArgumentError('fmiPath must be a string');
    const ctx = await this.prepare(options);
    const { authority } = ctx;
    // As MSAL Python: the request's non-standard parameters (fmi_path among them) partition the cache.
    const extCacheKey = computeExtCacheKey({ ...options.data, ...(options.fmiPath !== undefined ? { fmi_path: options.fmiPath } : {}) }) || undefined;
    let fallback: AcquireTokenResult | undefined;
    let refreshReason: CacheRefreshReason = CacheRefreshReason.forceRefresh;
    // Another process may have cached it already.
    await this.cacheHooks?.beforeAccess({ kind: 'app', tenant: authority.tenant, clientId: this.clientId });
    if (!options.claimsChallenge) {
      const hit = this.cachedAccessToken(authority, scopes, null, ctx.keyId, extCacheKey);
      if (hit?.state === 'fresh') return this.finalize(ctx, this.servedFromCache(hit));
      refreshReason = refreshReasonFor(hit);
      if (hit?.state === 'aging') fallback = hit.result;
    }
    this.warnIfTenantless(authority);
    try {
      const result = await this.redeem(ctx, {
        apiId: ApiId.acquireTokenForClient,
        scopes,
        refreshReason,
        tokenEndpoint: await this.clientTokenEndpoint(authority),
        grant: (endpoint, transport) =>
          byClientCredentials(this.tokenClient, endpoint, { scopes, claims: ctx.claims, fmiPath: options.fmiPath }, transport),
        caching: { homeAccountId: null, extCacheKey },
      });
      return this.finalize(ctx, isErrorResult(result) && fallback ? fallback : result);
    } catch (e) {
      // Only a transport failure lets the aging token stand in, as in the silent user flow.
      if (!fallback || !isTransportFailure(e)) throw e;
      return this.finalize(ctx, fallback);
    }
  }

  private warnIfTenantless(authority: ResolvedAuthority): void {
    if (this.warnedTenantless || !['common', 'organizations'].includes(authority.tenant.toLowerCase())) return;
    this.warnedTenantless = true;
    this.logger.log('warning', `Using the /${authority.tenant} authority in acquireTokenForClient() is unreliable; use a specific tenant instead`);
  }

  /** Drops this app's app-only tokens from the cache; the next acquireTokenForClient asks the server. */
  async removeTokensForClient(): Promise<void> {
    const authority = await this.resolveAuthority();
    await this.cacheHooks?.beforeAccess({ kind: 'app', tenant: authority.tenant, clientId: this.clientId });
    this.tokenCache.removeAppTokens(this.clientId, authority.aliases);
    await this.cacheHooks?.afterAccess();
  }

  /**
   * On-behalf-of: a middle-tier API trades the token it received for one to a
   * downstream API. Results are cached per incoming assertion.
   *
   * @param userAssertion - The access token the API received (without "Bearer ").
   * @example
   * ```ts
   * // In a web API, with the caller's token from the Authorization header:
   * const incoming = request.headers.authorization!.replace(/^Bearer /, '');
   * const r = await cca.acquireTokenOnBehalfOf(incoming, ['https://graph.microsoft.com/User.Read']);
   * if (isErrorResult(r)) throw new Error(`${r.error}: ${r.error_description}`);
   * ```
   */
  async acquireTokenOnBehalfOf(
    userAssertion: string,
    scopes: string[],
    options: TokenRequestOptions = {},
  ): Promise<AcquireTokenResult> {
    assertNonEmptyString(userAssertion, 'userAssertion');
    assertScopes(scopes);
    const ctx = await this.prepare(options);
    const extCacheKey = sha256(userAssertion);
    const homeAccountId = homeAccountIdOfAssertion(userAssertion);
    await this.cacheHooks?.beforeAccess({ kind: 'obo', assertionHash: extCacheKey });
    if (!options.claimsChallenge && homeAccountId) {
      const account = { home_account_id: homeAccountId, realm: ctx.authority.tenant };
      const hit = this.cachedAccessToken(ctx.authority, scopes, account, undefined, extCacheKey);
      if (hit?.state === 'fresh') return this.servedFromCache(hit);
    }
    return this.redeem(ctx, {
      apiId: ApiId.acquireTokenOnBehalfOf,
      scopes,
      grant: (endpoint, transport) =>
        byOnBehalfOf(this.tokenClient, endpoint, { assertion: userAssertion, scopes: this.decorate(scopes), claims: ctx.claims }, transport),
      caching: { extCacheKey, homeAccountId },
    });
  }

  /**
   * A user token from a federated identity credential the app holds for that user
   * (grant user_fic), naming the user by exactly one of username or userObjectId.
   * The account is cached as a user account, found again by acquireTokenSilent.
   *
   * @example
   * ```ts
   * const r = await cca.acquireTokenByUserFederatedIdentityCredential(['User.Read'], assertion, {
   *   username: 'user@contoso.com',
   * });
   * ```
   */
  async acquireTokenByUserFederatedIdentityCredential(
    scopes: string[],
    assertion: string,
    options: TokenRequestOptions & { username?: string | undefined; userObjectId?: string | undefined } = {},
  ): Promise<AcquireTokenResult> {
    assertScopes(scopes);
    assertNonEmptyString(assertion, 'assertion');
    const { username, userObjectId } = options;
    if ((username === undefined) === (userObjectId === undefined)) {
      throw new InvalidArgumentError('Pass exactly one of username or userObjectId');
    }
    assertNonEmptyString(username ?? userObjectId, username !== undefined ? 'username' : 'userObjectId');
    const decorated = this.decorate(scopes);
    const ctx = await this.prepare(options);
    return this.redeem(ctx, {
      apiId: ApiId.acquireTokenByUserFic,
      scopes,
      routing: ccsRoutingHeaders(username !== undefined ? { username } : { userObjectId: userObjectId as string, tenant: ctx.authority.tenant }),
      grant: (endpoint, transport) =>
        byUserFic(this.tokenClient, endpoint, { username, userObjectId, userFederatedIdentityCredential: assertion, scopes: decorated, claims: ctx.claims }, transport),
      caching: { accountSource: GrantType.UserFic },
    });
  }

  /** Regional endpoints apply to client credentials only (as in the reference). */
  private clientTokenEndpoint(authority: ResolvedAuthority): Promise<string> {
    this.regionalEndpoint ??= resolveRegion(this.azureRegion, { http: this.http }).then((region) => {
      if (region) this.logger.log('info', `Using regional endpoint for region ${region}`);
      return region ? regionalTokenEndpoint(authority.metadata.token_endpoint, region) : undefined;
    });
    return this.regionalEndpoint.then((e) => e ?? authority.metadata.token_endpoint);
  }
}

/** The home account an incoming user assertion names (oid.tid), so OBO results can be found again. */
function homeAccountIdOfAssertion(assertion: string): string | undefined {
  const payload = assertion.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(decodePart(payload)) as { oid?: unknown; tid?: unknown; sub?: unknown };
    if (typeof claims.oid === 'string' && typeof claims.tid === 'string') return `${claims.oid}.${claims.tid}`;
    return typeof claims.sub === 'string' ? claims.sub : undefined;
  } catch {
    return undefined; // not a JWT: such assertions are simply not cached
  }
}
