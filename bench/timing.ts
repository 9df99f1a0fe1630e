/**
 * Per-call latency sampling shared by the Node contestants (bench/silent_hit.py
 * follows the same plan in Python). Every call is timed on its own with
 * process.hrtime.bigint(), so the median and p99 describe single calls.
 */

export interface TimingPlan {
  /** Calls made before sampling starts (JIT warm-up, lazy initialisation). */
  warmupCalls: number;
  /** Warm-up stops early after this long: slow contestants would otherwise dominate the run. */
  warmupBudgetMs: number;
  /** Sampling stops after this many calls... */
  maxCalls: number;
  /** ...or once this much time went by and at least minCalls were sampled. */
  budgetMs: number;
  minCalls: number;
}

export const DEFAULT_PLAN: TimingPlan = {
  warmupCalls: 20_000,
  warmupBudgetMs: 1_000,
  maxCalls: 200_000,
  budgetMs: 2_500,
  minCalls: 10,
};

export interface LatencySummary {
  calls: number;
  /** Calls whose result was not the expected cached token. */
  failures: number;
  medianUs: number;
  p99Us: number;
  meanUs: number;
  minUs: number;
}

/**
 * Times `call` per the plan. `isExpected` judges each result outside the timed
 * region, so the check costs nothing in the numbers.
 */
export async function sampleLatency<T>(
  call: () => Promise<T>,
  isExpected: (result: T) => boolean,
  plan: TimingPlan,
): Promise<LatencySummary> {
  let failures = 0;
  const warmupEnd = process.hrtime.bigint() + BigInt(plan.warmupBudgetMs) * 1_000_000n;
  for (let i = 0; i < plan.warmupCalls; i++) {
    if (!isExpected(await call())) failures++;
    if (process.hrtime.bigint() > warmupEnd) break;
  }

  const samples = new Float64Array(plan.maxCalls);
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(plan.budgetMs) * 1_000_000n;
  let n = 0;
  while (n < plan.maxCalls) {
    const t0 = process.hrtime.bigint();
    const result = await call();
    const t1 = process.hrtime.bigint();
    samples[n++] = Number(t1 - t0);
    if (!isExpected(result)) failures++;
    if (n >= plan.minCalls && t1 > deadline) break;
  }
  return { ...summarizeNs(samples.subarray(0, n)), failures };
}

/** Order statistics of nanosecond samples, reported in microseconds (nearest-rank percentiles). */
export function summarizeNs(samplesNs: Float64Array): Omit<LatencySummary, 'failures'> {
  const sorted = Float64Array.from(samplesNs).sort();
  const n = sorted.length;
  if (n === 0) return { calls: 0, medianUs: NaN, p99Us: NaN, meanUs: NaN, minUs: NaN };
  const rank = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] ?? NaN;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    calls: n,
    medianUs: rank(0.5) / 1000,
    p99Us: rank(0.99) / 1000,
    meanUs: sum / n / 1000,
    minUs: (sorted[0] ?? NaN) / 1000,
  };
}
