package io.weir.broker.cluster;

import static io.weir.broker.TestRecords.batch;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.broker.TestRecords;
import io.weir.broker.replica.Partition;
import io.weir.common.TopicPartition;
import io.weir.common.record.MemoryRecords;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.ProduceResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three brokers over real gRPC on loopback, RF=3, min.insync.replicas=2. */
class ReplicationClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TOPIC = "events";
  private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

  @TempDir Path dir;
  private TestCluster cluster;

  @AfterEach
  void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private PartitionRegistration start() {
    cluster = new TestCluster(dir, 3);
    cluster.controller.createTopic(TOPIC, 1, 3, Map.of("min.insync.replicas", "2"));
    return cluster.partition(TOPIC, 0);
  }

  private Partition hosted(int brokerId) {
    return cluster.broker(brokerId).replicaManager().partition(TP);
  }

  private static List<String> values(List<TestRecords.Entry> entries) {
    return entries.stream().map(TestRecords.Entry::value).toList();
  }

  private static List<String> expected(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
  }

  private ProduceResponse.PartitionResponse produce(int broker, int acks, String... values) {
    return cluster.produce(broker, TOPIC, 0, acks, batch(values));
  }

  private void awaitLeader(int brokerId) {
    await().atMost(WAIT).until(() -> hosted(brokerId) != null && hosted(brokerId).state().isLeader());
  }

  private void awaitInSync(int... brokerIds) {
    await().atMost(WAIT).until(() -> {
      long leo = -1;
      for (int id : brokerIds) {
        long end = hosted(id).logEndOffset();
        if (leo >= 0 && end != leo) {
          return false;
        }
        leo = end;
      }
      return true;
    });
  }

  @Test
  void acksAllRecordsAreConsumedExactlyOnceInOrderFromEveryReplica() {
    int leader = start().leader();
    for (int i = 0; i < 30; i++) {
      ProduceResponse.PartitionResponse r = produce(leader, -1, "v" + (2 * i), "v" + (2 * i + 1));
      assertEquals(ErrorCode.NONE, r.getErrorCode(), r.getErrorMessage());
      assertEquals(2L * i, r.getBaseOffset());
    }
    assertEquals(expected("v", 0, 60), values(cluster.consumeAll(leader, TOPIC, 0)));
    // Followers learn the high watermark with their next fetch; consumers may read there too.
    for (int id = 1; id <= 3; id++) {
      int replica = id;
      await().atMost(WAIT).until(() -> hosted(replica).highWatermark() == 60);
      assertEquals(expected("v", 0, 60), values(cluster.consumeAll(replica, TOPIC, 0)));
    }
  }

  @Test
  void concurrentAcksAllProducersLoseAndDuplicateNothing() throws Exception {
    int leader = start().leader();
    int producers = 4;
    int batches = 40;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(producers);
    try {
      List<java.util.concurrent.Future<List<Long>>> results = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int producer = p;
        results.add(pool.submit(() -> {
          List<Long> offsets = new ArrayList<>();
          for (int i = 0; i < batches; i++) {
            ProduceResponse.PartitionResponse r = produce(leader, -1, "p" + producer + "-" + i);
            assertEquals(ErrorCode.NONE, r.getErrorCode(), r.getErrorMessage());
            offsets.add(r.getBaseOffset());
          }
          return offsets;
        }));
      }
      Set<Long> allOffsets = new java.util.HashSet<>();
      for (java.util.concurrent.Future<List<Long>> f : results) {
        allOffsets.addAll(f.get(120, java.util.concurrent.TimeUnit.SECONDS));
      }
      assertEquals(producers * batches, allOffsets.size(), "every acknowledged batch has its own offset");
    } finally {
      pool.shutdownNow();
    }
    List<TestRecords.Entry> consumed = cluster.consumeAll(leader, TOPIC, 0);
    assertEquals(producers * batches, consumed.size());
    for (int p = 0; p < producers; p++) {
      String prefix = "p" + p + "-";
      assertEquals(expected(prefix, 0, batches),
          consumed.stream().map(TestRecords.Entry::value).filter(v -> v.startsWith(prefix)).toList());
    }
  }

  @Test
  void cutOffReplicaTruncatesItsUnreplicatedRecordsWhenItReturns() {
    int old = start().leader();
    assertEquals(ErrorCode.NONE, produce(old, -1, "a0", "a1").getErrorCode());
    int[] others = IntStream.rangeClosed(1, 3).filter(id -> id != old).toArray();
    awaitInSync(1, 2, 3);
    cluster.cutOff(old);
    // acks=1: only the soon-to-be-deposed leader has these.
    for (int i = 0; i < 3; i++) {
      assertEquals(ErrorCode.NONE, produce(old, 1, "lost" + i).getErrorCode());
    }
    assertEquals(5, hosted(old).logEndOffset());
    cluster.controller.fence(old);
    int newLeader = cluster.partition(TOPIC, 0).leader();
    assertNotEquals(old, newLeader);
    awaitLeader(newLeader);
    assertEquals(ErrorCode.NONE, produce(newLeader, -1, "b0", "b1", "b2", "b3").getErrorCode());
    cluster.reconnect(old);
    cluster.controller.unfence(old);
    awaitInSync(old, others[0], others[1]);
    List<String> want = List.of("a0", "a1", "b0", "b1", "b2", "b3");
    assertEquals(want, values(cluster.consumeAll(newLeader, TOPIC, 0)));
    await().atMost(WAIT).until(() -> hosted(old).highWatermark() == 6);
    assertEquals(want, values(cluster.consumeAll(old, TOPIC, 0)));
    // It rejoins the ISR once caught up.
    await().atMost(WAIT).until(() -> cluster.partition(TOPIC, 0).isr().contains(old));
  }

  @Test
  void acksAllFailsBelowMinInsyncReplicasWhileAcksOneSucceeds() {
    int leader = start().leader();
    int[] followers = IntStream.rangeClosed(1, 3).filter(id -> id != leader).toArray();
    cluster.controller.fence(followers[0]);
    cluster.controller.fence(followers[1]);
    await().atMost(WAIT).until(() -> hosted(leader).state().isr().equals(Set.of(leader)));
    ProduceResponse.PartitionResponse all = produce(leader, -1, "x");
    assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS, all.getErrorCode());
    assertTrue(all.getErrorMessage().contains("min.insync.replicas=2"), all.getErrorMessage());
    ProduceResponse.PartitionResponse one = produce(leader, 1, "y");
    assertEquals(ErrorCode.NONE, one.getErrorCode());
    assertEquals(List.of("y"), values(cluster.consumeAll(leader, TOPIC, 0)));
  }

  @Test
  void leaderFailoverKeepsEveryAcknowledgedRecord() {
    int old = start().leader();
    List<String> acked = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      if (produce(old, -1, "r" + i).getErrorCode() == ErrorCode.NONE) {
        acked.add("r" + i);
      }
    }
    assertEquals(10, acked.size());
    cluster.controller.fence(old);
    int newLeader = cluster.partition(TOPIC, 0).leader();
    awaitLeader(newLeader);
    // The deposed leader refuses produce and points at the new one.
    ProduceResponse.PartitionResponse refused = produce(old, -1, "nope");
    assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, refused.getErrorCode());
    assertEquals(newLeader, refused.getCurrentLeader().getLeaderId());
    for (int i = 10; i < 20; i++) {
      ProduceResponse.PartitionResponse r = produce(newLeader, -1, "r" + i);
      assertEquals(ErrorCode.NONE, r.getErrorCode(), r.getErrorMessage());
      acked.add("r" + i);
    }
    assertEquals(acked, values(cluster.consumeAll(newLeader, TOPIC, 0)));
  }

  @Test
  void consumersNeverReadPastTheHighWatermark() {
    int leader = start().leader();
    assertEquals(ErrorCode.NONE, produce(leader, -1, "committed").getErrorCode());
    for (int id = 1; id <= 3; id++) {
      if (id != leader) {
        cluster.cutOff(id);
      }
    }
    assertEquals(ErrorCode.NONE, produce(leader, 1, "pending").getErrorCode());
    assertEquals(2, hosted(leader).logEndOffset());
    assertEquals(List.of("committed"), values(cluster.consumeAll(leader, TOPIC, 0)));
    for (int id = 1; id <= 3; id++) {
      cluster.reconnect(id);
    }
    await().atMost(WAIT).until(() -> cluster.consumeAll(leader, TOPIC, 0).size() == 2);
  }

  @Test
  void isrShrinkingWhileAcksAllWaitsAnswersNotEnoughReplicasAfterAppend() {
    cluster = new TestCluster(dir, 3, id -> io.weir.broker.BrokerConfig.builder(id).replicaLagTimeMaxMs(3_000).build());
    cluster.controller.createTopic(TOPIC, 1, 3, Map.of("min.insync.replicas", "2"));
    int leader = cluster.partition(TOPIC, 0).leader();
    assertEquals(ErrorCode.NONE, produce(leader, -1, "before").getErrorCode());
    for (int id = 1; id <= 3; id++) {
      if (id != leader) {
        cluster.cutOff(id);
      }
    }
    // Waits for the followers until replica.lag.time.max.ms drops them; the ISR is then too small.
    ProduceResponse.PartitionResponse r = produce(leader, -1, "after");
    assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, r.getErrorCode(), r.getErrorMessage());
    assertEquals(List.of(leader), cluster.partition(TOPIC, 0).isr());
    // The record was appended and is committed by the ISR of one, as in Kafka.
    assertEquals(List.of("before", "after"), values(cluster.consumeAll(leader, TOPIC, 0)));
    for (int id = 1; id <= 3; id++) {
      cluster.reconnect(id);
    }
    await().atMost(WAIT).until(() -> cluster.partition(TOPIC, 0).isr().size() == 3);
  }

  @Test
  void acksAllTimesOutWhenFollowersDoNotFetch() {
    int leader = start().leader();
    for (int id = 1; id <= 3; id++) {
      if (id != leader) {
        cluster.cutOff(id);
      }
    }
    ProduceResponse response = cluster.produceStub(leader).produce(
        io.weir.proto.v1.ProduceRequest.newBuilder()
            .setAcks(-1)
            .setTimeoutMs(300)
            .addTopics(io.weir.proto.v1.ProduceRequest.TopicData.newBuilder().setName(TOPIC)
                .addPartitions(io.weir.proto.v1.ProduceRequest.PartitionData.newBuilder().setPartition(0)
                    .setRecords(com.google.protobuf.ByteString.copyFrom(TestRecords.bytes(batch("slow"))))))
            .build());
    assertEquals(ErrorCode.REQUEST_TIMED_OUT, response.getTopics(0).getPartitions(0).getErrorCode());
  }

  @Test
  void restartedLeaderKeepsItsHighWatermarkAndProducerState() {
    cluster = new TestCluster(dir, 3);
    cluster.controller.createTopic(TOPIC, 1, 1, Map.of());
    int leader = cluster.partition(TOPIC, 0).leader();
    MemoryRecords last = TestRecords.idempotentBatch(4242, (short) 0, 2, "c");
    assertEquals(ErrorCode.NONE, cluster.produce(leader, TOPIC, 0, -1, TestRecords.idempotentBatch(4242, (short) 0, 0, "a", "b")).getErrorCode());
    long lastOffset = cluster.produce(leader, TOPIC, 0, -1, last).getBaseOffset();
    cluster.restart(leader);
    awaitLeader(leader);
    assertEquals(3, hosted(leader).highWatermark());
    // The producer's retry after the restart is recognised from the log.
    ProduceResponse.PartitionResponse retry = cluster.produce(leader, TOPIC, 0, -1, last);
    assertEquals(ErrorCode.NONE, retry.getErrorCode(), retry.getErrorMessage());
    assertEquals(lastOffset, retry.getBaseOffset());
    assertEquals(List.of("a", "b", "c"), values(cluster.consumeAll(leader, TOPIC, 0)));
  }

}
