/**
 * The OS broker through MSALRuntime, promise-based. Obtain an instance from
 * loadBrokerRuntime() (native-addon.ts), then call startup() once. There is
 * no shutdown: the addon releases the runtime when the JS environment (main
 * thread or worker) is torn down, unless a call is still outstanding there,
 * since MSALRUNTIME_Shutdown would wait for it forever (native/addon.cc).
 */
import { randomUUID } from 'node:crypto';
import { BrokerUnavailableError, InvalidArgumentError, TimeoutError } from '../errors.js';
import { BrokerCallError } from './broker-error.js';
import { awaitOperation, startDeadline, type Deadline } from './deadline.js';
import type { NativeAccountHandle, NativeBinding, NativeOperation } from './native-binding.js';
import { parseJsonObject, toBrokerAuthResult } from './results.js';
import type {
  BrokerAuthParams,
  BrokerAuthResult,
  BrokerLogCallback,
  BrokerLogLevel,
  BrokerLogOptions,
  BrokerCallOptions,
  WindowHandle,
} from './types.js';
import { toNativeWindow, withArgumentErrors } from './window-handle.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const DEFAULT_SILENT_TIMEOUT_MS = 120_000;
export const DEFAULT_INTERACTIVE_TIMEOUT_MS = 600_000;

const LOG_LEVELS: Record<number, BrokerLogLevel> = {
  1: 'trace',
  2: 'debug',
  3: 'info',
  4: 'warning',
  5: 'error',
  6: 'fatal',
};

function checkAuthParams(params: BrokerAuthParams): void {
  if (typeof params !== 'object' || params === null) throw new InvalidArgumentError('BrokerAuthParams must be an object');
  if (typeof params.clientId !== 'string' || params.clientId === '') {
    throw new InvalidArgumentError('BrokerAuthParams.clientId must be a non-empty string');
  }
  if (typeof params.authority !== 'string' || !/^https:\/\//i.test(params.authority)) {
    throw new InvalidArgumentError('BrokerAuthParams.authority must be an https URL');
  }
  if (!Array.isArray(params.scopes) || params.scopes.some((s) => typeof s !== 'string' || s === '' || /\s/.test(s))) {
    throw new InvalidArgumentError('BrokerAuthParams.scopes must be an array of scope strings without spaces');
  }
}

function checkNonEmpty(value: string, name: string): void {
  if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`${name} must be a non-empty string`);
}

export class BrokerRuntime {
  private startupPromise: Promise<void> | undefined;

  /** Use loadBrokerRuntime(); the binding must already have loaded the library. */
  constructor(private readonly native: NativeBinding) {}

  /** Starts MSALRuntime (once; later calls share the first). Rejects with BrokerUnavailableError and the runtime's reason. */
  startup(): Promise<void> {
    this.startupPromise ??= this.native.startup().then((outcome) => {
      if (outcome.ok) return;
      this.startupPromise = undefined;
      const cause = new BrokerCallError(outcome.error, { operation: 'MSALRUNTIME_Startup' });
      throw new BrokerUnavailableError(
        `The broker runtime cannot start: ${outcome.error.context || cause.status.name} (status ${cause.status.name})`,
        { cause },
      );
    });
    return this.startupPromise;
  }

  signInSilently(params: BrokerAuthParams, correlationId: string, options: BrokerCallOptions = {}): Promise<BrokerAuthResult> {
    checkAuthParams(params);
    const correlation = this.correlation(correlationId);
    return this.authCall('signInSilently', DEFAULT_SILENT_TIMEOUT_MS, options, () =>
      this.native.signInSilently(params, correlation),
    );
  }

  signInInteractively(
    params: BrokerAuthParams,
    correlationId: string,
    parentWindow: WindowHandle,
    accountHint = '',
    options: BrokerCallOptions = {},
  ): Promise<BrokerAuthResult> {
    checkAuthParams(params);
    const correlation = this.correlation(correlationId);
    return this.authCall('signInInteractively', DEFAULT_INTERACTIVE_TIMEOUT_MS, options, () =>
      this.native.signInInteractively(toNativeWindow(parentWindow), params, correlation, accountHint),
    );
  }

  acquireTokenSilently(
    params: BrokerAuthParams,
    correlationId: string,
    accountId: string,
    options: BrokerCallOptions = {},
  ): Promise<BrokerAuthResult> {
    checkAuthParams(params);
    checkNonEmpty(accountId, 'accountId');
    const correlation = this.correlation(correlationId);
    return this.withDeadline('acquireTokenSilently', DEFAULT_SILENT_TIMEOUT_MS, options, async (deadline) => {
      const handle = await this.accountHandle(accountId, correlation, deadline);
      return this.authOutcome('acquireTokenSilently', deadline, () =>
        this.native.acquireTokenSilently(params, correlation, handle),
      );
    });
  }

