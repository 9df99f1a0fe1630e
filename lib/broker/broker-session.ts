import type { Logger, LogLevel } from '../app/logger.js';
import { BrokerCallError } from './broker-error.js';
import type { BrokerRuntime } from './broker-runtime.js';
import { loadBrokerRuntime } from './native-addon.js';
import type { HostPlatform } from './routing.js';
import type { BrokerLogLevel } from './types.js';

export type BrokerAvailability = { available: true; runtime: BrokerRuntime } | { available: false; reason: string };

/** The Linux broker's well-known name on the D-Bus session bus. */
export const LINUX_BROKER_BUS_NAME = 'com.microsoft.identity.broker1';

/**
 * The broker runtime of one application, loaded and started once, on first
 * use. Failure is remembered as a reason, never thrown: callers fall back.
 */
export class BrokerSession {
  private availability: Promise<BrokerAvailability> | undefined;

  constructor(
    private readonly options: { runtimePath?: string; logger: Logger; piiEnabled?: boolean; host: HostPlatform },
  ) {}

  get(): Promise<BrokerAvailability> {
    this.availability ??= this.start();
    return this.availability;
  }

  private async start(): Promise<BrokerAvailability> {
    const status = await loadBrokerRuntime(this.options.runtimePath !== undefined ? { runtimePath: this.options.runtimePath } : {});
    if (!status.available) {
      this.options.logger.log('warning', `Broker unavailable (${status.reason}): ${status.message}`);
      return { available: false, reason: `${status.reason}: ${status.message}` };
    }
    try {
      await status.runtime.startup();
      this.forwardRuntimeLog(status.runtime);
      return { available: true, runtime: status.runtime };
    } catch (e) {
      const advice = missingBrokerAdvice(e, this.options.host, process.env);
      const reason = `startup_failed: ${(e as Error).message}${advice ? `. ${advice}` : ''}`;
      this.options.logger.log('warning', `Broker unavailable (${reason})`);
      return { available: false, reason };
    }
  }

  /**
   * MSALRuntime's own log goes to the app's logger. The runtime scrubs PII from
   * its lines unless told otherwise; when told (enablePiiLog), every line may
   * hold some and is marked so.
   */
  private forwardRuntimeLog(runtime: BrokerRuntime): void {
    const { logger } = this.options;
    const piiEnabled = this.options.piiEnabled === true;
    try {
      runtime.setLogCallback(
        (message, level) => logger.log(RUNTIME_LOG_LEVELS[level], `MSALRuntime: ${message}`, piiEnabled),
        { piiEnabled },
      );
    } catch (e) {
      logger.log('warning', `The broker runtime's log is not available: ${(e as Error).message}`);
    }
  }
}

const RUNTIME_LOG_LEVELS: Record<BrokerLogLevel, LogLevel> = {
  trace: 'verbose',
  debug: 'verbose',
  info: 'info',
  warning: 'warning',
  error: 'error',
  fatal: 'error',
};

/**
 * On Linux, MSALRuntime starts by pinging the broker on the session bus, and
 * when nobody answers it only says "Broker cannot be initialized"
 * (ApiContractViolation). Name what is missing and where it must run.
 */
export function missingBrokerAdvice(error: unknown, host: HostPlatform, env: NodeJS.ProcessEnv): string | undefined {
  if (host.platform !== 'linux' || host.wsl) return undefined;
  const status = error instanceof Error && error.cause instanceof BrokerCallError ? error.cause.status.name : undefined;
  if (status !== 'ApiContractViolation' && status !== 'RequiredBrokerMissing') return undefined;
  const bus = env['DBUS_SESSION_BUS_ADDRESS']
    ? ''
    : ' DBUS_SESSION_BUS_ADDRESS is not set, so this process may have no session bus to find it on (SSH sessions, services and containers usually have none).';
  return (
    `No Microsoft Identity Broker answered on the D-Bus session bus (name ${LINUX_BROKER_BUS_NAME}). ` +
    "Install Microsoft's microsoft-identity-broker package (from packages.microsoft.com; Intune Company Portal for Linux " +
    `installs it too) and run in the signed-in user's desktop session, whose session bus starts the broker.${bus}`
  );
}
