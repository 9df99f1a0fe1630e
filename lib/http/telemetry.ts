/**
 * Client identification headers and Entra server-side telemetry
 * (schema 4, as MSAL Python sends it).
 */
import { newCorrelationId } from './correlation.js';

/** Must equal package.json's version (a unit test holds them together). */
export const LIBRARY_VERSION = '0.1.0';
export const DEFAULT_SKU = 'brokerbridge.node';

export interface ClientHeaderOptions {
  correlationId: string;
  appName?: string | undefined;
  appVersion?: string | undefined;
  /** Overrides x-client-sku, e.g. when a wrapper library identifies itself. */
  sku?: string | undefined;
  /** Overrides x-client-ver. */
  version?: string | undefined;
}

/** Headers every request to the identity provider carries. */
export function buildClientHeaders(options: ClientHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    'x-client-sku': options.sku ?? DEFAULT_SKU,
    'x-client-ver': options.version ?? LIBRARY_VERSION,
    'x-client-os': process.platform,
    'x-client-cpu': process.arch,
    // Tells Entra we honour Retry-After and HTTP 429 (see throttling.ts), so it may send them.
    'x-ms-lib-capability': 'retry-after, h429',
    'client-request-id': options.correlationId,
    'return-client-request-id': 'true',
  };
  if (options.appName) headers['x-app-name'] = options.appName;
  if (options.appVersion) headers['x-app-ver'] = options.appVersion;
  return headers;
}

/** Public API ids, the same numbers MSAL Python reports, so server dashboards read them alike. */
export const ApiId = {
  acquireTokenSilent: 84,
  acquireTokenByRefreshToken: 85,
  acquireTokenInteractive: 169,
  acquireTokenByUsernamePassword: 301,
  // The reference has no id of its own for user_fic; MSAL.NET models it as a variant of the username grant.
  acquireTokenByUserFic: 301,
  acquireTokenOnBehalfOf: 523,
  acquireTokenByDeviceFlow: 622,
  acquireTokenForClient: 730,
  acquireTokenByAuthorizationCode: 832,
  getAccounts: 902,
  removeAccount: 903,
} as const;
export type ApiId = (typeof ApiId)[keyof typeof ApiId];

/** Why a silent call went to the network ("cache info" in the current-telemetry header). */
export const CacheRefreshReason = {
  nonSilentCall: 0,
  forceRefresh: 1,
  accessTokenAbsent: 2,
  accessTokenExpired: 3,
  accessTokenAging: 4,
} as const;
export type CacheRefreshReason = (typeof CacheRefreshReason)[keyof typeof CacheRefreshReason];

export const CURRENT_TELEMETRY_HEADER = 'x-client-current-telemetry';
export const LAST_TELEMETRY_HEADER = 'x-client-last-telemetry';
const SCHEMA_VERSION = 4;
/** Entra truncates x-client-last-telemetry beyond this, so failures past it are dropped instead. */
const LAST_HEADER_SIZE_LIMIT = 350;

interface Failure {
  apiId: ApiId;
  correlationId: string;
  error: string;
  /** Characters this failure adds to the last-telemetry header. */
  size: number;
}

/**
 * Telemetry state of one application: silent cache hits and failed requests
 * not yet reported to the server. Each network exchange reports them through
 * x-client-last-telemetry and, once the server has answered successfully,
 * forgets what it reported.
 */
export class TelemetryContext {
  private silentSuccesses = 0;
  private failures: Failure[] = [];
  private failureSize = 0;

  /** Counts an acquireTokenSilent served from the token cache. */
  recordCacheHit(): void {
    this.silentSuccesses += 1;
  }

  /** Starts one network exchange made on behalf of public API `apiId`. */
  begin(apiId: ApiId, options: { correlationId?: string | undefined; refreshReason?: CacheRefreshReason | undefined } = {}): TelemetryExchange {
    return new TelemetryExchange(this, apiId, options.correlationId ?? newCorrelationId(), options.refreshReason);
  }

  /** @internal */
  snapshot(): { successes: number; failures: readonly Failure[] } {
    return { successes: this.silentSuccesses, failures: [...this.failures] };
  }

  /** @internal */
  recordFailure(apiId: ApiId, correlationId: string, error: string): void {
    // Separators would corrupt the header's grammar; Entra error codes never hold them.
    const clean = error.replace(/[|,]/g, '');
    const size = `,${apiId},${correlationId},${clean}`.length;
    if (this.failureSize + size >= LAST_HEADER_SIZE_LIMIT) return;
    this.failureSize += size;
    this.failures.push({ apiId, correlationId, error: clean, size });
  }

  /** @internal Forgets what a successful exchange delivered, keeping anything recorded since. */
  acknowledge(sent: { successes: number; failures: readonly Failure[] }): void {
    this.silentSuccesses = Math.max(0, this.silentSuccesses - sent.successes);
    const delivered = new Set(sent.failures);
    this.failures = this.failures.filter((f) => !delivered.has(f));
    this.failureSize = this.failures.reduce((n, f) => n + f.size, 0);
  }
}

/** One request (and its retries) sent for a public API call. */
export class TelemetryExchange {
  private sent: ReturnType<TelemetryContext['snapshot']> | undefined;

  constructor(
    private readonly context: TelemetryContext,
    readonly apiId: ApiId,
    readonly correlationId: string,
    private readonly refreshReason: CacheRefreshReason = CacheRefreshReason.nonSilentCall,
  ) {}

  /** The two telemetry headers for this exchange. Merge with buildClientHeaders({ correlationId }). */
  headers(): Record<string, string> {
    this.sent = this.context.snapshot();
    const { successes, failures } = this.sent;
    return {
      [CURRENT_TELEMETRY_HEADER]: `${SCHEMA_VERSION}|${this.apiId},${this.refreshReason}|`,
      [LAST_TELEMETRY_HEADER]: [
        SCHEMA_VERSION,
        successes,
        failures.map((f) => `${f.apiId},${f.correlationId}`).join(','),
        failures.map((f) => f.error).join(','),
        '',
      ].join('|'),
    };
  }

  /**
   * Reports how the exchange ended: a reply with an `error` is remembered for
   * the next exchange; any other reply means the server received the
   * telemetry, which is then cleared.
   */
  complete(result: object | undefined): void {
    if (!result) return;
    const { error } = result as { error?: unknown };
    if (typeof error === 'string') {
      this.context.recordFailure(this.apiId, this.correlationId, error);
      return;
    }
    if (this.sent) this.context.acknowledge(this.sent);
    this.sent = undefined;
  }
}
