/**
 * Regional token endpoints (ESTS-R), used by client credential flows only.
 * Detecting a region is best effort: failing to find one means the global endpoint.
 */
import { isIP } from 'node:net';
import { InvalidArgumentError } from '../errors.js';
import { timerDelay } from '../timers.js';
import type { HttpClient } from '../http/types.js';
import type { Logger } from '../app/logger.js';
import { silentLogger } from '../app/logger.js';
import { AZURE_PUBLIC_ALIASES, REGION_LABEL } from './clouds.js';

export const IMDS_REGION_URL = 'http://169.254.169.254/metadata/instance/compute/location?format=text&api-version=2021-01-01';
const DEFAULT_IMDS_TIMEOUT_MS = 2000;

export interface RegionDeps {
  env?: NodeJS.ProcessEnv | undefined;
  http?: HttpClient | undefined;
  imdsUrl?: string | undefined;
  timeoutMs?: number | undefined;
  logger?: Logger | undefined;
}

/**
 * `option`: a region name, true to auto-detect, false to turn off regions even
 * when MSAL_FORCE_REGION is set, undefined for no region unless that variable is set.
 */
export async function resolveRegion(option: string | boolean | undefined, deps: RegionDeps = {}): Promise<string | undefined> {
  const env = deps.env ?? process.env;
  const logger = deps.logger ?? silentLogger;
  if (option === false) return undefined;
  if (typeof option === 'string') {
    const region = normalize(option);
    if (!region) throw new InvalidArgumentError(`azureRegion "${option}" is not a valid region name`);
    option = region;
  } else if (option !== undefined && option !== true) {
    throw new InvalidArgumentError('azureRegion must be a string, true, false or undefined');
  }
  const forced = env.MSAL_FORCE_REGION;
  if (forced) {
    const region = normalize(forced);
    if (region) return region;
    logger.log('warning', 'MSAL_FORCE_REGION is not a valid region name; ignoring it');
  }
  if (option === true) return detectRegion(env, deps, logger);
  return option;
}

async function detectRegion(env: NodeJS.ProcessEnv, deps: RegionDeps, logger: Logger): Promise<string | undefined> {
  const fromEnv = env.REGION_NAME ? normalize(env.REGION_NAME.replaceAll(' ', '')) : undefined;
  if (fromEnv) return fromEnv;
  if (!deps.http) {
    logger.log('warning', 'Region auto-detection found no REGION_NAME and has no HTTP client for IMDS; using the global endpoint');
    return undefined;
  }
  const fromImds = await queryImds(deps.http, deps.imdsUrl ?? IMDS_REGION_URL, deps.timeoutMs ?? DEFAULT_IMDS_TIMEOUT_MS, logger);
  if (!fromImds) logger.log('warning', 'Region auto-detection failed; using the global endpoint');
  return fromImds;
}

async function queryImds(http: HttpClient, url: string, timeoutMs: number, logger: Logger): Promise<string | undefined> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // The race guarantees the timeout even with a client that ignores signal and timeoutMs.
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      logger.log('verbose', `IMDS did not answer within ${timeoutMs} ms`);
      resolve(undefined);
    }, timerDelay(timeoutMs));
  });
  const request = http
    .send({ method: 'GET', url, headers: { Metadata: 'true' }, signal: controller.signal, timeoutMs })
    .then((res) => {
      if (res.status !== 200) {
        logger.log('verbose', `IMDS answered HTTP ${res.status}`);
        return undefined;
      }
      return normalize(res.body);
    })
    .catch((e: unknown) => {
      logger.log('verbose', `IMDS is unreachable: ${(e as Error)?.message ?? String(e)}`);
      return undefined;
    });
  try {
    return await Promise.race([request, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A region becomes a DNS label, so anything else could redirect the token request to another host. */
function normalize(value: string): string | undefined {
  const v = value.trim().toLowerCase();
  return REGION_LABEL.test(v) ? v : undefined;
}

/**
 * The token endpoint of `region`: the public cloud uses login.microsoft.com, other clouds prefix their host.
 * An IP-literal host (a local test STS) has no regional names, so its endpoint is returned unchanged.
 */
export function regionalTokenEndpoint(tokenEndpoint: string, region: string): string {
  const r = normalize(region);
  if (!r) throw new InvalidArgumentError(`"${region}" is not a valid region name`);
  const url = new URL(tokenEndpoint);
  const host = url.hostname.toLowerCase();
  if (isIP(host.replace(/^\[|\]$/g, '')) !== 0) return tokenEndpoint;
  url.hostname = AZURE_PUBLIC_ALIASES.includes(host) ? `${r}.login.microsoft.com` : `${r}.${host}`;
  return url.href;
}
