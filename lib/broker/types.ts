/** Shapes of the broker API: what a BrokerClient (broker-client.ts) takes and answers. */

/** Placeholder parent window: the console window on Windows, none elsewhere. */
export const CONSOLE_WINDOW_HANDLE: unique symbol = Symbol('brokerbridge.consoleWindowHandle');

/**
 * A parent window: Electron's `BrowserWindow.getNativeWindowHandle()` Buffer
 * (4 or 8 bytes), the handle as a bigint or a safe-integer number, or
 * CONSOLE_WINDOW_HANDLE.
 */
export type WindowHandle = Buffer | bigint | number | typeof CONSOLE_WINDOW_HANDLE;

/** The HTTP request a Proof-of-Possession token from the broker is bound to (the broker signs it with its own key). */
export interface BrokerPopParams {
  httpMethod: string;
  uriHost: string;
  uriPath: string;
  nonce: string;
}

/** What the broker is asked for: the app, the authority, the scopes and the request's extras. */
export interface BrokerAuthParams {
  clientId: string;
  /** e.g. https://login.microsoftonline.com/common */
  authority: string;
  scopes: string[];
  redirectUri?: string | undefined;
  /** Decoded claims challenge JSON. */
  claims?: string | undefined;
  /** Makes the broker skip this cached access token. */
  accessTokenToRenew?: string | undefined;
  /** Requests a PoP token bound to this HTTP request. */
  pop?: BrokerPopParams | undefined;
  additionalParameters?: Record<string, string> | undefined;
}

/** How long one broker call may take and how to abort it. */
export interface BrokerCallOptions {
  /** Aborts the call: it rejects with AbortError. */
  signal?: AbortSignal | undefined;
  /** Defaults: 2 minutes for silent calls, 10 minutes for interactive ones. */
  timeoutMs?: number | undefined;
}

/** An account as the broker reports it. */
export interface BrokerAccount {
  /** The broker's own id for the account, which later broker calls take. */
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

/** A token the broker issued, with the account it belongs to. */
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

/** Options of {@link BrokerClient.setLogger}. */
export interface BrokerLogOptions {
  /** Lines that may hold personal data are passed on too. */
  piiEnabled?: boolean | undefined;
}

/** The severity of one of the broker's own log lines. */
export type BrokerLogLevel = 'trace' | 'debug' | 'info' | 'warning' | 'error' | 'fatal';
/** Receives the broker's own log lines. */
export type BrokerLogCallback = (message: string, level: BrokerLogLevel) => void;
