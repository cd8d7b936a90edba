package io.pgcdc.perf.e2e;

import java.util.Arrays;

/**
 * Percentiles of a set of latencies in microseconds, by the nearest-rank method on a sorted copy
 * (exact, no histogram buckets: the live phase records at most a few hundred thousand values).
 * Immutable.
 */
record LatencyStats(long count, double p50Millis, double p99Millis, double p999Millis, double maxMillis,
                    double meanMillis) {

  static final LatencyStats EMPTY = new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  static LatencyStats of(long[] micros, int count) {
    if (count == 0) {
      return EMPTY;
    }
    long[] sorted = Arrays.copyOf(micros, count);
    Arrays.sort(sorted);
    double sum = 0;
    for (long v : sorted) {
      sum += v;
    }
    return new LatencyStats(count, millis(percentile(sorted, 50)), millis(percentile(sorted, 99)),
        millis(percentile(sorted, 99.9)), millis(sorted[count - 1]), sum / count / 1000.0);
  }

  /** Nearest rank: the smallest value with at least {@code pct} % of the values at or below it. */
  static long percentile(long[] sorted, double pct) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("percentile of no values: pct=" + pct);
    }
    int rank = (int) Math.ceil(pct / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  private static double millis(long micros) {
    return micros / 1000.0;
  }
}
