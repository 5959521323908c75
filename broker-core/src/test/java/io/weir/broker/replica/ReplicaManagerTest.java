package io.weir.broker.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weir.broker.BrokerConfig;
import io.weir.broker.metrics.BrokerStats;
import io.weir.broker.NamedThreadFactory;
import io.weir.broker.TestRecords;
import io.weir.broker.fetcher.ReplicaFetcher;
import io.weir.broker.fetcher.ReplicaFetcherManager;
import io.weir.broker.metadata.MetadataCache;
import io.weir.common.TopicPartition;
import io.weir.metadata.image.MetadataImage;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.MetadataRecord;
import io.weir.proto.v1.PartitionRecord;
import io.weir.proto.v1.ProduceResponse;
import io.weir.proto.v1.RegisterBrokerRecord;
import io.weir.proto.v1.TopicRecord;
import io.weir.storage.log.LogManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One broker's replica manager driven by hand-made metadata images. */
class ReplicaManagerTest {
  private static final TopicPartition TP = new TopicPartition("phoenix", 0);

  @TempDir Path dir;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("test-purgatory"));
  private LogManager logManager;
  private ReplicaManager replicaManager;

  @AfterEach
  void tearDown() {
    stop();
    timer.shutdownNow();
  }

  private void start() {
    BrokerConfig config = BrokerConfig.defaults(1);
    logManager = LogManager.load(dir, tp -> config.defaultLogConfig(), System::currentTimeMillis);
    MetadataCache cache = new MetadataCache(config.listenerName());
    ReplicaFetcherManager fetchers =
        new ReplicaFetcherManager(1, new ReplicaFetcher.Settings(100, 1, 1 << 20, 1 << 20, 100, 1000),
            endpoint -> { throw new AssertionError("a single broker fetches from nobody"); },
            tp -> null, tp -> {});
    replicaManager = new ReplicaManager(config, logManager, cache,
        (topicId, p, le, pe, isr) -> new CompletableFuture<>(), fetchers, new HighWatermarkCheckpoint(dir), timer,
        System::currentTimeMillis, new BrokerStats());
  }

  private void stop() {
    if (replicaManager != null) {
      replicaManager.shutdown();
      logManager.close();
      replicaManager = null;
    }
  }

  private static MetadataImage image(String topicId) {
    return MetadataImage.EMPTY.apply(List.of(
        MetadataRecord.newBuilder().setRegisterBroker(RegisterBrokerRecord.newBuilder()
            .setBrokerId(1).setBrokerEpoch(1).setIncarnationId("i").setFenced(false)
            .addListeners(RegisterBrokerRecord.Listener.newBuilder().setName("PLAINTEXT").setHost("127.0.0.1").setPort(1)))
            .build(),
        MetadataRecord.newBuilder().setTopic(TopicRecord.newBuilder().setName(TP.topic()).setTopicId(topicId)).build(),
        MetadataRecord.newBuilder().setPartition(PartitionRecord.newBuilder().setTopicId(topicId).setPartition(0)
            .addReplicas(1).addIsr(1).setLeader(1).setLeaderEpoch(0).setPartitionEpoch(0)).build()), 3);
  }

  private ProduceResponse.PartitionResponse produce(String value) throws Exception {
    CompletableFuture<Map<TopicPartition, ProduceResponse.PartitionResponse>> done = new CompletableFuture<>();
    replicaManager.appendRecords(-1, 10_000, Map.of(TP, TestRecords.batch(value)), done::complete);
    return done.get(10, TimeUnit.SECONDS).get(TP);
  }

  private List<String> read() throws Exception {
    return TestRecords.entries(replicaManager.partition(TP).log().read(0, 1 << 20, Long.MAX_VALUE, true)
            .records().toMemoryRecords())
        .stream().map(TestRecords.Entry::value).toList();
  }

  @Test
  void aTopicRecreatedWhileTheBrokerWasDownStartsFromAnEmptyLog() throws Exception {
    start();
    replicaManager.applyImage(image("id-A"));
    assertEquals(ErrorCode.NONE, produce("old").getErrorCode());
    stop();
    // Meanwhile the topic was deleted and created again: same name, new id.
    start();
    replicaManager.applyImage(image("id-B"));
    assertEquals(List.of(), read());
    assertEquals(0, replicaManager.partition(TP).highWatermark());
    assertEquals(ErrorCode.NONE, produce("new").getErrorCode());
    assertEquals(List.of("new"), read());
    // A restart with the same id keeps the data.
    stop();
    start();
    replicaManager.applyImage(image("id-B"));
    assertEquals(List.of("new"), read());
    assertEquals(1, replicaManager.partition(TP).highWatermark());
  }
}
