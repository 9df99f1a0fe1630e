/** Shapes of the broker runtime API (lib/broker/broker-runtime.ts). */

/** Placeholder parent window: the console window on Windows, none elsewhere. */
export const CONSOLE_WINDOW_HANDLE: unique symbol = Symbol('brokerbridge.consoleWindowHandle');

/**
 * A parent window: Electron's `BrowserWindow.getNativeWindowHandle()` Buffer
 * (4 or 8 bytes), the handle as a bigint or a safe-integer number, or
 * CONSOLE_WINDOW_HANDLE.
 */
export type WindowHandle = Buffer | bigint | number | typeof CONSOLE_WINDOW_HANDLE;

export interface PopParams {
  httpMethod: string;
  uriHost: string;
  uriPath: string;
  nonce: string;
}

export interface AuthParams {
  clientId: string;
  /** e.g. https://login.microsoftonline.com/common */
  authority: string;
  scopes: string[];
  redirectUri?: string;
  /** Decoded claims challenge JSON. */
  claims?: string;
  /** Makes the broker skip this cached access token. */
  accessTokenToRenew?: string;
  /** Requests a PoP token bound to this HTTP request. */
  pop?: PopParams;
  additionalParameters?: Record<string, string>;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Defaults: 2 minutes for silent calls, 10 minutes for interactive ones. */
  timeoutMs?: number;
}

export interface BrokerAccount {
  id: string;
  homeAccountId: string;
  clientInfo: string | undefined;
  environment: string;
  realm: string;
  localAccountId: string | undefined;
  username: string;
  name: string | undefined;
  givenName: string | undefined;
  familyName: string | undefined;
  middleName: string | undefined;
  homeEnvironment: string | undefined;
  /** Extra account fields the runtime reports, parsed from its JSON. */
  additionalFields: Record<string, unknown> | undefined;
}

export interface BrokerAuthResult {
  accessToken: string;
  idToken: string | undefined;
  rawIdToken: string | undefined;
  account: BrokerAccount | undefined;
  /** Epoch seconds, as the runtime reports it. */
  expiresOn: number;
  grantedScopes: string[];
  /** For PoP results, the Authorization header value ("pop <token>"); the runtime gives none for bearer tokens. */
  authorizationHeader: string | undefined;
  isPopAuthorization: boolean;
  telemetry: Record<string, unknown> | undefined;
}

export interface BrokerLogOptions {
  piiEnabled?: boolean;
}

export type BrokerLogLevel = 'trace' | 'debug' | 'info' | 'warning' | 'error' | 'fatal';
export type BrokerLogCallback = (message: string, level: BrokerLogLevel) => void;
