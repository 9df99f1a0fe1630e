/**
 * Event-loop lag as a 1 ms interval sees it: how late each tick came. Tests
 * print the figures (never assert on them) and assert only that the loop
 * kept ticking.
 */
export interface LagFigures {
  ticks: number;
  maxMs: number;
  p99Ms: number;
}

export interface LagProbe {
  /** Ticks so far. */
  ticks(): number;
  /** Stops the interval and summarises what it saw. */
  stop(): LagFigures;
}

export function probeEventLoopLag(): LagProbe {
  const lags: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - last - 1));
    last = now;
  }, 1);
  return {
    ticks: () => lags.length,
    stop() {
      clearInterval(timer);
      // The stretch since the last tick counts too: a loop frozen to the end shows.
      lags.push(Math.max(0, performance.now() - last - 1));
      const sorted = [...lags].sort((a, b) => a - b);
      const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
      return { ticks: lags.length - 1, maxMs: round(sorted.at(-1) ?? 0), p99Ms: round(p99) };
    },
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
