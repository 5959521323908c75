package io.weir.client.test;

import io.weir.broker.BrokerConfig;
import io.weir.broker.BrokerServer;
import io.weir.broker.metadata.AutoTopicCreator;
import io.weir.broker.producer.ProducerIdBlockSource;
import io.weir.broker.replica.AlterPartitionManager;
import io.weir.metadata.controller.AlterPartitionRequest;
import io.weir.metadata.controller.ApiError;
import io.weir.metadata.controller.BrokerHeartbeatRequest;
import io.weir.metadata.controller.ControllerConfig;
import io.weir.metadata.controller.ControllerLogic;
import io.weir.metadata.controller.ControllerResult;
import io.weir.metadata.controller.CreatableTopic;
import io.weir.metadata.controller.CreateTopicResult;
import io.weir.metadata.controller.RegisterBrokerReply;
import io.weir.metadata.controller.RegisterBrokerRequest;
import io.weir.metadata.image.ConfigResource;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.image.PartitionRegistration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * Real {@link BrokerServer}s on 127.0.0.1 (free ports) in the test JVM, driven by the real
 * {@link ControllerLogic} without Raft: each operation runs on one controller thread and its
 * records apply to the image at once, which then goes to every broker in order.
 */
public final class WeirCluster implements AutoCloseable {
  private final ExecutorService controllerThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-controller"));
  private final ControllerLogic logic = new ControllerLogic(ControllerConfig.DEFAULTS, new Random(7));
  private final List<BrokerServer> brokers = new ArrayList<>();
  private final Map<Integer, Long> brokerEpochs = new HashMap<>(); // controller thread
  private MetadataImage image = MetadataImage.EMPTY; // controller thread
  private final Set<Integer> killed = ConcurrentHashMap.newKeySet(); // written by the controller thread
  private long nowMs = 1_000_000; // controller thread: the controller's clock, moved to fence brokers

  public WeirCluster(Path dir, int size) {
    this(dir, size, BrokerConfig::defaults);
  }

  public WeirCluster(Path dir, int size, IntFunction<BrokerConfig> configs) {
    for (int id = 1; id <= size; id++) {
      BrokerConfig config = configs.apply(id);
      BrokerServer broker = new BrokerServer(config, dir.resolve("broker-" + id), "127.0.0.1", 0,
          alterPartitions(id), producerIds(id), topicCreator());
      brokers.add(broker);
      int port = broker.start();
      register(id, port, config);
    }
  }

  private <T> T onController(Callable<T> task) {
    try {
      return controllerThread.submit(task).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private <T> T commit(ControllerResult<T> result) {
    if (!result.records().isEmpty()) {
      image = image.apply(result.records(), image.offset() + result.records().size());
      for (BrokerServer b : brokers) {
        if (!killed.contains(b.nodeId())) {
          b.onMetadataUpdate(image);
        }
      }
    }
    return result.response();
  }

  private void register(int id, int port, BrokerConfig config) {
    onController(() -> {
      RegisterBrokerReply reply = commit(logic.registerBroker(image,
          new RegisterBrokerRequest(id, UUID.randomUUID().toString(), List.of(new Endpoint(config.listenerName(), "127.0.0.1", port)), config.rack()),
          nowMs));
      if (!reply.error().isSuccess()) {
        throw new IllegalStateException(reply.error().toString());
      }
      brokerEpochs.put(id, reply.brokerEpoch());
      heartbeat(id);
      return null;
    });
  }

  private void heartbeat(int id) {
    commit(logic.brokerHeartbeat(image, new BrokerHeartbeatRequest(id, brokerEpochs.get(id), image.offset(), false), nowMs));
  }

  private AlterPartitionManager alterPartitions(int id) {
    return (topicId, partition, leaderEpoch, partitionEpoch, newIsr) -> CompletableFuture.supplyAsync(
        () -> commit(logic.alterPartition(image,
            new AlterPartitionRequest(id, brokerEpochs.get(id), topicId, partition, leaderEpoch, partitionEpoch, newIsr))),
        controllerThread);
  }

  private ProducerIdBlockSource producerIds(int id) {
    return () -> CompletableFuture.supplyAsync(() -> commit(logic.allocateProducerIds(image, id, brokerEpochs.get(id))), controllerThread);
  }

  private AutoTopicCreator topicCreator() {
    return new AutoTopicCreator() {
      @Override
      public CompletableFuture<Void> createTopic(String name) {
        return CompletableFuture.runAsync(
            () -> commit(logic.createTopics(image, List.of(CreatableTopic.withDefaults(name)), false)), controllerThread);
      }

      @Override
      public CompletableFuture<Void> createTopic(String name, int partitions, short replicationFactor, Map<String, String> configs) {
        return CompletableFuture.runAsync(
            () -> commit(logic.createTopics(image, List.of(new CreatableTopic(name, partitions, replicationFactor, configs)), false)),
            controllerThread);
      }
    };
  }

  public void createTopic(String name, int partitions, int replicationFactor) {
    createTopic(name, partitions, replicationFactor, Map.of());
  }

  public void createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {
    onController(() -> {
      List<CreateTopicResult> results = commit(logic.createTopics(image,
          List.of(new CreatableTopic(name, partitions, (short) replicationFactor, configs)), false));
      ApiError error = results.get(0).error();
      if (!error.isSuccess()) {
        throw new IllegalStateException(error.toString());
      }
      return null;
    });
  }

  /** The partition's registration in the controller's image (null if unknown). */
  public PartitionRegistration partition(String topic, int partition) {
    return onController(() -> {
      var t = image.topics().topic(topic);
      return t == null ? null : t.partition(partition);
    });
  }

  /** Lets the broker's session run out while the others heartbeat: its leaderships move. */
  public void fence(int id) {
    onController(() -> {
      nowMs += ControllerConfig.DEFAULTS.brokerSessionTimeoutMs() + 1;
      for (int other : brokerEpochs.keySet()) {
        if (other != id && !image.cluster().broker(other).fenced()) {
          heartbeat(other);
        }
      }
      List<Integer> fenced = commit(logic.fenceStaleBrokers(image, nowMs));
      if (!fenced.equals(List.of(id))) {
        throw new IllegalStateException("expected to fence " + id + ", fenced " + fenced);
      }
      return null;
    });
  }

  public void unfence(int id) {
    onController(() -> {
      heartbeat(id);
      return null;
    });
  }

  /** Kills the broker (no clean shutdown of its group memberships) and lets its session run out. */
  public void kill(int id) {
    onController(() -> killed.add(id));
    broker(id).close();
    fence(id);
  }

  /** The configs the controller holds for the topic (empty if none). */
  public Map<String, String> topicConfigs(String topic) {
    return onController(() -> image.configs().configs(ConfigResource.topic(topic)));
  }

  /** The number of partitions of the topic in the controller's image (0 if it does not exist). */
  public int partitionCount(String topic) {
    return onController(() -> {
      var t = image.topics().topic(topic);
      return t == null ? 0 : t.partitions().size();
    });
  }

  public BrokerServer broker(int id) {
    return brokers.get(id - 1);
  }

  public String bootstrapServers() {
    return brokers.stream().filter(b -> !killed.contains(b.nodeId())).map(b -> "127.0.0.1:" + b.port()).collect(Collectors.joining(","));
  }

  @Override
  public void close() {
    for (BrokerServer b : brokers) {
      if (!killed.contains(b.nodeId())) {
        b.close();
      }
    }
    controllerThread.shutdownNow();
  }
}
