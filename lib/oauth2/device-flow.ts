import { AbortError, MalformedResponseError } from '../errors.js';
import { timerDelay } from '../timers.js';
import type { HttpClient } from '../http/types.js';
import { parseOAuthReply, requireFields } from './token-client.js';
import type { ErrorResponse, TokenResponse } from './types.js';

/** RFC 8628 device authorization reply, plus the fields MSAL Python adds to its flow dict. */
export interface DeviceFlow {
  device_code: string;
  user_code: string;
  verification_uri?: string;
  verification_uri_complete?: string;
  message?: string;
  expires_in: number;
  /** Seconds between polls. Grows by 5 on every slow_down. */
  interval: number;
  /** Epoch seconds. Set it to 0 to make a running poll give up (MSAL Python's way to cancel). */
  expires_at: number;
  [key: string]: unknown;
}

export interface InitiateDeviceFlowParams {
  clientId: string;
  scope: string;
  claims?: string | undefined;
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: (() => number) | undefined;
}

const DEFAULT_INTERVAL = 5;
const DEFAULT_EXPIRES_IN = 1800;
const SLOW_DOWN_STEP = 5;
const RETRIABLE = new Set(['authorization_pending', 'slow_down']);

function positiveInt(v: unknown, fallback: number): number {
  const n = typeof v === 'string' ? Number(v) : v;
  // Some providers send numbers as strings.
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
}

export async function initiateDeviceFlow(
  http: HttpClient,
  endpoint: string,
  params: InitiateDeviceFlowParams,
): Promise<DeviceFlow | ErrorResponse> {
  const form = new URLSearchParams({ client_id: params.clientId, scope: params.scope });
  if (params.claims) form.set('claims', params.claims);
  const res = await http.send({
    method: 'POST',
    url: endpoint,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8',
      Accept: 'application/json',
      ...params.headers,
    },
    body: form.toString(),
    signal: params.signal,
  });
  const obj = parseOAuthReply(res, 'Device authorization endpoint');
  if (typeof obj.error === 'string') return obj as ErrorResponse;
  requireFields(obj, ['device_code', 'user_code'], res, 'Device authorization endpoint');
  const expiresIn = positiveInt(obj.expires_in, DEFAULT_EXPIRES_IN);
  const nowSeconds = (params.now ?? Date.now)() / 1000;
  return {
    ...(obj as { device_code: string; user_code: string }),
    expires_in: expiresIn,
    interval: positiveInt(obj.interval, DEFAULT_INTERVAL),
    expires_at: nowSeconds + expiresIn,
  };
}

/** What DeviceFlowOptions.onProgress receives after each poll that found the user not finished. */
export interface DeviceFlowProgress {
  /** Seconds since polling began. */
  elapsedSeconds: number;
  /** Seconds until the code expires. */
  remainingSeconds: number;
  /** Polls made so far. */
  attempt: number;
}

export interface PollDeviceFlowOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((info: DeviceFlowProgress) => void) | undefined;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: (() => number) | undefined;
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
}

/** setTimeout that rejects with AbortError as soon as the signal fires. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError(undefined, { cause: signal.reason }));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortError(undefined, { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, timerDelay(ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError('Device flow polling was aborted', { cause: signal.reason });
}

/**
 * Polls until the user finishes, the server reports a final error, the code expires or the
 * caller cancels. On expiry (or `flow.expires_at = 0`) it resolves with the last pending
 * error, as MSAL Python does; on `signal` it throws AbortError.
 */
export async function pollDeviceFlow(
  exchange: (deviceCode: string) => Promise<TokenResponse | ErrorResponse>,
  flow: DeviceFlow,
  options: PollDeviceFlowOptions = {},
): Promise<TokenResponse | ErrorResponse> {
  if (typeof flow.device_code !== 'string' || flow.device_code === '') {
    throw new MalformedResponseError('The device flow has no device_code; pass the object initiateDeviceFlow returned');
  }
  const { signal, onProgress } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const startedAt = now();
  const expired = (): boolean => now() / 1000 >= flow.expires_at;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(signal);
    const result = await exchange(flow.device_code);
    throwIfAborted(signal);
    if (typeof result.error !== 'string' || !RETRIABLE.has(result.error)) return result;
    if (result.error === 'slow_down') flow.interval = positiveInt(flow.interval, DEFAULT_INTERVAL) + SLOW_DOWN_STEP;
    onProgress?.({
      elapsedSeconds: Math.floor((now() - startedAt) / 1000),
      remainingSeconds: Math.max(0, Math.floor(flow.expires_at - now() / 1000)),
      attempt,
    });
    // Wait in one-second slices so that expiry and expires_at = 0 are noticed promptly.
    for (let waited = 0; waited < positiveInt(flow.interval, DEFAULT_INTERVAL); waited++) {
      if (expired()) return result;
      await sleep(1000, signal);
      throwIfAborted(signal);
    }
    if (expired()) return result;
  }
}
