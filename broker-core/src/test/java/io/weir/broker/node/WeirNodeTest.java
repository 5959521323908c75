package io.weir.broker.node;

import static io.weir.broker.TestRecords.idempotentBatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.broker.TestRecords;
import io.weir.common.record.MemoryRecords;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FetchResponse;
import io.weir.proto.v1.MetadataRequest;
import io.weir.proto.v1.MetadataResponse;
import io.weir.proto.v1.MetadataServiceGrpc;
import io.weir.proto.v1.ProduceResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One combined node: start checks, serving, and a close that leaves no thread behind. */
class WeirNodeTest {
  private static final String TOPIC = "events";

  @TempDir Path dir;
  private NodeCluster cluster;

  @AfterEach
  void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private ServerConfig config(int nodeId) {
    Map<String, String> p = NodeCluster.testProperties();
    p.put("node.id", String.valueOf(nodeId));
    p.put("process.roles", "broker,controller");
    p.put("controller.quorum.voters", nodeId + "@127.0.0.1:1");
    p.put("listeners", "PLAINTEXT://127.0.0.1:2,CONTROLLER://127.0.0.1:1");
    p.put("log.dirs", dir.resolve("data").toString());
    p.put("metrics.port", "0");
    return ServerConfig.fromProperties(p);
  }

  @Test
  void refusesAnUnformattedDirectory() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> WeirNode.start(config(1)));
    assertEquals("No meta.properties found in " + dir.resolve("data")
        + " (have you run `weir storage format`?)", e.getMessage());
  }

  @Test
  void refusesAnotherNodesDirectory() {
    StorageFormatter.format(List.of(dir.resolve("data")), 2, StorageFormatter.randomClusterId());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> WeirNode.start(config(1)));
    assertTrue(e.getMessage().contains("Stored node id 2 in " + dir.resolve("data").resolve("meta.properties")
        + " doesn't match node.id 1"), e.getMessage());
  }

  @Test
  void formattingTwiceKeepsTheClusterAndRefusesAnotherOne() {
    Path data = dir.resolve("data");
    String clusterId = StorageFormatter.randomClusterId();
    StorageFormatter.format(List.of(data), 1, clusterId);
    StorageFormatter.format(List.of(data), 1, clusterId);
    assertEquals(clusterId, StorageFormatter.verify(List.of(data), 1));
    assertEquals(22, clusterId.length());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> StorageFormatter.format(List.of(data), 1, StorageFormatter.randomClusterId()));
    assertTrue(e.getMessage().contains("belongs to another cluster"), e.getMessage());
  }

  @Test
  void servesOnceUnfencedAndLeavesNoThreadBehind() {
    ThreadLeakCheck threads = new ThreadLeakCheck();
    cluster = NodeCluster.combined(dir, 1, Map.of("default.replication.factor", "1", "min.insync.replicas", "1"));
    MetadataResponse metadata = cluster.withChannel(1, ch -> MetadataServiceGrpc.newBlockingStub(ch)
        .withDeadlineAfter(30, TimeUnit.SECONDS).getMetadata(MetadataRequest.newBuilder().build()));
    assertEquals(1, metadata.getBrokersCount());
    assertTrue(cluster.node(1).lifecycle().brokerEpoch() >= 0);

    cluster.createTopic(TOPIC, 1, 1, Map.of());
    cluster.close();
    cluster = null;
    threads.assertNoneLeft();
  }

  @Test
  void aRetriedBatchAfterALostResponseIsNotDuplicated() {
    cluster = NodeCluster.combined(dir, 1, Map.of("default.replication.factor", "1", "min.insync.replicas", "1"));
    cluster.createTopic(TOPIC, 1, 1, Map.of());
    var pid = cluster.withChannel(1, ch -> io.weir.proto.v1.ProduceServiceGrpc.newBlockingStub(ch)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .initProducerId(io.weir.proto.v1.InitProducerIdRequest.newBuilder().build()));
    assertEquals(ErrorCode.NONE, pid.getErrorCode(), pid.getErrorMessage());
    MemoryRecords first = idempotentBatch(pid.getProducerId(), (short) pid.getProducerEpoch(), 0, "a", "b");
    ProduceResponse.PartitionResponse sent = cluster.produce(1, TOPIC, 0, -1, TestRecords.copy(first));
    // The response was "lost": the producer sends the same batch again.
    ProduceResponse.PartitionResponse retried = cluster.produce(1, TOPIC, 0, -1, TestRecords.copy(first));
    assertEquals(ErrorCode.NONE, retried.getErrorCode(), retried.getErrorMessage());
    assertEquals(sent.getBaseOffset(), retried.getBaseOffset());
    cluster.produce(1, TOPIC, 0, -1, idempotentBatch(pid.getProducerId(), (short) pid.getProducerEpoch(), 2, "c"));
    assertEquals(List.of("a", "b", "c"),
        cluster.consumeAll(1, TOPIC, 0).stream().map(TestRecords.Entry::value).toList());
  }

  @Test
  void longPollReturnsWhenDataArrivesAndAfterMaxWaitOtherwise() throws Exception {
    cluster = NodeCluster.combined(dir, 1, Map.of("default.replication.factor", "1", "min.insync.replicas", "1"));
    cluster.createTopic(TOPIC, 1, 1, Map.of());
    long start = System.nanoTime();
    FetchResponse.PartitionData empty = cluster.fetch(1, TOPIC, 0, 0, 300);
    assertTrue(empty.getRecords().isEmpty());
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "waited fetch.max.wait.ms");

    CompletableFuture<FetchResponse.PartitionData> waiting =
        CompletableFuture.supplyAsync(() -> cluster.fetch(1, TOPIC, 0, 0, 25_000));
    cluster.produce(1, TOPIC, 0, 1, TestRecords.batch("hello"));
    FetchResponse.PartitionData data = waiting.get(15, TimeUnit.SECONDS); // far below its 25 s wait
    assertEquals(List.of("hello"), TestRecords.entries(
        MemoryRecords.readableRecords(data.getRecords().asReadOnlyByteBuffer())).stream()
        .map(TestRecords.Entry::value).toList());
  }
}
