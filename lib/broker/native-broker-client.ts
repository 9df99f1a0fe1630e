/**
 * The default BrokerClient: this OS's broker through MSALRuntime and the
 * native addon. Constructing it loads nothing; the addon and the runtime are
 * loaded and started on the first availability() (or call), once.
 */
import { BrokerUnavailableError } from '../errors.js';
import { isWsl } from '../interactive/browser.js';
import { BrokerCallError } from './broker-error.js';
import type { BrokerAvailability, BrokerClient, BrokerPlatform } from './broker-client.js';
import type { BrokerRuntime } from './broker-runtime.js';
import { loadBrokerRuntime } from './native-addon.js';
import type {
  BrokerAuthParams,
  BrokerAuthResult,
  BrokerCallOptions,
  BrokerLogCallback,
  BrokerLogOptions,
  WindowHandle,
} from './types.js';

/** The Linux broker's well-known name on the D-Bus session bus. */
export const LINUX_BROKER_BUS_NAME = 'com.microsoft.identity.broker1';

type RuntimeAvailability = { available: true; runtime: BrokerRuntime } | { available: false; reason: string };

/** The OS broker of the machine this process runs on; WSL reaches the Windows host's. */
export function hostBrokerPlatform(platform: NodeJS.Platform = process.platform, wsl = platform === 'linux' && isWsl()): BrokerPlatform | undefined {
  if (platform === 'win32') return 'windows';
  if (platform === 'darwin') return 'mac';
  if (platform === 'linux') return wsl ? 'wsl' : 'linux';
  return undefined;
}

export class NativeBrokerClient implements BrokerClient {
  readonly platform: BrokerPlatform | undefined;
  private readonly runtimePath: string | undefined;
  private started: Promise<RuntimeAvailability> | undefined;
  /** Set once the runtime started, so a later setLogger() reaches it at once. */
  private running: BrokerRuntime | undefined;
  private log: { callback: BrokerLogCallback | null; piiEnabled: boolean } = { callback: null, piiEnabled: false };

  /** `platform` stands in for the host's in tests. */
  constructor(options: { runtimePath?: string | undefined; platform?: BrokerPlatform | undefined } = {}) {
    this.runtimePath = options.runtimePath;
    this.platform = 'platform' in options ? options.platform : hostBrokerPlatform();
  }

  async availability(): Promise<BrokerAvailability> {
    const started = await this.start();
    return started.available ? { available: true } : started;
  }

  async acquireTokenSilently(
    params: BrokerAuthParams,
    correlationId: string,
    accountId: string,
    options?: BrokerCallOptions,
  ): Promise<BrokerAuthResult> {
    return (await this.runtime()).acquireTokenSilently(params, correlationId, accountId, options);
  }

  async signInSilently(params: BrokerAuthParams, correlationId: string, options?: BrokerCallOptions): Promise<BrokerAuthResult> {
    return (await this.runtime()).signInSilently(params, correlationId, options);
  }

  async signInInteractively(
    params: BrokerAuthParams,
    correlationId: string,
    parentWindow: WindowHandle,
    loginHint: string,
    options?: BrokerCallOptions,
  ): Promise<BrokerAuthResult> {
    return (await this.runtime()).signInInteractively(params, correlationId, parentWindow, loginHint, options);
  }

  async signOutSilently(clientId: string, correlationId: string, accountId: string, options?: BrokerCallOptions): Promise<void> {
    return (await this.runtime()).signOutSilently(clientId, correlationId, accountId, options);
  }

  /** Kept until the runtime starts, then handed to it; the runtime's lines are marked as MSALRuntime's. */
  setLogger(callback: BrokerLogCallback | null, options: BrokerLogOptions = {}): void {
    this.log = { callback, piiEnabled: options.piiEnabled === true };
    if (this.running) this.forwardRuntimeLog(this.running);
  }

  private start(): Promise<RuntimeAvailability> {
    this.started ??= this.load();
    return this.started;
  }

  private async runtime(): Promise<BrokerRuntime> {
    const started = await this.start();
    if (!started.available) throw new BrokerUnavailableError(`The broker is not available: ${started.reason}`);
    return started.runtime;
  }

  /** Failure is a reason, never thrown: callers fall back. */
  private async load(): Promise<RuntimeAvailability> {
    const status = await loadBrokerRuntime({ runtimePath: this.runtimePath });
    if (!status.available) return { available: false, reason: `${status.reason}: ${status.message}` };
    try {
      await status.runtime.startup();
    } catch (e) {
      const advice = missingBrokerAdvice(e, this.platform, process.env);
      return { available: false, reason: `startup_failed: ${(e as Error).message}${advice ? `. ${advice}` : ''}` };
    }
    this.running = status.runtime;
    this.forwardRuntimeLog(status.runtime);
    return { available: true, runtime: status.runtime };
  }

  /**
   * MSALRuntime scrubs PII from its lines unless told otherwise; when told
   * (enablePiiLog), every line may hold some.
   */
  private forwardRuntimeLog(runtime: BrokerRuntime): void {
    const { callback, piiEnabled } = this.log;
    try {
      runtime.setLogCallback(callback && ((message, level) => callback(`MSALRuntime: ${message}`, level)), { piiEnabled });
    } catch (e) {
      callback?.(`The broker runtime's log is not available: ${(e as Error).message}`, 'warning');
    }
  }
}

/**
 * On Linux, MSALRuntime starts by pinging the broker on the session bus, and
 * when nobody answers it only says "Broker cannot be initialized"
 * (ApiContractViolation). Name what is missing and where it must run.
 */
export function missingBrokerAdvice(error: unknown, platform: BrokerPlatform | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (platform !== 'linux') return undefined;
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
