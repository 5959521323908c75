package io.weir.client.consumer.assignor;

import io.weir.common.TopicPartition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Shared helpers: deterministic orders so every leader computes the same assignment. */
abstract class AbstractPartitionAssignor implements ConsumerPartitionAssignor {
  static final Comparator<TopicPartition> PARTITION_ORDER =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  /** Sorted member ids with an empty list each. */
  static Map<String, List<TopicPartition>> emptyAssignment(Map<String, Subscription> subscriptions) {
    Map<String, List<TopicPartition>> out = new TreeMap<>();
    subscriptions.keySet().forEach(m -> out.put(m, new ArrayList<>()));
    return out;
  }

  /** The existing partitions of the topics anyone subscribes to, in topic-partition order. */
  static List<TopicPartition> allPartitions(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
    List<TopicPartition> out = new ArrayList<>();
    subscriptions.values().stream().flatMap(s -> s.topics().stream()).distinct().sorted().forEach(t -> {
      for (int p = 0; p < partitionsPerTopic.getOrDefault(t, 0); p++) {
        out.add(new TopicPartition(t, p));
      }
    });
    return out;
  }
}
