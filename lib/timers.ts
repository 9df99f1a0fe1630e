/**
 * Node fires a timer whose delay exceeds 2^31 - 1 ms after 1 ms (with a warning), so a
 * huge `timeout` would expire at once. Every timer brokerbridge arms goes through here.
 */

/** The longest delay setTimeout honours: about 24.8 days. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** `ms` as a delay setTimeout honours: longer waits are cut to about 24.8 days, which is as good as never. */
export function timerDelay(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_DELAY_MS);
}
