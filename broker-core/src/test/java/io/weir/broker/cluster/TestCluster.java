package io.weir.broker.cluster;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.weir.broker.BrokerConfig;
import io.weir.broker.BrokerServer;
import io.weir.broker.fetcher.GrpcLeaderEndpoint;
import io.weir.broker.fetcher.LeaderEndpoint;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.image.TopicImage;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import io.weir.proto.v1.FetchServiceGrpc;
import io.weir.proto.v1.ListOffsetsRequest;
import io.weir.proto.v1.ListOffsetsResponse;
import io.weir.proto.v1.MetadataServiceGrpc;
import io.weir.proto.v1.OffsetServiceGrpc;
import io.weir.proto.v1.ProduceRequest;
import io.weir.proto.v1.ProduceResponse;
import io.weir.proto.v1.ProduceServiceGrpc;
import com.google.protobuf.ByteString;
import io.weir.common.record.MemoryRecords;
import io.weir.broker.ConsumerFetches;
import io.weir.broker.TestRecords;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * N brokers on 127.0.0.1 (free ports) with real gRPC between them and a {@link FakeController}.
 * Followers reach leaders through a simulated network that tests can cut per broker.
 */
final class TestCluster implements AutoCloseable {
  final FakeController controller = new FakeController();
  final List<BrokerServer> brokers = new ArrayList<>();
  private final Map<Integer, Integer> brokerByPort = new ConcurrentHashMap<>();
  private final Set<Integer> cutOff = ConcurrentHashMap.newKeySet(); // brokers no replica traffic reaches
  private final Map<Integer, ManagedChannel> channels = new ConcurrentHashMap<>();

  private final Path dir;
  private final IntFunction<BrokerConfig> configs;

  TestCluster(Path dir, int size, IntFunction<BrokerConfig> configs) {
    this.dir = dir;
    this.configs = configs;
    for (int id = 1; id <= size; id++) {
      brokers.add(null);
      startBroker(id);
    }
  }

  private void startBroker(int id) {
    BrokerConfig config = configs.apply(id);
    BrokerServer broker =
        new BrokerServer(
            config,
            dir.resolve("broker-" + id),
            "127.0.0.1",
            0,
            controller.alterPartitionManager(id),
            controller.producerIdBlocks(id),
            controller.topicCreator(),
            endpoint -> networkEndpoint(id, endpoint));
    brokers.set(id - 1, broker);
    int port = broker.start();
    brokerByPort.put(port, id);
    controller.register(id, "127.0.0.1", port, config.rack(), broker::onMetadataUpdate);
  }

  /** Stops the broker (its session runs out), then starts a new process on the same log dir. */
  void restart(int id) {
    stop(id);
    start(id);
  }

  /** Stops the broker's process and lets its session run out. */
  void stop(int id) {
    ManagedChannel old = channels.remove(id);
    if (old != null) {
      old.shutdownNow();
    }
    controller.disconnect(id);
    broker(id).close();
    controller.fence(id);
  }

  void start(int id) {
    startBroker(id);
  }

  TestCluster(Path dir, int size) {
    this(dir, size, BrokerConfig::defaults);
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
        // A response crossing the cut is lost too.
        return real.fetch(request)
            .thenCompose(r -> isCut()
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

  /** No replication traffic to or from the broker until {@link #reconnect}. */
  void cutOff(int brokerId) {
    cutOff.add(brokerId);
  }

  void reconnect(int brokerId) {
    cutOff.remove(brokerId);
  }

  BrokerServer broker(int id) {
    return brokers.get(id - 1);
  }

  PartitionRegistration partition(String topic, int partition) {
    TopicImage t = controller.image().topics().topic(topic);
    return t == null ? null : t.partition(partition);
  }

  ManagedChannel channel(int brokerId) {
    return channels.computeIfAbsent(
        brokerId,
        id -> ManagedChannelBuilder.forAddress("127.0.0.1", broker(id).port())
            .usePlaintext()
            .maxInboundMessageSize(64 << 20)
            .build());
  }

  ProduceServiceGrpc.ProduceServiceBlockingStub produceStub(int brokerId) {
    return ProduceServiceGrpc.newBlockingStub(channel(brokerId)).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  FetchServiceGrpc.FetchServiceBlockingStub fetchStub(int brokerId) {
    return FetchServiceGrpc.newBlockingStub(channel(brokerId)).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  MetadataServiceGrpc.MetadataServiceBlockingStub metadataStub(int brokerId) {
    return MetadataServiceGrpc.newBlockingStub(channel(brokerId)).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  OffsetServiceGrpc.OffsetServiceBlockingStub offsetStub(int brokerId) {
    return OffsetServiceGrpc.newBlockingStub(channel(brokerId)).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** Produces one partition's records to a broker; returns that partition's response. */
  ProduceResponse.PartitionResponse produce(int brokerId, String topic, int partition, int acks, MemoryRecords records) {
    return produceBytes(brokerId, topic, partition, acks, ByteString.copyFrom(TestRecords.bytes(records)));
  }

  ProduceResponse.PartitionResponse produceBytes(int brokerId, String topic, int partition, int acks, ByteString bytes) {
    ProduceResponse response =
        produceStub(brokerId)
            .produce(
                ProduceRequest.newBuilder()
                    .setAcks(acks)
                    .setTimeoutMs(20_000)
                    .addTopics(
                        ProduceRequest.TopicData.newBuilder()
                            .setName(topic)
                            .addPartitions(ProduceRequest.PartitionData.newBuilder().setPartition(partition).setRecords(bytes)))
                    .build());
    return response.getTopics(0).getPartitions(0);
  }

  /** A consumer fetch of one partition. */
  FetchResponse.PartitionData fetch(int brokerId, String topic, int partition, long offset, int maxWaitMs, int minBytes, String rack) {
    return fetchStub(brokerId)
        .fetch(ConsumerFetches.request(topic, partition, offset, maxWaitMs, minBytes, 1 << 20, rack))
        .getTopics(0).getPartitions(0);
  }

  /** Every value a consumer reads from the broker, from offset 0 to the high watermark. */
  List<TestRecords.Entry> consumeAll(int brokerId, String topic, int partition) {
    return ConsumerFetches.consumeAll(offset -> fetch(brokerId, topic, partition, offset, 0, 0, ""));
  }

  ListOffsetsResponse.PartitionData listOffset(int brokerId, String topic, int partition, long timestamp) {
    return offsetStub(brokerId)
        .listOffsets(
            ListOffsetsRequest.newBuilder()
                .setReplicaId(-1)
                .addTopics(
                    ListOffsetsRequest.TopicData.newBuilder()
                        .setName(topic)
                        .addPartitions(
                            ListOffsetsRequest.PartitionData.newBuilder()
                                .setPartition(partition)
                                .setTimestamp(timestamp)
                                .setCurrentLeaderEpoch(-1)))
                .build())
        .getTopics(0)
        .getPartitions(0);
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    controller.close();
    for (BrokerServer b : brokers) {
      b.close();
    }
  }

}
