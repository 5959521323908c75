package io.weir.broker.cluster;

import io.weir.broker.NamedThreadFactory;
import io.weir.broker.metadata.AutoTopicCreator;
import io.weir.broker.producer.ProducerIdBlockSource;
import io.weir.broker.replica.AlterPartitionManager;
import io.weir.metadata.controller.AlterPartitionRequest;
import io.weir.metadata.controller.AlterPartitionResponse;
import io.weir.metadata.controller.BrokerHeartbeatRequest;
import io.weir.metadata.controller.CreatableTopic;
import io.weir.metadata.controller.ControllerConfig;
import io.weir.metadata.controller.ControllerLogic;
import io.weir.metadata.controller.ControllerResult;
import io.weir.metadata.controller.CreateTopicResult;
import io.weir.metadata.controller.ProducerIdsBlock;
import io.weir.metadata.controller.RegisterBrokerReply;
import io.weir.metadata.controller.RegisterBrokerRequest;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.image.TopicImage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The real {@link ControllerLogic} and {@link MetadataImage} without Raft: every operation runs on
 * one event thread, its records apply to the image at once, and the new image goes to every
 * broker, in order, from that thread. Time is a counter the tests move to fence brokers.
 */
final class FakeController implements AutoCloseable {
  private final ExecutorService eventThread =
      Executors.newSingleThreadExecutor(new NamedThreadFactory("fake-controller"));
  private final ControllerLogic logic = new ControllerLogic(ControllerConfig.DEFAULTS, new Random(42));
  private final Map<Integer, Consumer<MetadataImage>> brokers = new ConcurrentHashMap<>();
  private final Map<Integer, Long> brokerEpochs = new ConcurrentHashMap<>();
  private MetadataImage image = MetadataImage.EMPTY; // event thread
  private long nowMs = 1_000_000; // event thread

  private <T> T call(Callable<T> task) {
    try {
      return eventThread.submit(task).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private <T> T commit(ControllerResult<T> result) {
    if (!result.records().isEmpty()) {
      image = image.apply(result.records(), image.offset() + result.records().size());
      for (Consumer<MetadataImage> broker : brokers.values()) {
        broker.accept(image);
      }
    }
    return result.response();
  }

  MetadataImage image() {
    return call(() -> image);
  }

  /** Stops publishing to the broker (its process is down); the controller still counts it registered. */
  void disconnect(int brokerId) {
    call(() -> brokers.remove(brokerId));
  }

  /** Registers the broker, gives it the image, and unfences it. */
  void register(int brokerId, String host, int port, Optional<String> rack, Consumer<MetadataImage> listener) {
    call(
        () -> {
          brokers.put(brokerId, listener);
          RegisterBrokerReply reply =
              commit(
                  logic.registerBroker(
                      image,
                      new RegisterBrokerRequest(
                          brokerId, UUID.randomUUID().toString(), List.of(new Endpoint("PLAINTEXT", host, port)), rack),
                      nowMs));
          if (!reply.error().isSuccess()) {
            throw new IllegalStateException(reply.error().toString());
          }
          brokerEpochs.put(brokerId, reply.brokerEpoch());
          listener.accept(image);
          commit(logic.brokerHeartbeat(image, new BrokerHeartbeatRequest(brokerId, reply.brokerEpoch(), image.offset(), false), nowMs));
          return null;
        });
  }

  TopicImage createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {
    return call(
        () -> {
          List<CreateTopicResult> results =
              commit(logic.createTopics(
                  image, List.of(new CreatableTopic(name, partitions, (short) replicationFactor, configs)), false));
          if (!results.get(0).error().isSuccess()) {
            throw new IllegalStateException(results.get(0).error().toString());
          }
          return image.topics().topic(name);
        });
  }

  void deleteTopic(String name) {
    call(() -> commit(logic.deleteTopics(image, List.of(name))));
  }

  /** Lets the broker's session run out while the others heartbeat: it is fenced, its leaderships move. */
  void fence(int brokerId) {
    call(
        () -> {
          nowMs += ControllerConfig.DEFAULTS.brokerSessionTimeoutMs() + 1;
          for (int other : brokers.keySet()) {
            if (other != brokerId && !image.cluster().broker(other).fenced()) {
              commit(logic.brokerHeartbeat(image, new BrokerHeartbeatRequest(other, brokerEpochs.get(other), image.offset(), false), nowMs));
            }
          }
          List<Integer> fenced = commit(logic.fenceStaleBrokers(image, nowMs));
          if (!fenced.equals(List.of(brokerId))) {
            throw new IllegalStateException("expected to fence " + brokerId + ", fenced " + fenced);
          }
          return null;
        });
  }

  void unfence(int brokerId) {
    call(
        () ->
            commit(logic.brokerHeartbeat(
                image, new BrokerHeartbeatRequest(brokerId, brokerEpochs.get(brokerId), image.offset(), false), nowMs)));
  }

  AlterPartitionManager alterPartitionManager(int brokerId) {
    return (topicId, partition, leaderEpoch, partitionEpoch, newIsr) ->
        CompletableFuture.supplyAsync(
            () ->
                commit(logic.alterPartition(
                    image,
                    new AlterPartitionRequest(
                        brokerId, brokerEpochs.get(brokerId), topicId, partition, leaderEpoch, partitionEpoch, newIsr))),
            eventThread);
  }

  ProducerIdBlockSource producerIdBlocks(int brokerId) {
    return () ->
        CompletableFuture.supplyAsync(
            () -> {
              ProducerIdsBlock block = commit(logic.allocateProducerIds(image, brokerId, brokerEpochs.get(brokerId)));
              return block;
            },
            eventThread);
  }

  AutoTopicCreator topicCreator() {
    return name ->
        CompletableFuture.runAsync(
            () -> commit(logic.createTopics(image, List.of(CreatableTopic.withDefaults(name)), false)),
            eventThread);
  }

  @Override
  public void close() {
    eventThread.shutdown();
  }
}
