package io.weir.broker.replica;

import io.weir.metadata.controller.AlterPartitionResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a leader's ISR change to the controller (Kafka's AlterPartition); the implementation adds
 * this broker's id and epoch. An RPC later; in tests, a fake controller running the real logic.
 */
@FunctionalInterface
public interface AlterPartitionManager {
  CompletableFuture<AlterPartitionResponse> submit(
      String topicId, int partition, int leaderEpoch, int partitionEpoch, List<Integer> newIsr);
}
