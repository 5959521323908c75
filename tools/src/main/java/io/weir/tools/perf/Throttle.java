package io.weir.tools.perf;

import java.util.concurrent.TimeUnit;

/**
 * Paces a sender to about {@code recordsPerSec} (negative: unlimited, as Kafka's {@code --throughput -1}).
 * Record i is due i / rate seconds after the start; an absolute schedule makes up for sleeps that
 * overshoot. Used by the sending thread only.
 */
final class Throttle {
  private final double recordsPerSec;
  private final long startNanos;

  Throttle(double recordsPerSec, long startNanos) {
    if (recordsPerSec == 0 || Double.isNaN(recordsPerSec)) {
      throw new IllegalArgumentException("--throughput must be positive, or -1 for no limit: " + recordsPerSec);
    }
    this.recordsPerSec = recordsPerSec;
    this.startNanos = startNanos;
  }

  /** Nanoseconds to wait, at {@code nowNanos}, before record number {@code sent} (counted from 0) may go. */
  long delayNanos(long sent, long nowNanos) {
    if (recordsPerSec < 0) {
      return 0;
    }
    long due = startNanos + (long) (sent * 1e9 / recordsPerSec);
    return Math.max(0, due - nowNanos);
  }

  void await(long sent) throws InterruptedException {
    long delay = delayNanos(sent, System.nanoTime());
    if (delay > 0) {
      TimeUnit.NANOSECONDS.sleep(delay);
    }
  }
}
