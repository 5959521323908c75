package io.weir.broker.node;

import io.weir.broker.metadata.AutoTopicCreator;
import io.weir.metadata.broker.ControllerClient;
import io.weir.proto.v1.CreatableTopic;
import io.weir.proto.v1.CreatableTopicResult;
import io.weir.proto.v1.CreateTopicsRequest;
import io.weir.proto.v1.CreateTopicsResponse;
import io.weir.proto.v1.ErrorCode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Creates topics through the active controller: user topics with the cluster's defaults
 * ({@code auto.create.topics.enable}) and internal topics such as {@code __consumer_offsets} with
 * their own layout. A topic that already exists counts as created, since several brokers may ask
 * at once; any other refusal fails the future with the controller's message.
 */
final class ControllerTopicCreator implements AutoTopicCreator {
  private final ControllerClient client;
  private final Executor controllerCalls; // the blocking controller calls run here, off request threads

  ControllerTopicCreator(ControllerClient client, Executor controllerCalls) {
    this.client = client;
    this.controllerCalls = controllerCalls;
  }

  @Override
  public CompletableFuture<Void> createTopic(String name) {
    return create(CreatableTopic.newBuilder().setName(name).setNumPartitions(-1).setReplicationFactor(-1).build());
  }

  @Override
  public CompletableFuture<Void> createTopic(
      String name, int partitions, short replicationFactor, Map<String, String> configs) {
    return create(CreatableTopic.newBuilder().setName(name).setNumPartitions(partitions)
        .setReplicationFactor(replicationFactor).putAllConfigs(configs).build());
  }

  private CompletableFuture<Void> create(CreatableTopic topic) {
    return CompletableFuture.runAsync(() -> {
      CreateTopicsResponse response =
          client.createTopics(CreateTopicsRequest.newBuilder().addTopics(topic).build());
      check(topic.getName(), response.getErrorCode(), response.getErrorMessage());
      for (CreatableTopicResult result : response.getTopicsList()) {
        check(result.getName(), result.getErrorCode(), result.getErrorMessage());
      }
    }, controllerCalls);
  }

  private static void check(String topic, ErrorCode code, String message) {
    if (code != ErrorCode.NONE && code != ErrorCode.TOPIC_ALREADY_EXISTS) {
      throw new IllegalStateException("creating topic " + topic + " failed with " + code + ": " + message);
    }
  }
}
