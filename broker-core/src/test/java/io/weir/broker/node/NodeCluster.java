package io.weir.broker.node;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.weir.broker.ConsumerFetches;
import io.weir.broker.TestRecords;
import io.weir.broker.fetcher.GrpcLeaderEndpoint;
import io.weir.broker.fetcher.LeaderEndpoint;
import io.weir.broker.replica.Partition;
import io.weir.common.TopicPartition;
import io.weir.common.record.MemoryRecords;
import io.weir.metadata.broker.ControllerClient;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.image.TopicImage;
import io.weir.proto.v1.CreatableTopic;
import io.weir.proto.v1.CreateTopicsRequest;
import io.weir.proto.v1.CreateTopicsResponse;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import io.weir.proto.v1.FetchServiceGrpc;
import io.weir.proto.v1.ProduceRequest;
import io.weir.proto.v1.ProduceResponse;
import io.weir.proto.v1.ProduceServiceGrpc;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Weir nodes in this JVM over real gRPC on 127.0.0.1: N combined nodes (ids 1..N), or N
 * controllers (ids 101..) and M brokers (ids 1..M). Ports are reserved up front so a restarted node
 * comes back on the same addresses. Killing a node closes it; restarting starts a new {@link
 * WeirNode} on the same directories and ports. Followers reach leaders through a network the test
 * can cut per broker. Thread-safe maps: a test may kill a node while another thread produces.
 */
