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
