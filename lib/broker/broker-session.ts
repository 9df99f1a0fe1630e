import type { Logger } from '../app/logger.js';
import type { BrokerRuntime } from './broker-runtime.js';
import { loadBrokerRuntime } from './native-addon.js';

export type BrokerAvailability = { available: true; runtime: BrokerRuntime } | { available: false; reason: string };

/**
 * The broker runtime of one application, loaded and started once, on first
 * use. Failure is remembered as a reason, never thrown: callers fall back.
 */
export class BrokerSession {
  private availability: Promise<BrokerAvailability> | undefined;

  constructor(
    private readonly options: { runtimePath?: string; logger: Logger },
  ) {}

  get(): Promise<BrokerAvailability> {
    this.availability ??= this.start();
    return this.availability;
  }

  private async start(): Promise<BrokerAvailability> {
    const status = loadBrokerRuntime(this.options.runtimePath !== undefined ? { runtimePath: this.options.runtimePath } : {});
    if (!status.available) {
      this.options.logger.log('warning', `Broker unavailable (${status.reason}): ${status.message}`);
      return { available: false, reason: `${status.reason}: ${status.message}` };
    }
    try {
      await status.runtime.startup();
      return { available: true, runtime: status.runtime };
    } catch (e) {
      const reason = `startup_failed: ${(e as Error).message}`;
      this.options.logger.log('warning', `Broker unavailable (${reason})`);
      return { available: false, reason };
    }
  }
}