final class NodeCluster implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);

  private final Map<Integer, ServerConfig> configs = new TreeMap<>();
  private final Map<Integer, WeirNode> nodes = new java.util.concurrent.ConcurrentSkipListMap<>(); // live nodes
  private final List<Integer> brokerIds = new ArrayList<>();
  private final Map<Integer, Integer> brokerByPort = new ConcurrentHashMap<>();
  private final Set<Integer> cutOff = ConcurrentHashMap.newKeySet(); // brokers no replica traffic reaches
  private final Map<Integer, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final ControllerClient admin;

  /** Short timings for loaded 2-core machines; {@code overrides} replace any. */
  static Map<String, String> testProperties() {
    Map<String, String> p = new HashMap<>();
    p.put("controller.quorum.tick.ms", "20");
    p.put("controller.quorum.election.timeout.ms", "300");
    p.put("controller.quorum.heartbeat.interval.ms", "40");
    p.put("controller.quorum.fetch.timeout.ms", "600");
    p.put("controller.quorum.request.timeout.ms", "3000");
    p.put("broker.session.timeout.ms", "1500");
    p.put("broker.heartbeat.interval.ms", "150");
    p.put("replica.lag.time.max.ms", "2500");
    p.put("replica.fetch.wait.max.ms", "200");
    p.put("replica.fetch.backoff.ms", "50");
    p.put("num.io.threads", "4");
    p.put("default.replication.factor", "3");
    p.put("min.insync.replicas", "2");
    p.put("auto.create.topics.enable", "false");
    p.put("leader.imbalance.check.interval.seconds", "1");
    p.put("metrics.port", "0"); // nodes share the JVM: never the default port
    return p;
  }

  static NodeCluster combined(Path dir, int nodes, Map<String, String> overrides) {
    return new NodeCluster(dir, nodes, 0, overrides, true);
  }

  /** Configured and formatted, but no node runs until the test {@link #start}s it. */
  static NodeCluster combinedNotStarted(Path dir, int nodes, Map<String, String> overrides) {
    return new NodeCluster(dir, nodes, 0, overrides, false);
  }

  static NodeCluster separate(Path dir, int controllers, int brokers, Map<String, String> overrides) {
    return new NodeCluster(dir, controllers, brokers, overrides, true);
  }

  /** {@code brokers == 0}: {@code voters} combined nodes. */
  private NodeCluster(Path dir, int voters, int brokers, Map<String, String> overrides, boolean startAll) {
    boolean combined = brokers == 0;
    List<Integer> voterIds = new ArrayList<>();
    for (int i = 1; i <= voters; i++) {
      voterIds.add(combined ? i : 100 + i);
    }
    for (int i = 1; i <= (combined ? voters : brokers); i++) {
      brokerIds.add(i);
    }
    // Below the ephemeral range: a stopped node's ports stay its own until it restarts.
    Iterator<Integer> ports = LoopbackPorts.free(voterIds.size() + brokerIds.size()).iterator();
    Map<Integer, Integer> controllerPorts = new TreeMap<>();
    StringJoiner votersValue = new StringJoiner(",");
    for (int id : voterIds) {
      controllerPorts.put(id, ports.next());
      votersValue.add(id + "@127.0.0.1:" + controllerPorts.get(id));
    }
    Map<Integer, Integer> brokerPorts = new TreeMap<>();
    for (int id : brokerIds) {
      brokerPorts.put(id, ports.next());
      brokerByPort.put(brokerPorts.get(id), id);
    }
    Set<Integer> all = new java.util.TreeSet<>(voterIds);
    all.addAll(brokerIds);
    String clusterId = StorageFormatter.randomClusterId();
    for (int id : all) {
      Map<String, String> p = testProperties();
      p.putAll(overrides);
      boolean isBroker = brokerIds.contains(id);
      boolean isController = voterIds.contains(id);
      p.put("node.id", String.valueOf(id));
      p.put("process.roles", isBroker && isController ? "broker,controller" : isBroker ? "broker" : "controller");
      p.put("controller.quorum.voters", votersValue.toString());
      StringJoiner listeners = new StringJoiner(",");
      if (isBroker) {
        listeners.add("PLAINTEXT://127.0.0.1:" + brokerPorts.get(id));
      }
      if (isController) {
        listeners.add("CONTROLLER://127.0.0.1:" + controllerPorts.get(id));
      }
      p.put("listeners", listeners.toString());
      p.put("log.dirs", dir.resolve("node-" + id).toString());
      p.putIfAbsent("broker.rack", "rack-" + (id % 3));
      ServerConfig config = ServerConfig.fromProperties(p);
      StorageFormatter.format(config.allDirs(), id, clusterId);
      configs.put(id, config);
    }
    admin = new ControllerClient(configs.values().iterator().next().quorumConfig().voters(), 10_000, 50);
    if (!startAll) {
      return;
    }
    try {
      for (int id : all) {
        start(id);
      }
      for (int id : brokerIds) {
        awaitReady(id);
      }
    } catch (RuntimeException e) {
      close(); // the test never gets this cluster to close: stop the nodes that did start
      throw e;
    }
  }

  void start(int id) {
    nodes.put(id, WeirNode.start(configs.get(id), endpoint -> networkEndpoint(id, endpoint)));
  }

  void awaitReady(int id) {
    try {
      nodes.get(id).brokerReady().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("broker " + id + " did not become ready", e);
    }
  }

  List<Integer> brokerIds() {
    return brokerIds;
  }

  WeirNode node(int id) {
    return nodes.get(id);
  }

  /** Closes the node, as a crash would end it (no controlled shutdown). */
  void kill(int id) {
    ManagedChannel ch = channels.remove(id);
    if (ch != null) {
      ch.shutdownNow();
    }
    nodes.remove(id).close();
  }

  /** The graceful stop a SIGTERM gives: controlled shutdown, then close. */
  boolean shutdown(int id, Duration controlledShutdownTimeout) {
    boolean controlled = nodes.remove(id).shutdown(controlledShutdownTimeout);
    ManagedChannel ch = channels.remove(id); // after: calls still running get their answers
    if (ch != null) {
      ch.shutdownNow();
    }
    return controlled;
  }

  /** Every broker's client listener, as a client's bootstrap.servers. */
  String bootstrapServers() {
    StringJoiner out = new StringJoiner(",");
    brokerIds.forEach(id -> out.add("127.0.0.1:" + configs.get(id).brokerListener().port()));
    return out.toString();
  }

  ServerConfig config(int id) {
    return configs.get(id);
  }

  /** A new process on the killed node's directories and ports. */
  void restart(int id) {
    start(id);
  }

  void cutOff(int brokerId) {
    cutOff.add(brokerId);
  }

  void reconnect(int brokerId) {
    cutOff.remove(brokerId);
  }

  private LeaderEndpoint networkEndpoint(int localId, Endpoint endpoint) {
    GrpcLeaderEndpoint real = new GrpcLeaderEndpoint(endpoint, 64 << 20);
    int leaderId = brokerByPort.getOrDefault(endpoint.port(), -1);
    return new LeaderEndpoint() {
      @Override
      public CompletableFuture<FetchResponse> fetch(FetchRequest request) {
        if (isCut()) {
          return CompletableFuture.failedFuture(new IOException("broker " + localId + " is cut off from " + leaderId));
        }
        return real.fetch(request).thenCompose(r -> isCut()
            ? CompletableFuture.failedFuture(new IOException("response lost: broker " + localId + " cut off"))
            : CompletableFuture.completedFuture(r));
      }

      private boolean isCut() {
        return cutOff.contains(localId) || cutOff.contains(leaderId);
      }

      @Override
      public void close() {
        real.close();
      }
    };
  }

  /** The newest committed image among live controllers. */
  MetadataImage image() {
    MetadataImage best = MetadataImage.EMPTY;
    for (WeirNode n : nodes.values()) {
      if (n.controller() != null && n.controller().committedImage().offset() > best.offset()) {
        best = n.controller().committedImage();
      }
    }
    return best;
  }

  PartitionRegistration partition(String topic, int partition) {
    TopicImage t = image().topics().topic(topic);
    return t == null ? null : t.partition(partition);
  }

  /** The broker's own view of a partition, or null. */
  Partition hosted(int brokerId, String topic, int partition) {
    WeirNode n = nodes.get(brokerId);
    return n == null ? null : n.broker().replicaManager().partition(new TopicPartition(topic, partition));
  }

  /** Creates the topic and waits until every replica's broker leads or follows it as the image says. */
  PartitionRegistration createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {
    CreateTopicsResponse r = admin.createTopics(CreateTopicsRequest.newBuilder()
        .addTopics(CreatableTopic.newBuilder().setName(name).setNumPartitions(partitions)
            .setReplicationFactor(replicationFactor).putAllConfigs(configs)).build());
    // The client retries a create whose answer timed out on a loaded machine; the retry then finds its own topic.
    ErrorCode code = r.getTopics(0).getErrorCode();
    if (code != ErrorCode.NONE && code != ErrorCode.TOPIC_ALREADY_EXISTS) {
      throw new IllegalStateException(r.getTopics(0).getErrorCode() + " " + r.getTopics(0).getErrorMessage());
    }
    for (int p = 0; p < partitions; p++) {
      int partition = p;
      await("partition " + p + " of " + name + " has a leader that knows it").atMost(WAIT).until(() -> {
        PartitionRegistration reg = partition(name, partition);
        if (reg == null || reg.leader() < 0) {
          return false;
        }
        Partition hosted = hosted(reg.leader(), name, partition);
        return hosted != null && hosted.state().isLeader() && hosted.state().leaderEpoch() == reg.leaderEpoch();
      });
    }
    return partition(name, 0);
  }

  private ManagedChannel channel(int brokerId) {
    return channels.computeIfAbsent(brokerId, id -> ManagedChannelBuilder
        .forAddress("127.0.0.1", configs.get(id).brokerListener().port())
        .usePlaintext()
        .maxInboundMessageSize(64 << 20)
        .build());
  }

  <T> T withChannel(int brokerId, java.util.function.Function<ManagedChannel, T> call) {
    return call.apply(channel(brokerId));
  }

  ProduceResponse.PartitionResponse produce(int brokerId, String topic, int partition, int acks, MemoryRecords records) {
    ProduceResponse response = ProduceServiceGrpc.newBlockingStub(channel(brokerId))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .produce(ProduceRequest.newBuilder()
            .setAcks(acks)
            .setTimeoutMs(10_000)
            .addTopics(ProduceRequest.TopicData.newBuilder()
                .setName(topic)
                .addPartitions(ProduceRequest.PartitionData.newBuilder()
                    .setPartition(partition)
                    .setRecords(ByteString.copyFrom(TestRecords.bytes(records)))))
            .build());
    return response.getTopics(0).getPartitions(0);
  }

  FetchResponse.PartitionData fetch(int brokerId, String topic, int partition, long offset, int maxWaitMs) {
    return FetchServiceGrpc.newBlockingStub(channel(brokerId))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .fetch(ConsumerFetches.request(topic, partition, offset, maxWaitMs, 1, 4 << 20, ""))
        .getTopics(0).getPartitions(0);
  }

  /**
   * Every record a consumer reads from the broker, from the log start to the high watermark;
   * fails if any fetch returns a record at or past the high watermark it reports.
   */
  List<TestRecords.Entry> consumeAll(int brokerId, String topic, int partition) {
    return ConsumerFetches.consumeAll(offset -> fetch(brokerId, topic, partition, offset, 0));
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
    // Brokers first, so none waits on a controller that is already gone.
    for (int id : brokerIds) {
      WeirNode n = nodes.remove(id);
      if (n != null) {
        n.close();
      }
    }
    nodes.values().forEach(WeirNode::close);
    nodes.clear();
    admin.close();
  }
}
