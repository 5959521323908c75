package io.weir.tools.perf;

import io.weir.tools.ClientCommand;

/** A perf tool: a client command (same options, one-line failures) with Kafka's way of timing. */
abstract class PerfTool extends ClientCommand {
  /** Milliseconds on a monotonic clock: latencies are differences of two readings, as Kafka's tools take them. */
  static long monotonicMs() {
    return System.nanoTime() / 1_000_000;
  }
}
