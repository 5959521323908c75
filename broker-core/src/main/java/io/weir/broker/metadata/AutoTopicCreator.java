package io.weir.broker.metadata;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Asks the controller to create a topic with the cluster's defaults ({@code
 * auto.create.topics.enable}); the topic appears in a later metadata image.
 */
@FunctionalInterface
public interface AutoTopicCreator {
  CompletableFuture<Void> createTopic(String name);

  /**
   * Creates an internal topic with an explicit layout ({@code __consumer_offsets}: its partition
   * count, replication factor and {@code cleanup.policy=compact}). Creators that only know the
   * defaults cannot, and say so.
   */
  default CompletableFuture<Void> createTopic(
      String name, int partitions, short replicationFactor, Map<String, String> configs) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException("this topic creator cannot create internal topic " + name));
  }
}
