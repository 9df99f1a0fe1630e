/** Log levels, most severe first; a level lets through itself and everything more severe. */
export type LogLevel = 'error' | 'warning' | 'info' | 'verbose';

/** Where the library's log messages go. */
export interface Logger {
  /** Writes one message; `containsPii` marks messages that may hold user data (names, URLs with user names). */
  log(level: LogLevel, message: string, containsPii?: boolean): void;
}

/**
 * The application's `logger` option.
 *
 * @example
 * ```ts
 * const app = new PublicClientApplication({
 *   clientId: '<app id>',
 *   logger: { level: 'warning', callback: (level, message) => console.log(`[${level}] ${message}`) },
 * });
 * ```
 */
export interface LoggerOptions {
  /** Receives every message the level allows. Messages that hold PII arrive only with piiLoggingEnabled. */
  callback?: ((level: LogLevel, message: string, containsPii: boolean) => void) | undefined;
  /** The least severe level passed on; default 'info'. */
  level?: LogLevel | undefined;
  /** Pass on messages that may hold personal data too; default false. */
  piiLoggingEnabled?: boolean | undefined;
}

const rank: Record<LogLevel, number> = { error: 0, warning: 1, info: 2, verbose: 3 };

export function createLogger(options: LoggerOptions = {}): Logger {
  const max = rank[options.level ?? 'info'];
  const cb = options.callback;
  const pii = options.piiLoggingEnabled === true;
  return {
    log(level, message, containsPii = false) {
      if (!cb || rank[level] > max) return;
      if (containsPii && !pii) return;
      cb(level, message, containsPii);
    },
  };
}

export const silentLogger: Logger = { log() {} };
