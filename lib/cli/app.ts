/** Builds the PublicClientApplication (and its cache file) a CLI command works with. */
import { PublicClientApplication } from '../app/public-client-application.js';
import type { PublicClientApplicationOptions } from '../app/options.js';
import { createLogger, type LoggerOptions } from '../app/logger.js';
import type { AppArgs } from './args.js';
import { openCacheFile, type CacheFile } from './cache-file.js';
import type { CliIo } from './io.js';

export interface CliApp {
  app: PublicClientApplication;
  cacheFile: CacheFile | undefined;
}

function logToStderr(io: Pick<CliIo, 'stderr'>): NonNullable<LoggerOptions['callback']> {
  return (level, message) => void io.stderr.write(`[${level}] ${message}\n`);
}

export function appOptionsFromArgs(args: AppArgs & { broker?: boolean | undefined }, io: Pick<CliIo, 'stderr'>): PublicClientApplicationOptions {
  return {
    clientId: args.clientId,
    authority: args.authority,
    oidcAuthority: args.oidcAuthority,
    instanceDiscoveryEndpoint: args.instanceDiscoveryEndpoint,
    ...(args.validateAuthority ? {} : { validateAuthority: false, instanceDiscovery: false }),
    allowHttpLoopbackAuthority: args.allowHttpLoopback,
    ...(args.broker === true ? { enableBrokerOnWindows: true, enableBrokerOnMac: true, enableBrokerOnLinux: true, enableBrokerOnWsl: true } : {}),
    appName: 'brokerbridge-cli',
    logger: args.verbose ? { level: 'verbose', piiLoggingEnabled: false, callback: logToStderr(io) } : undefined,
  };
}

/** `readOnly`: the command only reads the cache, so the --cache file is never written (see openCacheFile). */
export async function createCliApp(
  args: AppArgs & { broker?: boolean | undefined },
  io: Pick<CliIo, 'stderr'>,
  options: { readOnly?: boolean | undefined } = {},
): Promise<CliApp> {
  // The cache's own warnings (a damaged file repaired, a stale lock) reach the user even without --verbose.
  const cacheLogger = createLogger({
    level: args.verbose ? 'verbose' : 'warning',
    piiLoggingEnabled: false,
    callback: logToStderr(io),
  });
  const cacheFile = args.cacheFile === undefined ? undefined : await openCacheFile(args.cacheFile, { logger: cacheLogger, readOnly: options.readOnly });
  const app = new PublicClientApplication({
    ...appOptionsFromArgs(args, io),
    tokenCache: cacheFile?.cache,
  });
  return { app, cacheFile };
}
