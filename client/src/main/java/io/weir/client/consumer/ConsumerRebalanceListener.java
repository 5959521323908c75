package io.weir.client.consumer;

import io.weir.common.TopicPartition;
import java.util.Collection;

/**
 * Kafka's rebalance callbacks, run on the polling thread. Only group subscriptions invoke them; with
 * {@code assign} there is no rebalance.
 */
public interface ConsumerRebalanceListener {
  void onPartitionsRevoked(Collection<TopicPartition> partitions);

  void onPartitionsAssigned(Collection<TopicPartition> partitions);

  default void onPartitionsLost(Collection<TopicPartition> partitions) {
    onPartitionsRevoked(partitions);
  }
}
