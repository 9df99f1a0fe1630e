/**
 * Type tests, checked by `npm run typecheck`: a `switch` on `code` narrows AnyBrokerBridgeError to
 * the one class with that code, with its own fields; every class's `code` is a single literal.
 */
import {
  BrokerCallError,
  CacheCorruptError,
  ErrorCode,
  InvalidArgumentError,
  isBrokerBridgeError,
  MalformedResponseError,
  type AnyBrokerBridgeError,
  type BrokerStatusName,
} from '../../lib/index.js';

declare const thrown: unknown;

if (isBrokerBridgeError(thrown)) {
  switch (thrown.code) {
    case 'malformed_response': {
      const e: MalformedResponseError = thrown;
      const status: number | undefined = e.status;
      void status;
      break;
    }
    case 'broker_error': {
      const e: BrokerCallError = thrown;
      const name: BrokerStatusName = e.status.name;
      const errorCode: number = e.errorCode;
      void [name, errorCode];
      break;
    }
    case ErrorCode.CacheCorrupt: {
      const e: CacheCorruptError = thrown;
      void e.recovered;
      break;
    }
    case 'invalid_argument': {
      // @ts-expect-error an invalid_argument error is no MalformedResponseError
      const e: MalformedResponseError = thrown;
      void e;
      break;
    }
    // @ts-expect-error no class has this code
    case 'no_such_code':
      break;
    default:
      break;
  }
}

// Each class's code is its one literal, not the whole union.
export const invalid: 'invalid_argument' = new InvalidArgumentError('x').code;
// @ts-expect-error the code of InvalidArgumentError is not 'timeout'
export const wrong: 'timeout' = new InvalidArgumentError('x').code;

// The union is exhaustive: after every case, nothing is left.
export function describe(e: AnyBrokerBridgeError): string {
  switch (e.code) {
    case 'invalid_argument':
    case 'invalid_authority':
    case 'authority_validation_failed':
    case 'discovery_failed':
    case 'network_error':
    case 'timeout':
    case 'aborted':
    case 'malformed_response':
    case 'id_token_invalid':
    case 'state_mismatch':
    case 'credential_invalid':
    case 'cache_corrupt':
    case 'broker_unavailable':
    case 'broker_error':
    case 'browser_interaction_timeout':
    case 'pop_error':
    case 'persistence_error':
    case 'unsupported':
      return e.code;
    default: {
      const none: never = e;
      return none;
    }
  }
}
