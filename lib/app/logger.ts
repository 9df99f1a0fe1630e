export type LogLevel = 'error' | 'warning' | 'info' | 'verbose';

export interface Logger {
  log(level: LogLevel, message: string, containsPii?: boolean): void;
}

export interface LoggerOptions {
  /** Receives every message the level allows. Messages that hold PII arrive only with piiLoggingEnabled. */
  callback?: (level: LogLevel, message: string, containsPii: boolean) => void;
  level?: LogLevel;
  piiLoggingEnabled?: boolean;
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
