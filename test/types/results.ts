/**
 * Type tests, checked by `npm run typecheck` (tsc over test/, no emit, never run): they pin the
 * public result unions. Each `@ts-expect-error` line must stay an error, or tsc fails.
 */
import { isErrorResult, type AcquireTokenResult, type ErrorResult, type TokenResult } from '../../lib/index.js';

declare const result: AcquireTokenResult;

// Before narrowing, neither side's own keys are usable as their type.
// @ts-expect-error access_token is a string only on success
export const tokenBeforeNarrowing: string = result.access_token;
// @ts-expect-error error is a string only on failure
export const errorBeforeNarrowing: string = result.error;

if (isErrorResult(result)) {
  const failed: ErrorResult = result;
  const code: string = failed.error;
  // @ts-expect-error an error result has no access token
  const token: string = failed.access_token;
  void [code, token];
} else {
  const ok: TokenResult = result;
  const token: string = ok.access_token;
  const source: 'identity_provider' | 'cache' | 'broker' = ok.token_source;
  // @ts-expect-error a token result has no error code
  const code: string = ok.error;
  void [token, source, code];
}

// isErrorResult also narrows any other value with an `error` key, such as a device flow.
declare const flow: { user_code: string } | { error: string };
if (isErrorResult(flow)) {
  const code: string = flow.error;
  void code;
}
