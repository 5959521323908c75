package io.weir.tools.perf;

import io.weir.tools.ClientCommand;
import io.weir.tools.ClientOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/** A perf tool: talks to a cluster like every client command, and fails the same way (one line, exit 1). */
abstract class PerfTool implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  abstract int execute() throws Exception;

  @Override
  public final Integer call() {
    try {
      return execute();
    } catch (Exception e) {
      return ClientCommand.failed(spec, e, client.verbose());
    } finally {
      out().flush();
      err().flush();
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Milliseconds on a monotonic clock: latencies are differences of two readings, as Kafka's tools take them. */
  static long monotonicMs() {
    return System.nanoTime() / 1_000_000;
  }
}
