/**
 * Typed errors thrown for programming mistakes and local failures.
 * Server-side OAuth errors are *returned* as values (see oauth2/types.ts),
 * as the reference implementation does; these classes are for everything else.
 * Every class carries a stable `code` and an optional `cause`.
 */
import type { BrokerCallError } from './broker/broker-error.js';
import { redactSecrets } from './redact-secrets.js';

/** The stable `code` of each error class; compare with these rather than with class names or messages. */
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
/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The base of every error brokerbridge throws. Server-side OAuth errors are not
 * thrown: acquire* methods return them as values (see {@link isErrorResult}).
 *
 * @example
 * ```ts
 * try {
 *   await app.acquireTokenInteractive(['User.Read'], { timeout: 120 });
 * } catch (e) {
 *   if (e instanceof BrokerBridgeError && e.code === ErrorCode.BrowserInteractionTimeout) {
 *     console.log('Nobody finished signing in; try again later');
 *   } else {
 *     throw e;
 *   }
 * }
 * ```
 */
export class BrokerBridgeError extends Error {
  /** Stable across versions, unlike the message. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** A caller passed something we cannot work with. */
export class InvalidArgumentError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.InvalidArgument;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.InvalidArgument, message, options);
  }
}

/** The authority URL (or OpenID issuer, or given metadata) is malformed or unsafe to use. */
export class InvalidAuthorityError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.InvalidAuthority;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.InvalidAuthority, message, options);
  }
}

/** The authority is well formed but not trusted: instance discovery rejected it, or its issuer does not match. */
export class AuthorityValidationError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.AuthorityValidation;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.AuthorityValidation, message, options);
  }
}

/** Instance, tenant or user realm discovery (or a WS-Trust metadata fetch) failed or returned nothing usable. */
export class DiscoveryError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.DiscoveryFailed;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.DiscoveryFailed, message, options);
  }
}

/** Transport failure: DNS, connection refused, reset. Never an HTTP status. */
export class NetworkError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.NetworkError;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.NetworkError, message, options);
  }
}

/** A deadline passed: an HTTP request's `timeoutMs`, or a broker call's time limit. */
export class TimeoutError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.Timeout;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Timeout, message, options);
  }
}

/** The caller's `AbortSignal` fired before the operation finished. */
export class AbortError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.Aborted;
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(ErrorCode.Aborted, message, options);
  }
}

/** A server or broker replied with something that is not what the protocol allows. */
export class MalformedResponseError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.MalformedResponse;
  /** The HTTP status of the reply, when it came over HTTP. */
  readonly status: number | undefined;
  /** The first 200 characters of the reply, for diagnosis, with anything token-like replaced by `<redacted>`. */
  readonly body: string | undefined;
  constructor(message: string, options?: { cause?: unknown; status?: number | undefined; body?: string | undefined }) {
    super(ErrorCode.MalformedResponse, message, options);
    this.status = options?.status;
    // Bodies may hold tokens, and errors end up in logs: keep a short, redacted prefix for diagnosis.
    this.body = options?.body === undefined ? undefined : redactSecrets(options.body.slice(0, 4096)).slice(0, 200);
  }
}

/** An ID token failed validation: issuer, audience, nonce or max_age (OIDC Core 3.1.3.7). */
export class IdTokenError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.IdTokenInvalid;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.IdTokenInvalid, message, options);
  }
}

/** CSRF protection: the state (or nonce) that came back is not the one we sent. */
export class StateMismatchError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.StateMismatch;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.StateMismatch, message, options);
  }
}

/** A confidential client's credential cannot be used: an unreadable key, a certificate that does not match it. */
export class CredentialError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.CredentialInvalid;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.CredentialInvalid, message, options);
  }
}

/** A token cache blob or file could not be read back intact (strict deserialization, a wrong encryption key). */
export class CacheCorruptError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.CacheCorrupt;
  /** Whatever could be salvaged from the blob. */
  readonly recovered: unknown;
  constructor(message: string, options?: { cause?: unknown; recovered?: unknown }) {
    super(ErrorCode.CacheCorrupt, message, options);
    this.recovered = options?.recovered;
  }
}

/** The OS broker's runtime library could not be loaded. The facade falls back to the browser instead of throwing it. */
export class BrokerUnavailableError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.BrokerUnavailable;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.BrokerUnavailable, message, options);
  }
}

/** acquireTokenInteractive's `timeout` passed before the browser sent the authorization response back. */
export class BrowserInteractionTimeoutError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.BrowserInteractionTimeout;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.BrowserInteractionTimeout, message, options);
  }
}

/** Reserved for Proof-of-Possession failures; no code path throws it yet. */
export class PopError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.PopError;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.PopError, message, options);
  }
}

/** The token cache file, its lock or the secret store holding its key cannot be used. */
export class PersistenceError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.PersistenceError;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.PersistenceError, message, options);
  }
}

/** The server asked for something this library does not implement (e.g. a WS-Trust token type). */
export class UnsupportedError extends BrokerBridgeError {
  /** This class's one code, so that `switch (e.code)` over {@link AnyBrokerBridgeError} narrows. */
  declare readonly code: typeof ErrorCode.Unsupported;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Unsupported, message, options);
  }
}

/**
 * Every error class brokerbridge throws. Each has its own literal `code`, so a `switch` on
 * `code` narrows to the class, with its extra fields.
 *
 * @example
 * ```ts
 * try {
 *   await app.acquireTokenInteractive(['User.Read']);
 * } catch (e) {
 *   if (!isBrokerBridgeError(e)) throw e;
 *   switch (e.code) {
 *     case 'malformed_response':
 *       console.error('bad reply', e.status); // e is a MalformedResponseError here
 *       break;
 *     case 'broker_error':
 *       console.error('broker said', e.status.name, e.errorCode); // a BrokerCallError
 *       break;
 *     default:
 *       throw e;
 *   }
 * }
 * ```
 */
export type AnyBrokerBridgeError =
  | InvalidArgumentError
  | InvalidAuthorityError
  | AuthorityValidationError
  | DiscoveryError
  | NetworkError
  | TimeoutError
  | AbortError
  | MalformedResponseError
  | IdTokenError
  | StateMismatchError
  | CredentialError
  | CacheCorruptError
  | BrokerUnavailableError
  | BrokerCallError
  | BrowserInteractionTimeoutError
  | PopError
  | PersistenceError
  | UnsupportedError;

/**
 * Whether `e` is an error brokerbridge threw; narrows it to {@link AnyBrokerBridgeError}.
 *
 * @example
 * ```ts
 * if (isBrokerBridgeError(e) && e.code === 'timeout') retryLater();
 * ```
 */
export function isBrokerBridgeError(e: unknown): e is AnyBrokerBridgeError {
  // Only the classes of the union above extend BrokerBridgeError, and the base is never thrown itself.
  return e instanceof BrokerBridgeError;
}
