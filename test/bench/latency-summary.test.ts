import { describe, expect, it } from 'vitest';
import { percentile, summarizeLatencies } from '../../bench/support/latency-summary.ts';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('is the sample at rank ceil(p × n): p50 of 1..100 is 50, p95 is 95, p99 is 99, p100 the maximum', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
  });

  it('is always a measured sample, and the maximum for high percentiles of few samples', () => {
    expect(percentile([10, 20, 30], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 99)).toBe(40);
    expect(percentile([7], 1)).toBe(7);
  });

  it('refuses no samples and percentiles outside (0, 100]', () => {
    expect(() => percentile([], 50)).toThrow(/no samples/);
    expect(() => percentile([1], 0)).toThrow(/\(0, 100\]/);
    expect(() => percentile([1], 101)).toThrow(/\(0, 100\]/);
  });
});

describe('summarizeLatencies', () => {
  it('sorts the samples itself and rounds to 0.1 ms', () => {
    const samples = [5.04, 1.26, 3.33, 2.5, 4.01];
    expect(summarizeLatencies(samples)).toEqual({
      count: 5,
      p50: 3.3,
      p95: 5,
      p99: 5,
      max: 5,
      mean: 3.2,
    });
    expect(samples[0]).toBe(5.04);
  });
});
