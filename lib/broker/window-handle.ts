import { BrokerUnavailableError, InvalidArgumentError } from '../errors.js';
import type { NativeWindow } from './native-binding.js';
import { CONSOLE_WINDOW_HANDLE, type WindowHandle } from './types.js';

export function toNativeWindow(handle: WindowHandle | undefined): NativeWindow {
  return handle === undefined || handle === CONSOLE_WINDOW_HANDLE ? undefined : handle;
}

/** Codes the addon puts on errors for calls the runtime is not ready for (native/addon.cc). */
const NOT_READY_CODES = new Set(['ERR_BROKER_NOT_LOADED', 'ERR_BROKER_NOT_STARTED']);

/**
 * Runs a native call whose argument checks throw TypeError, so bad arguments
 * surface as InvalidArgumentError like everywhere else in the library, and a
 * call before loadRuntime()/startup() as BrokerUnavailableError.
 */
export function withArgumentErrors<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof TypeError) throw new InvalidArgumentError(error.message, { cause: error });
    if (NOT_READY_CODES.has((error as { code?: unknown }).code as string)) {
      throw new BrokerUnavailableError((error as Error).message, { cause: error });
    }
    throw error;
  }
}
