package io.weir.broker.node;

import static io.weir.broker.TestRecords.batch;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.broker.TestRecords;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchServiceGrpc;
import io.weir.proto.v1.ProduceResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replication scenarios that need the real controller quorum: leadership follows its images. */
class NodeReplicationTest {
  private static final String TOPIC = "events";

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

  private static List<String> values(List<TestRecords.Entry> entries) {
    return entries.stream().map(TestRecords.Entry::value).toList();
  }

  private ProduceResponse.PartitionResponse produce(int broker, int partition, int acks, String... values) {
    return cluster.produce(broker, TOPIC, partition, acks, batch(values));
  }

  private void assertProduced(int broker, int partition, String... values) {
    ProduceResponse.PartitionResponse r = produce(broker, partition, -1, values);
    assertEquals(ErrorCode.NONE, r.getErrorCode(), r.getErrorMessage());
  }

  @Test
  void restartedBrokerRejoinsTheIsrAndGetsItsPreferredLeadershipsBack() {
    cluster = NodeCluster.combined(dir, 3, Map.of());
    cluster.createTopic(TOPIC, 3, 3, Map.of("min.insync.replicas", "2"));
    int victim = cluster.partition(TOPIC, 0).replicas().get(0);
    List<Integer> preferred = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      if (cluster.partition(TOPIC, p).replicas().get(0) == victim) {
        preferred.add(p);
      }
    }
    await("the preferred replica leads").atMost(NodeCluster.WAIT)
        .until(() -> preferred.stream().allMatch(p -> cluster.partition(TOPIC, p).leader() == victim));
    assertProduced(victim, 0, "a0", "a1");

    cluster.kill(victim);
    await("leaderships move off the killed broker").atMost(NodeCluster.WAIT).until(() -> {
      for (int p = 0; p < 3; p++) {
        PartitionRegistration reg = cluster.partition(TOPIC, p);
        if (reg.leader() == victim || reg.isr().contains(victim)) {
          return false;
        }
      }
      return true;
    });
    int interim = cluster.partition(TOPIC, 0).leader();
    await().atMost(NodeCluster.WAIT).until(() -> cluster.hosted(interim, TOPIC, 0).state().isLeader());
    assertProduced(interim, 0, "b0", "b1", "b2");

