/**
 * Peak resident memory of the current process during a measured section. `process.memoryUsage().rss` is
 * sampled every `intervalMs` (default 50 ms) because `resourceUsage().maxRSS` is the peak of the whole process
 * life — it cannot be reset between two measurements in one process, so benchmarks that compare sizes run
 * each size in a fresh process and report both.
 */
export interface RssReport {
  /** Highest sampled RSS in bytes during the section. */
  peakRssBytes: number;
  /** The kernel's peak RSS of the whole process so far (resourceUsage().maxRSS, KiB → bytes). */
  maxRssBytes: number;
  samples: number;
}

export interface RssSampler {
  stop(): RssReport;
}

export function startRssSampler(intervalMs = 50): RssSampler {
  let peak = process.memoryUsage().rss;
  let samples = 1;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
    samples++;
  }, intervalMs);
  // The sampler must never keep a finished benchmark alive.
  timer.unref();
  return {
    stop(): RssReport {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return { peakRssBytes: peak, maxRssBytes: process.resourceUsage().maxRSS * 1024, samples: samples + 1 };
    },
  };
}

/** Runs `work` while sampling RSS; returns its result with the report. */
export async function measurePeakRss<T>(
  work: () => Promise<T>,
  intervalMs = 50,
): Promise<{ result: T; rss: RssReport }> {
  const sampler = startRssSampler(intervalMs);
  try {
    const result = await work();
    return { result, rss: sampler.stop() };
  } catch (error) {
    sampler.stop();
    throw error;
  }
}
