package io.weir.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import io.weir.broker.TestRecords;
import io.weir.common.record.MemoryRecords;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FetchResponse;
import io.weir.proto.v1.InitProducerIdRequest;
import io.weir.proto.v1.InitProducerIdResponse;
import io.weir.proto.v1.ProduceResponse;
import io.weir.proto.v1.ProduceServiceGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000 records with acks=all and an idempotent producer while the partition's leader is killed:
 * every acknowledged record is read back exactly once and in order, and no consumer fetch returns a
 * record at or past the high watermark. Both topologies, on the real controller quorum.
 */
class LeaderFailoverTest {
  private static final String TOPIC = "events";
  private static final int BATCHES = 1000;
  private static final int PER_BATCH = 100;

  @TempDir Path dir;
  private NodeCluster cluster;
  private final ThreadLeakCheck threads = new ThreadLeakCheck();

  @AfterEach
  void tearDown() {
    if (cluster != null) {
      cluster.close();
      threads.assertNoneLeft();
    }
  }

  @Test
  void threeBrokersAndThreeControllers() throws Exception {
    cluster = NodeCluster.separate(dir, 3, 3, Map.of());
    produceWhileKillingTheLeader();
  }

  @Test
  void threeCombinedNodes() throws Exception {
    cluster = NodeCluster.combined(dir, 3, Map.of());
    produceWhileKillingTheLeader();
  }

  private void produceWhileKillingTheLeader() throws Exception {
    int firstLeader = cluster.createTopic(TOPIC, 1, 3, Map.of("min.insync.replicas", "2")).leader();
    InitProducerIdResponse pid = initProducerId(firstLeader);
    assertEquals(ErrorCode.NONE, pid.getErrorCode(), pid.getErrorMessage());
    long[] baseOffsets = new long[BATCHES];
    CompletableFuture<Void> kill = null;
    int target = firstLeader;
    for (int b = 0; b < BATCHES; b++) {
      if (b == BATCHES * 2 / 5) {
        // Killed while the next batches are on their way to it.
        kill = CompletableFuture.runAsync(() -> cluster.kill(firstLeader));
      }
      String[] values = IntStream.range(b * PER_BATCH, (b + 1) * PER_BATCH).mapToObj(i -> "r" + i).toArray(String[]::new);
      MemoryRecords batch =
          TestRecords.idempotentBatch(pid.getProducerId(), (short) pid.getProducerEpoch(), b * PER_BATCH, values);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        assertTrue(System.nanoTime() - deadline < 0, "batch " + b + " was not acknowledged within 30 s");
        ErrorCode error;
        ProduceResponse.PartitionResponse r = null;
        try {
          r = cluster.produce(target, TOPIC, 0, -1, TestRecords.copy(batch));
          error = r.getErrorCode();
        } catch (StatusRuntimeException e) {
          error = ErrorCode.UNKNOWN_SERVER_ERROR; // the broker went away mid-request
        }
        if (error == ErrorCode.NONE) {
          baseOffsets[b] = r.getBaseOffset();
          break;
        }
        assertTrue(retriable(error), "batch " + b + ": " + error + " " + (r == null ? "" : r.getErrorMessage()));
        target = awaitLiveLeader(target);
      }
      if (b % 50 == 0) {
        assertNothingPastTheHighWatermark(target, baseOffsets[b]);
      }
    }
    kill.get(30, TimeUnit.SECONDS);
    int leader = cluster.partition(TOPIC, 0).leader();
    assertNotEquals(firstLeader, leader);

    List<TestRecords.Entry> read = cluster.consumeAll(leader, TOPIC, 0);
    assertEquals(BATCHES * PER_BATCH, read.size(), "every acknowledged record exactly once");
    for (int i = 0; i < read.size(); i++) {
      assertEquals("r" + i, read.get(i).value(), "record at position " + i);
    }
    for (int b = 0; b < BATCHES; b++) {
      assertEquals("r" + b * PER_BATCH, read.get((int) baseOffsets[b]).value(),
          "batch " + b + " was acknowledged at the offset it is read at");
    }
    // The surviving follower ends with the same log.
    int follower = cluster.brokerIds().stream().filter(id -> id != leader && id != firstLeader).findFirst().orElseThrow();
    await().atMost(NodeCluster.WAIT).until(() -> cluster.hosted(follower, TOPIC, 0).highWatermark() == read.size());
    assertEquals(read, cluster.consumeAll(follower, TOPIC, 0));
  }

  private static boolean retriable(ErrorCode error) {
    return switch (error) {
      case NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT,
          UNKNOWN_SERVER_ERROR, FENCED_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION -> true;
      default -> false;
    };
  }

  /** Re-reads the metadata until a live broker leads the partition (not the one that just failed, if it died). */
  private int awaitLiveLeader(int previous) {
    int[] leader = new int[1];
    await("a live leader").atMost(NodeCluster.WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
      var reg = cluster.partition(TOPIC, 0);
      if (reg == null || reg.leader() < 0 || cluster.node(reg.leader()) == null) {
        return false;
      }
      var hosted = cluster.hosted(reg.leader(), TOPIC, 0);
      leader[0] = reg.leader();
      return hosted != null && hosted.state().isLeader() && hosted.state().leaderEpoch() == reg.leaderEpoch();
    });
    return leader[0];
  }

  private void assertNothingPastTheHighWatermark(int broker, long offset) {
    try {
      FetchResponse.PartitionData pd = cluster.fetch(broker, TOPIC, 0, offset, 0);
      if (pd.getErrorCode() != ErrorCode.NONE) {
        return; // leadership moved: nothing was served
      }
      for (TestRecords.Entry e : TestRecords.entries(MemoryRecords.readableRecords(pd.getRecords().asReadOnlyByteBuffer()))) {
        assertTrue(e.offset() < pd.getHighWatermark(),
            "offset " + e.offset() + " served at high watermark " + pd.getHighWatermark());
      }
    } catch (StatusRuntimeException e) {
      // The broker is going down.
    }
  }

  private InitProducerIdResponse initProducerId(int broker) {
    return cluster.withChannel(broker, ch -> ProduceServiceGrpc.newBlockingStub(ch)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .initProducerId(InitProducerIdRequest.newBuilder().build()));
  }
}
