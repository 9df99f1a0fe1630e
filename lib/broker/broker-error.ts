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
export type BrokerStatusName = (typeof BROKER_STATUS_NAMES)[number];

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

/** The broker runtime completed a call with an error. */
export class BrokerCallError extends BrokerBridgeError {
  readonly status: BrokerStatus;
  readonly errorCode: number;
  readonly tag: number;
  readonly context: string;
  /** The runtime's telemetry for the failed call, when it gave any. */
  readonly telemetry: Record<string, unknown> | undefined;

  constructor(info: BrokerErrorInfo, options?: { operation?: string; telemetry?: Record<string, unknown> }) {
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
