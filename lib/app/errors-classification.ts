import { MalformedResponseError, NetworkError, TimeoutError } from '../errors.js';
import type { ErrorResult } from '../oauth2/types.js';

/**
 * Suberrors that need no user-visible action map to "" (as MSAL Python does);
 * the rest pass through, so apps can branch on `classification`.
 */
const suppressed = new Set([
  'bad_token',
  'token_expired',
  'protection_policy_required',
  'client_mismatch',
  'device_authentication_failed',
]);

export function classifySuberror(result: ErrorResult): ErrorResult {
  if (typeof result.suberror !== 'string' || result.suberror === '') return result;
  return { ...result, classification: suppressed.has(result.suberror) ? '' : result.suberror };
}

/**
 * A failure of the exchange itself rather than of what was exchanged: the
 * network, a timeout, or a server error (HTTP 5xx) the transport could not
 * parse. MSAL Python lets only these (its requests.RequestException) fall back
 * to an aging cached token; anything else is a bug or a bad reply to surface.
 */
export function isTransportFailure(e: unknown): boolean {
  if (e instanceof NetworkError || e instanceof TimeoutError) return true;
  return e instanceof MalformedResponseError && e.status !== undefined && e.status >= 500;
}
