package io.weir.tools;

import io.weir.client.admin.Admin;
import io.weir.common.TopicPartition;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weir leader}: partition leadership (Kafka's {@code kafka-leader-election.sh}). */
@Command(name = "leader", mixinStandardHelpOptions = true, description = "Partition leader elections.",
    subcommands = LeaderCommand.Elect.class)
final class LeaderCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  @Command(name = "elect", mixinStandardHelpOptions = true,
      description = "Move leadership back to each partition's preferred (first) replica.",
      footer = {"", "Examples:", "  weir leader elect --preferred --all", "  weir leader elect --preferred --topic demo --partition 0"})
  static final class Elect extends ClientCommand {
    @Option(names = "--preferred", required = true, description = "A preferred-replica election (the only kind here).")
    boolean preferred;
    @Option(names = "--all", description = "Every partition.") boolean all;
    @Option(names = "--topic", paramLabel = "T", description = "The partitions of this topic.") String topic;
    @Option(names = "--partition", paramLabel = "P", description = "Only this partition of --topic.") Integer partition;

    @Override
    protected int execute() throws Exception {
      if (all == (topic != null) || (partition != null && topic == null)) {
        throw new IllegalArgumentException("give --all, or --topic T with an optional --partition P");
      }
      try (Admin admin = admin()) {
        List<TopicPartition> partitions = List.of();
        if (topic != null) {
          String t = topic;
          partitions = partition != null ? List.of(new TopicPartition(t, partition))
              : admin.describeTopics(List.of(t)).get().get(t).partitions().stream()
                  .map(p -> new TopicPartition(t, p.partition())).toList();
        }
        Set<TopicPartition> elected = admin.electPreferredLeaders(partitions).get();
        out().println(elected.isEmpty() ? "Valid replica already elected for the partitions."
            : "Successfully completed leader election (PREFERRED) for partitions "
                + elected.stream().map(TopicPartition::toString).sorted().collect(Collectors.joining(", ")));
        return 0;
      }
    }
  }
}
