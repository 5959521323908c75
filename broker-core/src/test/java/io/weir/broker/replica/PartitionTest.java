package io.weir.broker.replica;

import static io.weir.broker.TestRecords.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.broker.ApiException;
import io.weir.broker.BrokerConfig;
import io.weir.broker.metrics.BrokerStats;
import io.weir.common.TopicPartition;
import io.weir.metadata.controller.AlterPartitionResponse;
import io.weir.metadata.controller.ApiError;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.proto.v1.ErrorCode;
import io.weir.storage.log.Log;
import io.weir.storage.log.LogConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionTest {
  private static final long LAG_MS = 30_000;
  private static final TopicPartition TP = new TopicPartition("t", 0);

  @TempDir Path dir;
  private final AtomicLong clock = new AtomicLong(System.currentTimeMillis());
  private final List<List<Integer>> proposals = new ArrayList<>();
  private final List<CompletableFuture<AlterPartitionResponse>> pending = new ArrayList<>();
  private final List<TopicPartition> stateChanges = new ArrayList<>();
  private Log log;
  private Partition partition;

  @BeforeEach
  void setUp() {
    log = Log.open(dir.resolve("t-0"), LogConfig.defaults(), clock::get);
    TopicConfig config = TopicConfig.from(Map.of("min.insync.replicas", "2"), BrokerConfig.defaults(1));
    partition =
        new Partition(
            TP, 1, log, config, 0, clock::get, LAG_MS,
            (topicId, p, leaderEpoch, partitionEpoch, newIsr) -> {
              proposals.add(newIsr);
              CompletableFuture<AlterPartitionResponse> f = new CompletableFuture<>();
              pending.add(f);
              return f;
            },
            stateChanges::add,
            id -> true,
            new BrokerStats());
  }

  @AfterEach
  void tearDown() {
    log.close();
  }

  private static PartitionRegistration reg(List<Integer> isr, int leader, int leaderEpoch, int partitionEpoch) {
    return new PartitionRegistration(List.of(1, 2, 3), isr, leader, leaderEpoch, partitionEpoch);
  }

  private void answer(int i, List<Integer> isr, int partitionEpoch) {
    pending.get(i).complete(new AlterPartitionResponse(ApiError.NONE, reg(isr, 1, 5, partitionEpoch)));
  }

  @Test
  void highWatermarkIsTheMinimumEndOffsetOverTheIsrAndNeverGoesBack() {
    partition.makeLeader("id", reg(List.of(1, 2, 3), 1, 5, 10));
    AppendResult first = partition.appendRecordsToLeader(batch("a", "b", "c"), -1);
    assertEquals(0, first.baseOffset());
    assertEquals(0, partition.highWatermark());
    assertFalse(partition.updateFollowerFetchState(2, 3, 3));
    assertEquals(0, partition.highWatermark(), "replica 3 has not fetched yet");
    assertTrue(partition.updateFollowerFetchState(3, 2, 3));
    assertEquals(2, partition.highWatermark());
    assertEquals(ErrorCode.NONE, partition.checkEnoughReplicasReachOffset(2));
    assertNull(partition.checkEnoughReplicasReachOffset(3));
    // A follower reporting a lower offset (e.g. after its own truncation) does not move it back.
    assertFalse(partition.updateFollowerFetchState(3, 1, 3));
    assertEquals(2, partition.highWatermark());
    assertTrue(partition.updateFollowerFetchState(3, 3, 3));
    assertEquals(3, partition.highWatermark());
  }

  @Test
  void laggingFollowerLeavesTheIsrOnlyAfterTheLagTime() {
    partition.makeLeader("id", reg(List.of(1, 2, 3), 1, 5, 10));
    partition.appendRecordsToLeader(batch("a"), 1);
    partition.updateFollowerFetchState(2, 1, 1);
    clock.addAndGet(LAG_MS);
    partition.maybeShrinkIsr();
    assertTrue(proposals.isEmpty(), "not yet lagging for more than " + LAG_MS + " ms");
    partition.updateFollowerFetchState(2, 1, 1);
    clock.addAndGet(1);
    partition.maybeShrinkIsr();
    assertEquals(List.of(List.of(1, 2)), proposals);
    // While the shrink is in flight the high watermark still counts replica 3 (the larger ISR).
    assertEquals(0, partition.highWatermark());
    answer(0, List.of(1, 2), 11);
    assertEquals(Set.of(1, 2), partition.state().isr());
    assertEquals(11, partition.state().partitionEpoch());
    assertEquals(1, partition.highWatermark());
    assertTrue(stateChanges.contains(TP));
  }

  @Test
  void caughtUpFollowerRejoinsTheIsr() {
    partition.makeLeader("id", reg(List.of(1, 2), 1, 5, 10));
    partition.appendRecordsToLeader(batch("a", "b"), 1);
    partition.updateFollowerFetchState(2, 2, 2);
    assertEquals(2, partition.highWatermark());
    partition.updateFollowerFetchState(3, 1, 2);
    assertTrue(proposals.isEmpty(), "replica 3 is below the high watermark");
    partition.updateFollowerFetchState(3, 2, 2);
    assertEquals(List.of(List.of(1, 2, 3)), proposals);
    answer(0, List.of(1, 2, 3), 11);
    assertEquals(Set.of(1, 2, 3), partition.state().isr());
  }

  @Test
  void failedAlterPartitionIsForgottenSoItCanBeRetried() {
    partition.makeLeader("id", reg(List.of(1, 2), 1, 5, 10));
    partition.updateFollowerFetchState(3, 0, 0);
    assertEquals(1, proposals.size());
    pending.get(0).complete(new AlterPartitionResponse(
        ApiError.of(io.weir.metadata.controller.Errors.INVALID_UPDATE_VERSION, "stale"), null));
    assertNull(partition.state().pendingIsr());
    partition.updateFollowerFetchState(3, 0, 0);
    assertEquals(2, proposals.size());
  }

  @Test
  void aLateAnswerToAnOlderProposalOfTheSameIsrDoesNotStickTheLeader() {
    partition.makeLeader("id", reg(List.of(1, 2), 1, 5, 10));
    partition.updateFollowerFetchState(3, 0, 0);
    assertEquals(List.of(List.of(1, 2, 3)), proposals);
    // The controller took that proposal (epoch 11), then dropped replica 3 itself (fenced, epoch 12);
    // this broker sees the second change before the answer to the first.
    partition.makeLeader("id", reg(List.of(1, 2), 1, 5, 12));
    partition.updateFollowerFetchState(3, 0, 0);
    assertEquals(2, proposals.size(), "replica 3 caught up again: the same ISR is proposed anew");
    answer(0, List.of(1, 2, 3), 11);
    assertEquals(Set.of(1, 2), partition.state().isr(), "the answer to the first proposal is stale");
    assertEquals(12, partition.state().partitionEpoch());
    // The controller refuses the second proposal (replica 3 is still fenced there): the leader keeps
    // the controller's ISR and proposes once more on the next fetch.
    pending.get(1).complete(new AlterPartitionResponse(
        ApiError.of(io.weir.metadata.controller.Errors.INELIGIBLE_REPLICA, "fenced"), null));
    assertEquals(Set.of(1, 2), partition.state().isr());
    partition.updateFollowerFetchState(3, 0, 0);
    assertEquals(3, proposals.size());
    answer(2, List.of(1, 2, 3), 13);
    assertEquals(Set.of(1, 2, 3), partition.state().isr());
    assertEquals(13, partition.state().partitionEpoch());
  }

  @Test
  void acksAllNeedsMinInsyncReplicas() {
    partition.makeLeader("id", reg(List.of(1), 1, 5, 10));
    ApiException e = assertThrows(ApiException.class, () -> partition.appendRecordsToLeader(batch("a"), -1));
    assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS, e.error());
    assertEquals(0, partition.appendRecordsToLeader(batch("a"), 1).baseOffset());
    assertEquals(1, partition.highWatermark(), "an ISR of one commits at once");
  }

  @Test
  void timestampsFollowTheTopicsTimestampType() throws Exception {
    partition.makeLeader("id", reg(List.of(1), 1, 5, 10));
    clock.addAndGet(-2 * 3_600_000L); // the records now look two hours ahead of the broker
    ApiException e = assertThrows(ApiException.class, () -> partition.appendRecordsToLeader(batch("a"), 1));
    assertEquals(ErrorCode.INVALID_TIMESTAMP, e.error());
    partition.updateConfig(TopicConfig.from(Map.of("message.timestamp.type", "LogAppendTime"), BrokerConfig.defaults(1)));
    AppendResult r = partition.appendRecordsToLeader(batch("a"), 1);
    assertEquals(clock.get(), r.logAppendTime());
    io.weir.common.record.RecordBatch stored =
        partition.log().read(0, 1000, Long.MAX_VALUE, true).records().toMemoryRecords().iterator().next();
    assertEquals(io.weir.common.record.TimestampType.LOG_APPEND_TIME, stored.timestampType());
    assertEquals(clock.get(), stored.maxTimestamp());
    stored.validate(); // the CRC was rewritten
  }

  @Test
  void oversizedBatchIsRefused() {
    partition.makeLeader("id", reg(List.of(1), 1, 5, 10));
    partition.updateConfig(TopicConfig.from(Map.of("max.message.bytes", "100"), BrokerConfig.defaults(1)));
    ApiException e = assertThrows(ApiException.class,
        () -> partition.appendRecordsToLeader(batch("x".repeat(200)), 1));
    assertEquals(ErrorCode.MESSAGE_TOO_LARGE, e.error());
  }

  @Test
  void staleAndFutureLeaderEpochsAreRefused() {
    partition.makeLeader("id", reg(List.of(1, 2, 3), 1, 5, 10));
    assertEquals(ErrorCode.FENCED_LEADER_EPOCH, partition.read(0, 4, -1, 100, true, false).error());
    assertEquals(ErrorCode.UNKNOWN_LEADER_EPOCH, partition.read(0, 6, -1, 100, true, false).error());
    assertEquals(ErrorCode.NONE, partition.read(0, 5, -1, 100, true, false).error());
  }

  @Test
  void followerIsToldWhereItsLogDiverged() {
    partition.makeLeader("id", reg(List.of(1, 2, 3), 1, 5, 10));
    partition.appendRecordsToLeader(batch("a", "b"), 1);
    partition.makeLeader("id", reg(List.of(1, 2, 3), 1, 7, 11));
    partition.appendRecordsToLeader(batch("c"), 1);
    // The follower holds epoch 5 up to offset 4, but epoch 5 ended at offset 2 on the leader.
    ReadResult r = partition.read(4, 7, 5, 1000, true, true);
    assertEquals(ErrorCode.NONE, r.error());
    assertEquals(5, r.divergingEpoch().epoch());
    assertEquals(2, r.divergingEpoch().endOffset());
    assertNull(partition.read(2, 7, 5, 1000, true, true).divergingEpoch());
  }

  @Test
  void formerLeaderWhoseEpochHasNoRecordsStopsDivergingAndCatchesUp() {
    // Broker 1 (the preferred leader) leads epoch 5 and broker 3 follows it.
    partition.makeLeader("id", reg(List.of(1, 2, 3), 1, 5, 10));
    partition.appendRecordsToLeader(batch("a", "b"), 1);
    io.weir.common.record.MemoryRecords epoch5 = io.weir.broker.TestRecords.copy(batch("a", "b"));
    for (io.weir.common.record.RecordBatch b : epoch5) {
      b.setPartitionLeaderEpoch(5);
    }
    try (Log leaderLog = Log.open(dir.resolve("leader").resolve("t-0"), LogConfig.defaults(), clock::get)) {
      Partition leader =
          new Partition(
              TP, 3, leaderLog, partition.config(), 0, clock::get, LAG_MS,
              (topicId, p, leaderEpoch, partitionEpoch, newIsr) -> new CompletableFuture<>(),
              tp -> {}, id -> true, new BrokerStats());
      leader.makeFollower("id", reg(List.of(1, 2, 3), 1, 5, 10));
      leader.appendRecordsAsFollower(epoch5, 2, 0, 5);
      // Broker 1 is elected again (epoch 6) and loses leadership before appending anything.
      partition.makeLeader("id", reg(List.of(1, 2, 3), 1, 6, 11));
      partition.makeFollower("id", reg(List.of(2, 3), 3, 7, 12));
      leader.makeLeader("id", reg(List.of(2, 3), 3, 7, 12));
      leader.appendRecordsToLeader(batch("c"), 1);
      // The replica fetcher's loop, bounded: fetch with the last epoch held, truncate on divergence.
      ReadResult read = null;
      for (int round = 0; round < 3; round++) {
        read = leader.read(partition.logEndOffset(), 7, log.leaderEpochCache().latestEpoch(), 1000, true, true);
        if (read.divergingEpoch() == null) {
          break;
        }
        partition.truncateOnDivergence(read.divergingEpoch(), 7);
      }
      assertNull(read.divergingEpoch(), "the follower must not fetch with the empty epoch 6 forever");
      assertEquals(5, log.leaderEpochCache().latestEpoch());
      assertTrue(read.bytes() > 0, "the leader's epoch-7 record is sent");
    }
  }

  @Test
  void followerIgnoresAFetchAnsweredUnderAnOlderLeaderEpoch() {
    partition.makeFollower("id", reg(List.of(1, 2, 3), 2, 5, 10));
    io.weir.common.record.MemoryRecords fetched = io.weir.broker.TestRecords.copy(batch("a"));
    for (io.weir.common.record.RecordBatch b : fetched) {
      b.setPartitionLeaderEpoch(5);
    }
    partition.makeFollower("id", reg(List.of(1, 2, 3), 3, 6, 11));
    assertFalse(partition.appendRecordsAsFollower(fetched, 1, 0, 5));
    assertEquals(0, partition.logEndOffset());
    assertTrue(partition.appendRecordsAsFollower(fetched, 1, 0, 6));
    assertEquals(1, partition.logEndOffset());
    assertEquals(1, partition.highWatermark());
  }

  @Test
  void consumersNeverReadPastTheHighWatermark() throws Exception {
    partition.makeLeader("id", reg(List.of(1, 2), 1, 5, 10));
    partition.appendRecordsToLeader(batch("a"), 1);
    partition.appendRecordsToLeader(batch("b"), 1);
    assertEquals(0, partition.read(0, -1, -1, 1000, true, false).bytes());
    partition.updateFollowerFetchState(2, 1, 2);
    ReadResult r = partition.read(0, -1, -1, 1000, true, false);
    assertEquals(List.of("a"), io.weir.broker.TestRecords.entries(r.records().toMemoryRecords())
        .stream().map(io.weir.broker.TestRecords.Entry::value).toList());
    assertTrue(partition.read(0, -1, -1, 1000, true, true).bytes() > r.bytes(), "followers read to the end");
  }
}
