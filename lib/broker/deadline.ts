/** One AbortSignal for a broker call: the caller's signal or the timeout, whichever comes first. */
import { AbortError, TimeoutError } from '../errors.js';
import { timerDelay } from '../timers.js';
import type { NativeOperation, NativeOutcome } from './native-binding.js';

export interface Deadline {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function startDeadline(operation: string, timeoutMs: number, callerSignal?: AbortSignal): Deadline {
  const controller = new AbortController();
  const onCallerAbort = (): void =>
    controller.abort(new AbortError(`${operation} was aborted`, { cause: callerSignal?.reason }));
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => controller.abort(new TimeoutError(`${operation} timed out after ${timeoutMs} ms`)), timerDelay(timeoutMs))
    : undefined;
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/**
 * Waits for a native call. On abort it asks the runtime to cancel and rejects
 * at once: the runtime's own completion may come much later, or never when
 * the broker hangs, and the native side then cleans up alone.
 */
export function awaitOperation<T>(start: () => NativeOperation<T>, signal: AbortSignal): Promise<NativeOutcome<T>> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  const operation = start();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      operation.cancel();
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    operation.promise.then(
      (outcome) => {
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
