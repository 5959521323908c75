package io.weir.client.common;

import io.weir.common.TopicPartition;
import java.util.List;

/** One partition's leader and replicas in a metadata snapshot; leader -1 when none is available. */
public record PartitionInfo(
    String topic, int partition, int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr, List<Integer> offlineReplicas) {
  public TopicPartition topicPartition() {
    return new TopicPartition(topic, partition);
  }
}