  signOutSilently(clientId: string, correlationId: string, accountId: string, options: BrokerCallOptions = {}): Promise<void> {
    checkNonEmpty(clientId, 'clientId');
    checkNonEmpty(accountId, 'accountId');
    const correlation = this.correlation(correlationId);
    return this.withDeadline('signOutSilently', DEFAULT_SILENT_TIMEOUT_MS, options, async (deadline) => {
      const handle = await this.accountHandle(accountId, correlation, deadline);
      await this.call('signOutSilently', deadline, () => this.native.signOutSilently(clientId, correlation, handle));
    });
  }

  /**
   * Receives the runtime's own log lines (process-wide in MSALRuntime; one
   * callback per JS environment). Pass null to stop. PII stays out unless piiEnabled.
   */
  setLogCallback(callback: BrokerLogCallback | null, options: BrokerLogOptions = {}): void {
    this.native.setLogCallback(
      callback ? (message, level) => callback(message, LOG_LEVELS[level] ?? 'info') : null,
      options.piiEnabled === true,
    );
  }

  /**
   * An empty correlation id gets a fresh one. Anything else must be a GUID:
   * MSALRuntime silently replaces other text with the all-zero GUID, which
   * would make broker logs impossible to join up.
   */
  private correlation(correlationId: string): string {
    if (correlationId === '') return randomUUID();
    if (typeof correlationId !== 'string' || !GUID.test(correlationId)) {
      throw new InvalidArgumentError('correlationId must be a GUID or an empty string');
    }
    return correlationId;
  }

  private async withDeadline<T>(
    operation: string,
    defaultTimeoutMs: number,
    options: BrokerCallOptions,
    run: (deadline: Deadline) => Promise<T>,
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    if (!(timeoutMs > 0)) throw new InvalidArgumentError('timeoutMs must be a positive number');
    await this.startup();
    const deadline = startDeadline(operation, timeoutMs, options.signal);
    try {
      return await run(deadline);
    } finally {
      deadline.dispose();
    }
  }

  /**
   * One native call; a runtime error becomes BrokerCallError. MSALRuntime
   * serves calls one at a time, so one the broker never answered (cancelled
   * or timed out, yet still pending inside the runtime) holds up the next:
   * a timeout then says so.
   */
  private async call<T>(operation: string, deadline: Deadline, start: () => NativeOperation<T>): Promise<T> {
    const abandoned = this.native.abandonedCalls?.() ?? 0;
    let outcome: Awaited<ReturnType<typeof awaitOperation<T>>>;
    try {
      outcome = await awaitOperation(() => withArgumentErrors(start), deadline.signal);
    } catch (error) {
      if (!(error instanceof TimeoutError) || abandoned === 0) throw error;
      throw new TimeoutError(
        `${error.message}; the broker has not yet answered ${abandoned} earlier call(s) that were cancelled or ` +
          'timed out, and MSALRuntime serves calls in order. Retry once the broker recovers.',
        { cause: error },
      );
    }
    if (outcome.ok) return outcome.value;
    throw new BrokerCallError(outcome.error, { operation, telemetry: parseJsonObject(outcome.telemetry) });
  }

  private async authOutcome(
    operation: string,
    deadline: Deadline,
    start: () => ReturnType<NativeBinding['signInSilently']>,
  ): Promise<BrokerAuthResult> {
    return toBrokerAuthResult(await this.call(operation, deadline, start));
  }

  private authCall(
    operation: string,
    defaultTimeoutMs: number,
    options: BrokerCallOptions,
    start: () => ReturnType<NativeBinding['signInSilently']>,
  ): Promise<BrokerAuthResult> {
    return this.withDeadline(operation, defaultTimeoutMs, options, (deadline) =>
      this.authOutcome(operation, deadline, start),
    );
  }

  private async accountHandle(accountId: string, correlationId: string, deadline: Deadline): Promise<NativeAccountHandle> {
    const value = await this.call('readAccountById', deadline, () =>
      this.native.readAccountById(accountId, correlationId),
    );
    if (!value.handle) {
      throw new BrokerCallError({ status: 16, errorCode: 0, tag: 0, context: `No account with id ${accountId}` });
    }
    return value.handle;
  }
}
