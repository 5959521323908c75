package io.weir.tools.perf;

import java.util.Arrays;

/**
 * Latencies in whole milliseconds for percentiles, as Kafka's perf tools keep them: a plain int
 * array holding every {@code stride}-th value, so memory stays bounded by {@code maxSamples} however
 * many records a run has. Not thread-safe: its owner serialises access.
 */
final class LatencySamples {
  private final int[] samples;
  private final long stride;
  private long seen;
  private int size;

  /** For about {@code expected} values, keeping at most {@code maxSamples} of them. */
  LatencySamples(long expected, int maxSamples) {
    if (expected < 1 || maxSamples < 1) {
      throw new IllegalArgumentException("expected and maxSamples must be positive: " + expected + ", " + maxSamples);
    }
    stride = (expected + maxSamples - 1) / maxSamples;
    samples = new int[(int) Math.min(maxSamples, (expected + stride - 1) / stride)];
  }

  void record(int latencyMs) {
    if (seen++ % stride == 0 && size < samples.length) {
      samples[size++] = latencyMs;
    }
  }

  /** How many values are kept. */
  int size() {
    return size;
  }

  /**
   * The value at each quantile q (0 <= q < 1) of the kept values, taken as Kafka does: element
   * {@code (int) (q * n)} of the sorted n values; 0 when nothing was recorded.
   */
  int[] percentiles(double... quantiles) {
    int[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    int[] values = new int[quantiles.length];
    for (int i = 0; i < quantiles.length; i++) {
      if (quantiles[i] < 0 || quantiles[i] >= 1) {
        throw new IllegalArgumentException("quantile must be in [0, 1): " + quantiles[i]);
      }
      values[i] = size == 0 ? 0 : sorted[Math.min(size - 1, (int) (quantiles[i] * size))];
    }
    return values;
  }
}
