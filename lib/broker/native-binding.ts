/** The addon's raw surface (native/addon.cc). Only lib/broker talks to it. */
import type { BrokerErrorInfo } from './broker-error.js';

export type NativeOutcome<T> = { ok: true; value: T } | { ok: false; error: BrokerErrorInfo; telemetry?: string };

export interface NativeOperation<T> {
  promise: Promise<NativeOutcome<T>>;
  /** Asks the runtime to cancel; false when the call had already completed. */
  cancel(): boolean;
}

export interface NativeAccount {
  id?: string;
  homeAccountId?: string;
  environment?: string;
  realm?: string;
  localAccountId?: string;
  username?: string;
  givenName?: string;
  familyName?: string;
  middleName?: string;
  name?: string;
  additionalFieldsJson?: string;
  homeEnvironment?: string;
  clientInfo?: string;
}

export interface NativeAuthResult {
  accessToken?: string;
  idToken?: string;
  rawIdToken?: string;
  grantedScopes?: string;
  authorizationHeader?: string;
  telemetry?: string;
  expiresOn: number;
  isPopAuthorization: boolean;
  account?: NativeAccount;
}

/** Opaque account handle (a tagged External) that releases itself when collected. */
export type NativeAccountHandle = { readonly __brand: 'NativeAccountHandle' };

export interface NativeReadAccount {
  account?: NativeAccount;
  handle?: NativeAccountHandle;
  telemetry?: string;
}

export interface NativeSignOut {
  telemetry?: string;
}

export type NativeLoadOutcome =
  | { ok: true }
  | { ok: false; reason: 'library_not_found' | 'library_load_failed' | 'symbol_missing'; message: string };

/** Absent window: the native side picks the OS default parent. */
export type NativeWindow = Buffer | bigint | number | undefined;

export interface NativeBinding {
  /** dlopen runs on the libuv pool: it takes hundreds of milliseconds. */
  loadRuntime(path: string): Promise<NativeLoadOutcome>;
  startup(): Promise<{ ok: true } | { ok: false; error: BrokerErrorInfo }>;
  signInSilently(params: object, correlationId: string): NativeOperation<NativeAuthResult>;
  signInInteractively(
    window: NativeWindow,
    params: object,
    correlationId: string,
    accountHint: string,
  ): NativeOperation<NativeAuthResult>;
  acquireTokenSilently(
    params: object,
    correlationId: string,
    account: NativeAccountHandle,
  ): NativeOperation<NativeAuthResult>;
  /** The account handle that acquireTokenSilently and signOutSilently take. */
  readAccountById(accountId: string, correlationId: string): NativeOperation<NativeReadAccount>;
  signOutSilently(clientId: string, correlationId: string, account: NativeAccountHandle): NativeOperation<NativeSignOut>;
  setLogCallback(callback: ((message: string, level: number) => void) | null, piiEnabled: boolean): void;
  windowHandleValue(window: NativeWindow): bigint;
  /**
   * Process-wide: cancelled calls whose runtime completion has not arrived yet.
   * Optional: prebuilt addons older than this method lack it.
   */
  abandonedCalls?(): number;
}
