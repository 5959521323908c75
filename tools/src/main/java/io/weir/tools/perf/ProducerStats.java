package io.weir.tools.perf;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * What {@code weir perf produce} measures, in the figures of Kafka's ProducerPerformance: acknowledged
 * records and bytes, send-to-acknowledgement latency per record, a progress line per reporting interval
 * and the total line. Fed by the producer's I/O thread (callbacks) and read by the command thread at
 * the end: every method but {@link #failed} is synchronized.
 */
final class ProducerStats {
  /** Kafka keeps at most this many sampled latencies for the percentiles. */
  static final int MAX_SAMPLES = 500_000;

  private final PrintWriter out;
  private final long reportingIntervalMs;
  private final long startMs;
  private final LatencySamples samples;
  private long count;
  private long bytes;
  private long totalLatencyMs;
  private int maxLatencyMs;
  private volatile long failed; // written under the lock; read without it by the sending loop, per record
  private Exception firstError;
  private long windowStartMs;
  private long windowCount;
  private long windowBytes;
  private long windowTotalLatencyMs;
  private int windowMaxLatencyMs;

  ProducerStats(long numRecords, long reportingIntervalMs, long startMs, PrintWriter out) {
    this.out = out;
    this.reportingIntervalMs = reportingIntervalMs;
    this.startMs = startMs;
    this.windowStartMs = startMs;
    this.samples = new LatencySamples(numRecords, MAX_SAMPLES);
  }

  /** One acknowledged record; prints the progress line when the interval is over. */
  synchronized void record(int latencyMs, int recordBytes, long nowMs) {
    count++;
    bytes += recordBytes;
    totalLatencyMs += latencyMs;
    maxLatencyMs = Math.max(maxLatencyMs, latencyMs);
    windowCount++;
    windowBytes += recordBytes;
    windowTotalLatencyMs += latencyMs;
    windowMaxLatencyMs = Math.max(windowMaxLatencyMs, latencyMs);
    samples.record(latencyMs);
    if (nowMs - windowStartMs >= reportingIntervalMs) {
      long elapsed = Math.max(1, nowMs - windowStartMs);
      out.printf(Locale.ROOT, "%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency.%n",
          windowCount, 1000.0 * windowCount / elapsed, 1000.0 * windowBytes / elapsed / (1024.0 * 1024.0),
          windowTotalLatencyMs / (double) windowCount, (double) windowMaxLatencyMs);
      out.flush();
      windowStartMs = nowMs;
      windowCount = 0;
      windowBytes = 0;
      windowTotalLatencyMs = 0;
      windowMaxLatencyMs = 0;
    }
  }

  synchronized void failure(Exception e) {
    if (failed++ == 0) {
      firstError = e;
    }
  }

  long failed() {
    return failed;
  }

  synchronized Exception firstError() {
    return firstError;
  }

  /** Kafka's total line, over everything acknowledged from the start until {@code nowMs}. */
  synchronized String totalLine(long nowMs) {
    long elapsed = Math.max(1, nowMs - startMs);
    int[] p = samples.percentiles(0.5, 0.95, 0.99, 0.999);
    return String.format(Locale.ROOT, "%d records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, "
            + "%.2f ms max latency, %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.",
        count, 1000.0 * count / elapsed, 1000.0 * bytes / elapsed / (1024.0 * 1024.0),
        count == 0 ? 0.0 : totalLatencyMs / (double) count, (double) maxLatencyMs, p[0], p[1], p[2], p[3]);
  }
}