    cluster.restart(victim);
    cluster.awaitReady(victim);
    await("the restarted broker is back in every ISR and leads its preferred partitions")
        .atMost(NodeCluster.WAIT).until(() -> {
          for (int p = 0; p < 3; p++) {
            PartitionRegistration reg = cluster.partition(TOPIC, p);
            if (!reg.isr().contains(victim) || (preferred.contains(p) && reg.leader() != victim)) {
              return false;
            }
          }
          return true;
        });
    await().atMost(NodeCluster.WAIT).until(() -> cluster.hosted(victim, TOPIC, 0).state().isLeader());
    assertEquals(List.of("a0", "a1", "b0", "b1", "b2"), values(cluster.consumeAll(victim, TOPIC, 0)));
    assertProduced(victim, 0, "c0");
  }

  @Test
  void followerCutOffWithUnreplicatedRecordsTruncatesToTheNewLeaderWhenItReturns() {
    cluster = NodeCluster.combined(dir, 3, Map.of());
    int old = cluster.createTopic(TOPIC, 1, 3, Map.of("min.insync.replicas", "2")).leader();
    int oldEpoch = cluster.partition(TOPIC, 0).leaderEpoch();
    assertProduced(old, 0, "a0", "a1");
    await().atMost(NodeCluster.WAIT).until(() -> cluster.brokerIds().stream()
        .allMatch(id -> cluster.hosted(id, TOPIC, 0).logEndOffset() == 2));

    // Cut off from its followers and the controller: it still thinks it leads.
    cluster.cutOff(old);
    cluster.node(old).stopHeartbeats();
    for (int i = 0; i < 3; i++) {
      ProduceResponse.PartitionResponse r = produce(old, 0, 1, "lost" + i);
      assertEquals(ErrorCode.NONE, r.getErrorCode(), r.getErrorMessage());
    }
    assertEquals(5, cluster.hosted(old, TOPIC, 0).logEndOffset());

    await("a new leader is elected").atMost(NodeCluster.WAIT).until(() -> {
      PartitionRegistration reg = cluster.partition(TOPIC, 0);
      return reg.leader() >= 0 && reg.leader() != old && reg.leaderEpoch() > oldEpoch;
    });
    int newLeader = cluster.partition(TOPIC, 0).leader();
    await().atMost(NodeCluster.WAIT).until(() -> cluster.hosted(newLeader, TOPIC, 0).state().isLeader());
    assertProduced(newLeader, 0, "b0", "b1", "b2", "b3");

    // It returns: a new process on its directories.
    cluster.kill(old);
    cluster.reconnect(old);
    cluster.restart(old);
    cluster.awaitReady(old);
    List<String> want = List.of("a0", "a1", "b0", "b1", "b2", "b3");
    await("the returned broker truncated and caught up").atMost(NodeCluster.WAIT)
        .until(() -> cluster.hosted(old, TOPIC, 0) != null && cluster.hosted(old, TOPIC, 0).highWatermark() == 6);
    assertEquals(want, values(cluster.consumeAll(old, TOPIC, 0)));
    assertEquals(6, cluster.hosted(old, TOPIC, 0).logEndOffset());
    assertEquals(want, values(cluster.consumeAll(newLeader, TOPIC, 0)));
    await().atMost(NodeCluster.WAIT).until(() -> cluster.partition(TOPIC, 0).isr().contains(old));
  }

  @Test
  void acksAllFailsBelowMinInsyncReplicasWhileAcksOneSucceeds() {
    cluster = NodeCluster.separate(dir, 3, 3, Map.of());
    int leader = cluster.createTopic(TOPIC, 1, 3, Map.of("min.insync.replicas", "2")).leader();
    for (int id : cluster.brokerIds()) {
      if (id != leader) {
        cluster.kill(id);
      }
    }
    await("the ISR shrinks to the leader").atMost(NodeCluster.WAIT)
        .until(() -> cluster.hosted(leader, TOPIC, 0).state().isr().equals(Set.of(leader)));
    ProduceResponse.PartitionResponse all = produce(leader, 0, -1, "x");
    assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS, all.getErrorCode());
    assertTrue(all.getErrorMessage().contains("min.insync.replicas=2"), all.getErrorMessage());
    assertEquals(ErrorCode.NONE, produce(leader, 0, 1, "y").getErrorCode());
    assertEquals(List.of("y"), values(cluster.consumeAll(leader, TOPIC, 0)));
  }

  @Test
  void fetchesCarryingAnotherLeaderEpochThanTheImagesAreRefused() {
    cluster = NodeCluster.combined(dir, 3, Map.of());
    int old = cluster.createTopic(TOPIC, 1, 3, Map.of()).leader();
    int oldEpoch = cluster.partition(TOPIC, 0).leaderEpoch();
    cluster.kill(old);
    await("a new leader with a newer epoch").atMost(NodeCluster.WAIT).until(() -> {
      PartitionRegistration reg = cluster.partition(TOPIC, 0);
      return reg.leader() >= 0 && reg.leader() != old;
    });
    PartitionRegistration reg = cluster.partition(TOPIC, 0);
    assertTrue(reg.leaderEpoch() > oldEpoch, reg.toString());
    await().atMost(NodeCluster.WAIT).until(() -> cluster.hosted(reg.leader(), TOPIC, 0).state().leaderEpoch() == reg.leaderEpoch());
    assertEquals(ErrorCode.FENCED_LEADER_EPOCH, fetchWithEpoch(reg.leader(), oldEpoch));
    assertEquals(ErrorCode.UNKNOWN_LEADER_EPOCH, fetchWithEpoch(reg.leader(), reg.leaderEpoch() + 1));
    assertEquals(ErrorCode.NONE, fetchWithEpoch(reg.leader(), reg.leaderEpoch()));
  }

  private ErrorCode fetchWithEpoch(int broker, int epoch) {
    return cluster.withChannel(broker, ch -> FetchServiceGrpc.newBlockingStub(ch)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .fetch(FetchRequest.newBuilder()
                .setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0).setMaxBytes(1 << 20).setReplicaEpoch(-1)
                .addTopics(FetchRequest.TopicData.newBuilder().setName(TOPIC)
                    .addPartitions(FetchRequest.PartitionData.newBuilder().setPartition(0)
                        .setFetchOffset(0).setCurrentLeaderEpoch(epoch).setLastFetchedEpoch(-1)
                        .setPartitionMaxBytes(1 << 20)))
                .build()))
        .getTopics(0).getPartitions(0).getErrorCode();
  }
}
