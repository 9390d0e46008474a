/**
 * Latency percentiles by the nearest-rank method: the p-th percentile of n sorted samples is the sample at
 * rank ceil(p/100 × n) (1-based), so it is always a measured value and p100 is the maximum. With few samples
 * the high percentiles are the slowest requests themselves (p99 of 50 samples is the maximum).
 */
export interface LatencySummary {
  count: number;
  /** Milliseconds, one decimal. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** The nearest-rank percentile `p` (0 < p ≤ 100) of samples sorted ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  return sorted[Math.min(sorted.length, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

export function summarizeLatencies(milliseconds: readonly number[]): LatencySummary {
  const sorted = [...milliseconds].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1)!),
    mean: round(sum / sorted.length),
  };
}
