package io.weir.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.broker.TestRecords;
import io.weir.common.TopicPartition;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FetchResponse;
import io.weir.storage.log.Log;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Controlled shutdown on a real quorum: leaderships move before the node is gone and logs close
 * cleanly. (The rolling restart under a real producer is in tools' {@code RollingRestartTest}: the
 * client module depends on this one.)
 */
class ControlledShutdownTest {
  private static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(10);
  /**
   * Long enough that only a controlled shutdown can move a leadership within the test's waits: a
   * broker that just stopped would keep its partitions until this session runs out.
   */
  private static final Map<String, String> LONG_SESSION = Map.of("broker.session.timeout.ms", "30000");

  @TempDir Path dir;
  private NodeCluster cluster;

  @AfterEach
  void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void leadershipMovesBeforeTheNodeStopsAndTheRestartSkipsRecovery() {
    cluster = NodeCluster.combined(dir, 3, LONG_SESSION);
    PartitionRegistration before = cluster.createTopic("orders", 1, 3, Map.of());
    int leader = before.leader();
    var produced = cluster.produce(leader, "orders", 0, -1, TestRecords.batch("a", "b", "c"));
    assertEquals(ErrorCode.NONE, produced.getErrorCode(), produced.getErrorMessage());
    await("every replica in the ISR").atMost(NodeCluster.WAIT)
        .until(() -> cluster.partition("orders", 0).isr().size() == 3);

    assertTrue(cluster.shutdown(leader, SHUTDOWN_BOUND), "the controller let the leader go");
    // The controller answers "shut down" only once the image shows the broker leading nothing; a
    // surviving controller applies that commit within moments, long before the session timeout.
    await("a new leader").atMost(Duration.ofSeconds(5)).until(() -> {
      PartitionRegistration p = cluster.partition("orders", 0);
      return p.leader() >= 0 && p.leader() != leader;
    });
    PartitionRegistration after = cluster.partition("orders", 0);
    assertFalse(after.isr().contains(leader), "a stopping broker leaves the ISR: " + after);

    cluster.restart(leader);
    cluster.awaitReady(leader);
    Log log = cluster.node(leader).broker().logManager().getLog(new TopicPartition("orders", 0)).orElseThrow();
    assertFalse(log.recoveredFromUncleanShutdown(), "a cleanly closed log is not recovered");
    assertEquals(3, log.logEndOffset());
    await("back in the ISR").atMost(NodeCluster.WAIT)
        .until(() -> cluster.partition("orders", 0).isr().contains(leader));
    assertEquals(List.of("a", "b", "c"),
        cluster.consumeAll(cluster.partition("orders", 0).leader(), "orders", 0).stream()
            .map(TestRecords.Entry::value).toList());
  }

  @Test
  void aSingleNodeIsLetGoWithoutWaitingForAHeartbeatIntervalAndAnswersItsRunningRequests() throws Exception {
    // One heartbeat interval is longer than the bound: only the quick shutdown heartbeats finish in time.
    cluster = NodeCluster.combined(dir, 1, Map.of("default.replication.factor", "1", "min.insync.replicas", "1",
        "broker.heartbeat.interval.ms", "20000", "broker.session.timeout.ms", "60000"));
    cluster.createTopic("solo", 2, 1, Map.of());
    // A consumer's long poll at the log end, waiting when shutdown begins: it gets its answer, not a
    // cancelled call.
    CompletableFuture<FetchResponse.PartitionData> poll = CompletableFuture.supplyAsync(
        () -> cluster.fetch(1, "solo", 0, 0, 1_500));
    await("the long poll waits in purgatory").atMost(NodeCluster.WAIT)
        .until(() -> cluster.node(1).broker().replicaManager().delayedFetches() == 1);
    assertTrue(cluster.shutdown(1, Duration.ofSeconds(5)), "controlled shutdown completed within its bound");
    assertEquals(0, poll.get(10, TimeUnit.SECONDS).getRecords().size());
  }
}
