package io.weir.broker.metadata;

import java.util.concurrent.CompletableFuture;

/**
 * Asks the controller to create a topic with the cluster's defaults ({@code
 * auto.create.topics.enable}); the topic appears in a later metadata image.
 */
@FunctionalInterface
public interface AutoTopicCreator {
  CompletableFuture<Void> createTopic(String name);
}
