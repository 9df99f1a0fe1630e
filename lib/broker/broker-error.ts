import { BrokerBridgeError, ErrorCode } from '../errors.js';

/** MSALRuntime's MSALRUNTIME_RESPONSE_STATUS, by number. */
export const BROKER_STATUS_NAMES = [
  'Unexpected',
  'Reserved',
  'InteractionRequired',
  'NoNetwork',
  'NetworkTemporarilyUnavailable',
  'ServerTemporarilyUnavailable',
  'ApiContractViolation',
  'UserCanceled',
  'ApplicationCanceled',
  'IncorrectConfiguration',
  'InsufficientBuffer',
  'AuthorityUntrusted',
  'UserSwitch',
  'AccountUnusable',
  'UserDataRemovalRequired',
  'KeyNotFound',
  'AccountNotFound',
  'TransientError',
  'AccountSwitch',
  'RequiredBrokerMissing',
  'DeviceNotRegistered',
  'FallbackToNativeMsal',
] as const;
/** The name of a broker status, as MSALRuntime's header spells it. */
export type BrokerStatusName = (typeof BROKER_STATUS_NAMES)[number];

/** A broker status: its name, and the number the runtime reported. */
export interface BrokerStatus {
  name: BrokerStatusName;
  value: number;
}

/** What the native layer reports for a runtime error handle. */
export interface BrokerErrorInfo {
  status: number;
  errorCode: number;
  tag: number;
  context: string;
}

export function brokerStatus(value: number): BrokerStatus {
  // A status the runtime adds later is still reported, as Unexpected with its number.
  return { name: BROKER_STATUS_NAMES[value] ?? 'Unexpected', value };
}

/**
 * The broker runtime completed a call with an error. acquire* methods return it as a
 * `broker_error` result value (or fall back to the browser), so callers meet the class
 * itself as the `cause` of other errors, such as a {@link BrokerUnavailableError} when
 * the runtime failed to start.
 *
 * @example
 * ```ts
 * try {
 *   await app.acquireTokenInteractive(['User.Read'], { parentWindow });
 * } catch (e) {
 *   if (e instanceof BrokerUnavailableError && e.cause instanceof BrokerCallError) {
 *     console.error('broker did not start:', e.cause.status.name, e.cause.errorCode);
 *   }
 *   throw e;
 * }
 * ```
 */
export class BrokerCallError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.BrokerError;
  readonly status: BrokerStatus;
  readonly errorCode: number;
  readonly tag: number;
  readonly context: string;
  /** The runtime's telemetry for the failed call, when it gave any. */
  readonly telemetry: Record<string, unknown> | undefined;

  constructor(info: BrokerErrorInfo, options?: { operation?: string | undefined; telemetry?: Record<string, unknown> | undefined }) {
    const status = brokerStatus(info.status);
    const where = options?.operation ? `${options.operation}: ` : '';
    super(ErrorCode.BrokerError, `${where}${status.name} (${info.status}): ${info.context || 'no context'}`);
    this.status = status;
    this.errorCode = info.errorCode;
    this.tag = info.tag;
    this.context = info.context;
    this.telemetry = options?.telemetry;
  }
}
