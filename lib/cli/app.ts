/** Builds the PublicClientApplication (and its cache file) a CLI command works with. */
import { PublicClientApplication } from '../app/public-client-application.js';
import type { PublicClientApplicationOptions } from '../app/options.js';
import type { AppArgs } from './args.js';
import { openCacheFile, type CacheFile } from './cache-file.js';
import type { CliIo } from './io.js';

export interface CliApp {
  app: PublicClientApplication;
  cacheFile: CacheFile | undefined;
}

export function appOptionsFromArgs(args: AppArgs & { broker?: boolean }, io: Pick<CliIo, 'stderr'>): PublicClientApplicationOptions {
  return {
    clientId: args.clientId,
    ...(args.authority !== undefined && { authority: args.authority }),
    ...(args.oidcAuthority !== undefined && { oidcAuthority: args.oidcAuthority }),
    ...(args.instanceDiscoveryEndpoint !== undefined && { instanceDiscoveryEndpoint: args.instanceDiscoveryEndpoint }),
    ...(!args.validateAuthority && { validateAuthority: false, instanceDiscovery: false }),
    ...(args.allowHttpLoopback && { allowHttpLoopbackAuthority: true }),
    ...(args.broker === true && {
      enableBrokerOnWindows: true,
      enableBrokerOnMac: true,
      enableBrokerOnLinux: true,
      enableBrokerOnWsl: true,
    }),
    appName: 'brokerbridge-cli',
    ...(args.verbose && {
      logger: {
        level: 'verbose',
        piiLoggingEnabled: false,
        callback: (level, message) => void io.stderr.write(`[${level}] ${message}\n`),
      },
    }),
  };
}

export async function createCliApp(args: AppArgs & { broker?: boolean }, io: Pick<CliIo, 'stderr'>): Promise<CliApp> {
  const cacheFile = args.cacheFile === undefined ? undefined : await openCacheFile(args.cacheFile);
  if (cacheFile && cacheFile.dropped.length > 0) {
    io.stderr.write(`warning: ${cacheFile.dropped.length} damaged entries of ${cacheFile.path} were skipped\n`);
  }
  const app = new PublicClientApplication({
    ...appOptionsFromArgs(args, io),
    ...(cacheFile && { tokenCache: cacheFile.cache }),
  });
  return { app, cacheFile };
}
