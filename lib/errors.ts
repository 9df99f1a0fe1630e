/**
 * Typed errors thrown for programming mistakes and local failures.
 * Server-side OAuth errors are *returned* as values (see oauth2/types.ts),
 * as the reference implementation does; these classes are for everything else.
 * Every class carries a stable `code` and an optional `cause`.
 */

export const ErrorCode = {
  InvalidArgument: 'invalid_argument',
  InvalidAuthority: 'invalid_authority',
  AuthorityValidation: 'authority_validation_failed',
  DiscoveryFailed: 'discovery_failed',
  NetworkError: 'network_error',
  Timeout: 'timeout',
  Aborted: 'aborted',
  MalformedResponse: 'malformed_response',
  IdTokenInvalid: 'id_token_invalid',
  StateMismatch: 'state_mismatch',
  CredentialInvalid: 'credential_invalid',
  CacheCorrupt: 'cache_corrupt',
  BrokerUnavailable: 'broker_unavailable',
  BrokerError: 'broker_error',
  BrowserInteractionTimeout: 'browser_interaction_timeout',
  PopError: 'pop_error',
  PersistenceError: 'persistence_error',
  Unsupported: 'unsupported',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class BrokerBridgeError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** A caller passed something we cannot work with. */
export class InvalidArgumentError extends BrokerBridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.InvalidArgument, message, options);
  }
}

export class InvalidAuthorityError extends BrokerBridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.InvalidAuthority, message, options);
  }
}

export class AuthorityValidationError extends BrokerBridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.AuthorityValidation, message, options);
  }
}

export class DiscoveryError extends BrokerBridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.DiscoveryFailed, message, options);
  }
}

/** Transport failure: DNS, connection refused, reset. Never an HTTP status. */
export class NetworkError extends BrokerBridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.NetworkError, message, options);
  }
}

export class TimeoutError extends BrokerBridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Timeout, message, options);
  }
}

export class AbortError extends BrokerBridgeError {
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(ErrorCode.Aborted, message, options);
  }
}

/** A server or broker replied with something that is not what the protocol allows. */
export class MalformedResponseError extends BrokerBridgeError {
  readonly status: number | undefined;
  readonly body: string | undefined;
  constructor(message: string, options?: { cause?: unknown; status?: number; body?: string }) {
    super(ErrorCode.MalformedResponse, message, options);
    this.status = options?.status;
    // Bodies may hold tokens; keep only a short prefix for diagnosis.
    this.body = options?.body?.slice(0, 200);
  }
}

export class IdTokenError extends BrokerBridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.IdTokenInvalid, message, options);
  }
}

/** CSRF protection: the state (or nonce) that came back is not the one we sent. */
export class StateMismatchError extends BrokerBridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.StateMismatch, message, options);
  }
}

export class CredentialError extends BrokerBridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.CredentialInvalid, message, options);
  }
}

export class CacheCorruptError extends BrokerBridgeError {
  /** Whatever could be salvaged from the blob. */
  readonly recovered: unknown;
  constructor(message: string, options?: { cause?: unknown; recovered?: unknown }) {
    super(ErrorCode.CacheCorrupt, message, options);
    this.recovered = options?.recovered;
  }
}

export class BrokerUnavailableError extends BrokerBridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.BrokerUnavailable, message, options);
  }
}

export class BrowserInteractionTimeoutError extends BrokerBridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.BrowserInteractionTimeout, message, options);
  }
}

export class PopError extends BrokerBridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.PopError, message, options);
  }
}

export class PersistenceError extends BrokerBridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.PersistenceError, message, options);
  }
}

export class UnsupportedError extends BrokerBridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Unsupported, message, options);
  }
}
