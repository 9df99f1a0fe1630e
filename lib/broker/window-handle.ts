import { InvalidArgumentError } from '../errors.js';
import type { NativeWindow } from './native-binding.js';
import { CONSOLE_WINDOW_HANDLE, type WindowHandle } from './types.js';

export function toNativeWindow(handle: WindowHandle | undefined): NativeWindow {
  return handle === undefined || handle === CONSOLE_WINDOW_HANDLE ? undefined : handle;
}

/**
 * Runs a native call whose argument checks throw TypeError, so bad arguments
 * surface as InvalidArgumentError like everywhere else in the library.
 */
export function withArgumentErrors<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof TypeError) throw new InvalidArgumentError(error.message, { cause: error });
    throw error;
  }
}
