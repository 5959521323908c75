package io.weir.client.consumer.assignor;

import io.weir.common.TopicPartition;
import io.weir.common.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kafka's client-side partition assignor: the group leader runs it over every member's
 * subscription and the topics' partition counts.
 */
public interface ConsumerPartitionAssignor {
  /** Eager: every member gives up all partitions before a rebalance; cooperative: only those that move. */
  enum RebalanceProtocol {
    EAGER,
    COOPERATIVE
  }

  /**
   * What a member sends in its JoinGroup.
   *
   * @param ownedPartitions what it holds now (sticky and cooperative assignors keep them)
   * @param generation the generation those partitions were assigned in (-1: none)
   */
  record Subscription(List<String> topics, List<TopicPartition> ownedPartitions, int generation) {
    public Subscription {
      topics = List.copyOf(topics);
      ownedPartitions = List.copyOf(ownedPartitions);
    }
  }

  /** Member id to its partitions; every member of {@code subscriptions} appears in the result. */
  Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions);

  /** The protocol name members advertise ({@code range}, {@code cooperative-sticky}, ...). */
  String name();

  default List<RebalanceProtocol> supportedProtocols() {
    return List.of(RebalanceProtocol.EAGER);
  }

  /** {@code partition.assignment.strategy}: short names or class names of the built-in assignors. */
  static List<ConsumerPartitionAssignor> forNames(List<String> names) {
    List<ConsumerPartitionAssignor> out = new ArrayList<>();
    for (String n : names) {
      String simple = n.substring(n.lastIndexOf('.') + 1);
      out.add(switch (simple) {
        case "range", "RangeAssignor" -> new RangeAssignor();
        case "roundrobin", "RoundRobinAssignor" -> new RoundRobinAssignor();
        case "sticky", "StickyAssignor" -> new StickyAssignor();
        case "cooperative-sticky", "CooperativeStickyAssignor" -> new CooperativeStickyAssignor();
        default -> throw new ConfigException("partition.assignment.strategy", n,
            "unknown assignor; use range, roundrobin, sticky or cooperative-sticky");
      });
    }
    if (out.isEmpty()) {
      throw new ConfigException("partition.assignment.strategy", names, "at least one assignor is required");
    }
    return out;
  }
}
