package io.weir.tools.perf;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code weir perf}: Kafka's perf tools for Weir, printing their figures in the same shape so the two
 * compare side by side ({@code bench/compare}).
 */
@Command(name = "perf", mixinStandardHelpOptions = true,
    description = "Measure throughput and latency (the figures of Kafka's perf tools).",
    subcommands = {ProducerPerformance.class, ConsumerPerformance.class, EndToEndLatency.class})
public final class PerfCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }
}
