import { InvalidArgumentError } from '../errors.js';

/** Options of {@link AutoRefresher}. */
export interface AutoRefresherOptions {
  /**
   * How long a produced value stays usable, counted from the moment the factory was called.
   * A function receives the value, for values that carry their own lifetime (a signed JWT).
   * Default 600.
   */
  expiresInSeconds?: number | ((value: string) => number) | undefined;
  /** Clock in milliseconds since the epoch; injectable for tests. Default Date.now. */
  now?: (() => number) | undefined;
}

/**
 * Holds a short-lived value (typically a client assertion) and asks the factory for a new one
 * only once the current one has expired. Concurrent callers share one factory call, so a burst
 * of token requests does not mint a burst of assertions.
 *
 * @example
 * ```ts
 * const cca = new ConfidentialClientApplication({
 *   clientId: '<app id>',
 *   authority: 'https://login.microsoftonline.com/<tenant>',
 *   // e.g. a workload identity token file, re-read at most every 5 minutes
 *   clientCredential: { clientAssertion: new AutoRefresher(() => readFile(tokenPath, 'utf8'), { expiresInSeconds: 300 }) },
 * });
 * ```
 */
export class AutoRefresher {
  private readonly factory: () => string | Promise<string>;
  private readonly lifetime: number | ((value: string) => number);
  private readonly now: () => number;
  private value: string | undefined;
  private expiresAt = 0;
  private pending: Promise<string> | undefined;

  constructor(factory: () => string | Promise<string>, options: AutoRefresherOptions = {}) {
    if (typeof factory !== 'function') throw new InvalidArgumentError('AutoRefresher needs a factory function');
    const lifetime = options.expiresInSeconds ?? 600;
    if (typeof lifetime === 'number' && !(Number.isFinite(lifetime) && lifetime >= 0)) {
      throw new InvalidArgumentError(`expiresInSeconds must be a non-negative number, got ${String(lifetime)}`);
    }
    this.factory = factory;
    this.lifetime = lifetime;
    this.now = options.now ?? Date.now;
  }

  /** The current value, or a new one from the factory once it has expired. */
  get(): Promise<string> {
    if (this.value !== undefined && this.now() < this.expiresAt) return Promise.resolve(this.value);
    this.pending ??= this.refresh().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async refresh(): Promise<string> {
    // Counting from the call, not the reply, errs on the side of refreshing early.
    const startedAt = this.now();
    const value = await this.factory();
    const seconds = typeof this.lifetime === 'function' ? this.lifetime(value) : this.lifetime;
    this.value = value;
    this.expiresAt = startedAt + Math.max(0, seconds) * 1000;
    return value;
  }
}
