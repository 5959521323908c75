package io.weir.broker.replica;

import io.weir.broker.ApiException;
import io.weir.broker.metrics.BrokerStats;
import io.weir.broker.producer.BatchMetadata;
import io.weir.broker.producer.ProducerStateManager;
import io.weir.common.TopicPartition;
import io.weir.common.record.MemoryRecords;
import io.weir.common.record.Record;
import io.weir.common.record.RecordBatch;
import io.weir.metadata.controller.AlterPartitionResponse;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.proto.v1.ErrorCode;
import io.weir.storage.log.FetchDataInfo;
import io.weir.storage.log.FileRecords;
import io.weir.storage.log.LeaderEpochFileCache.EpochEndOffset;
import io.weir.storage.log.Log;
import io.weir.storage.log.LogAppendInfo;
import io.weir.storage.log.OffsetOutOfRangeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hosted partition: its log, its role (leader or follower) per the metadata image, and as
 * leader the followers' progress, the ISR and the high watermark (the minimum log end offset over
 * the ISR; it never goes back).
 *
 * <p>Lock discipline: every change of role, ISR, follower state, high watermark, producer state and
 * every append or truncation happens under this object's monitor. Reads of the log take no lock:
 * they use the volatile {@link #state} and {@link #highWatermark}. The monitor is never held while
 * calling out (AlterPartition, the state-change listener, purgatories), so those may take their own
 * locks and call back in. Lock order: Partition monitor, then the Log's lock.
 */
public final class Partition {
  private static final Logger logger = LoggerFactory.getLogger(Partition.class);

  private final TopicPartition tp;
  private final int localBrokerId;
  private final Log log;
  private final LongSupplier clock;
  private final long replicaLagTimeMaxMs;
  private final AlterPartitionManager alterPartitionManager;
  private final Consumer<TopicPartition> stateChangeListener; // told of HW/ISR changes off-monitor
  private final IntPredicate isBrokerLive; // only live (unfenced) brokers may join the ISR
  private final BrokerStats stats;
  private final ProducerStateManager producerState = new ProducerStateManager(); // monitor
  private final Map<Integer, ReplicaState> remoteReplicas = new HashMap<>(); // monitor
  private volatile TopicConfig config; // replaced whole
  private volatile String topicId = ""; // written under monitor
  private volatile LeaderAndIsr state = LeaderAndIsr.NONE; // written under monitor
  private volatile long highWatermark; // written under monitor
  private long leaderEpochStartOffset; // monitor

  private record IsrProposal(int leaderEpoch, int partitionEpoch, Set<Integer> newIsr) {}

  public Partition(
      TopicPartition tp,
      int localBrokerId,
      Log log,
      TopicConfig config,
      long checkpointedHighWatermark,
      LongSupplier clock,
      long replicaLagTimeMaxMs,
      AlterPartitionManager alterPartitionManager,
      Consumer<TopicPartition> stateChangeListener,
      IntPredicate isBrokerLive,
      BrokerStats stats) {
    this.tp = tp;
    this.localBrokerId = localBrokerId;
    this.log = log;
    this.config = config;
    log.updateConfig(config.log()); // a log loaded at startup was opened with the broker's defaults
    this.clock = clock;
    this.replicaLagTimeMaxMs = replicaLagTimeMaxMs;
    this.alterPartitionManager = alterPartitionManager;
    this.stateChangeListener = stateChangeListener;
    this.isBrokerLive = isBrokerLive;
    this.stats = stats;
    synchronized (this) {
      this.highWatermark =
          Math.max(log.logStartOffset(), Math.min(checkpointedHighWatermark, log.logEndOffset()));
      producerState.rebuild(log);
    }
  }

  public TopicPartition topicPartition() {
    return tp;
  }

  public String topicId() {
    return topicId;
  }

  public LeaderAndIsr state() {
    return state;
  }

  public TopicConfig config() {
    return config;
  }

  public Log log() {
    return log;
  }

  public long highWatermark() {
    return highWatermark;
  }

  public long logEndOffset() {
    return log.logEndOffset();
  }

  public long logStartOffset() {
    return log.logStartOffset();
  }

  public void updateConfig(TopicConfig newConfig) {
    config = newConfig;
    log.updateConfig(newConfig.log());
  }

  // ---- role changes (metadata thread) ----

  /**
   * Applies a registration naming this broker leader. A new leader epoch resets the followers'
   * state and starts the epoch at the log end offset; the same epoch with a newer partition epoch
   * only takes the new ISR and replicas.
   *
   * @return true if anything changed
   */
  public boolean makeLeader(String newTopicId, PartitionRegistration reg) {
    synchronized (this) {
      topicId = newTopicId;
      LeaderAndIsr old = state;
      boolean newEpoch = !old.isLeader() || reg.leaderEpoch() > old.leaderEpoch();
      if (!newEpoch && reg.partitionEpoch() <= old.partitionEpoch()) {
        return false;
      }
      long now = clock.getAsLong();
      if (newEpoch) {
        remoteReplicas.clear();
        try {
          if (log.leaderEpochCache().latestEpoch() < reg.leaderEpoch()) {
            // Followers fetching with the previous epoch must learn where it ended.
            log.leaderEpochCache().assign(reg.leaderEpoch(), log.logEndOffset());
          }
        } catch (IOException e) {
          throw new UncheckedIOException("writing the leader epoch of " + tp + " failed", e);
        }
        leaderEpochStartOffset = log.logEndOffset();
      } else {
        // The controller changed the ISR itself (it drops fenced brokers) or confirmed our proposal.
        stats.recordIsrChange(old.isr().size(), reg.isr().size());
      }
      for (int replica : reg.replicas()) {
        if (replica != localBrokerId) {
          // A follower in the ISR gets a full lag period before it can be judged out of sync.
          remoteReplicas.computeIfAbsent(
              replica, r -> new ReplicaState(reg.isr().contains(r) ? now : 0));
        }
      }
      remoteReplicas.keySet().retainAll(reg.replicas());
      state =
          new LeaderAndIsr(
              true,
              localBrokerId,
              reg.leaderEpoch(),
              reg.partitionEpoch(),
              reg.replicas(),
              Set.copyOf(reg.isr()),
              null);
      maybeIncrementHighWatermark();
    }
    stateChangeListener.accept(tp);
    return true;
  }

  /** @return true if the leader or leader epoch changed (the fetcher must restart) */
  public boolean makeFollower(String newTopicId, PartitionRegistration reg) {
    synchronized (this) {
      topicId = newTopicId;
      LeaderAndIsr old = state;
      boolean changed =
          old.isLeader() || old.leader() != reg.leader() || old.leaderEpoch() != reg.leaderEpoch();
      if (!changed && reg.partitionEpoch() <= old.partitionEpoch()) {
        return false;
      }
      remoteReplicas.clear();
      state =
          new LeaderAndIsr(
              false,
              reg.leader(),
              reg.leaderEpoch(),
              reg.partitionEpoch(),
              reg.replicas(),
              Set.copyOf(reg.isr()),
              null);
      if (!changed) {
        return false;
      }
    }
    stateChangeListener.accept(tp); // waiting acks=all requests fail now
    return true;
  }

  // ---- leader: produce ----

  /**
   * Validates and appends a produce request's records for this partition.
   *
   * @throws ApiException NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, validation and sequence errors
   */
  public AppendResult appendRecordsToLeader(MemoryRecords records, int requiredAcks) {
    TopicConfig cfg = config;
    long appendTime = BatchValidator.validate(records, cfg, clock.getAsLong());
    synchronized (this) {
      LeaderAndIsr s = state;
      if (!s.isLeader()) {
        throw notLeader(s);
      }
      if (requiredAcks == -1 && s.isr().size() < cfg.minInsyncReplicas()) {
        throw new ApiException(
            ErrorCode.NOT_ENOUGH_REPLICAS,
            "The ISR of "
                + tp
                + " is "
                + new TreeSet<>(s.isr())
                + ", fewer than min.insync.replicas="
                + cfg.minInsyncReplicas());
      }
      BatchMetadata duplicate = producerState.checkAppend(records).duplicate();
      if (duplicate != null) {
        return new AppendResult(
            duplicate.firstOffset(), duplicate.lastOffset(), appendTime, log.logStartOffset(), false);
      }
      LogAppendInfo info = log.appendAsLeader(records, s.leaderEpoch());
      producerState.update(records);
      boolean hwChanged = maybeIncrementHighWatermark();
      return new AppendResult(
          info.firstOffset(), info.lastOffset(), appendTime, log.logStartOffset(), hwChanged);
    }
  }

  /**
   * For a waiting acks=all request: null while the high watermark is below {@code requiredOffset},
   * else the outcome.
   */
  public ErrorCode checkEnoughReplicasReachOffset(long requiredOffset) {
    LeaderAndIsr s = state;
    if (!s.isLeader()) {
      return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    }
    if (highWatermark < requiredOffset) {
      return null;
    }
    return s.isr().size() >= config.minInsyncReplicas()
        ? ErrorCode.NONE
        : ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
  }

  // ---- fetch ----

  /**
   * Reads for a consumer (up to the high watermark, leader or follower) or a follower (leader only,
   * up to the log end, with a divergence check against {@code lastFetchedEpoch}). Takes no lock.
   */
  public ReadResult read(
      long fetchOffset,
      int currentLeaderEpoch,
      int lastFetchedEpoch,
      int maxBytes,
      boolean minOneBatch,
      boolean fromFollower) {
    LeaderAndIsr s = state;
    long hw = highWatermark;
    long start = log.logStartOffset();
    if (s == LeaderAndIsr.NONE || fromFollower && !s.isLeader()) {
      return ReadResult.error(ErrorCode.NOT_LEADER_OR_FOLLOWER, notLeader(s).getMessage(), s, hw, start);
    }
    ErrorCode epochError = checkLeaderEpoch(s, currentLeaderEpoch);
    if (epochError != null) {
      return ReadResult.error(
          epochError,
          "request leader epoch " + currentLeaderEpoch + ", " + tp + " is at " + s.leaderEpoch(),
          s,
          hw,
          start);
    }
    long leo = log.logEndOffset();
    if (fromFollower && lastFetchedEpoch >= 0) {
      EpochEndOffset eo = log.endOffsetForEpoch(lastFetchedEpoch);
      if (eo.epoch() < lastFetchedEpoch || eo.endOffset() < fetchOffset) {
        return new ReadResult(
            ErrorCode.NONE, "", FileRecords.EMPTY, hw, start, leo, eo,
            s.leader(), s.leaderEpoch());
      }
    }
    try {
      FetchDataInfo info =
          log.read(fetchOffset, maxBytes, fromFollower ? Long.MAX_VALUE : hw, minOneBatch);
      return new ReadResult(
          ErrorCode.NONE, "", info.records(), hw, start, leo, null, s.leader(), s.leaderEpoch());
    } catch (OffsetOutOfRangeException e) {
      return ReadResult.error(ErrorCode.OFFSET_OUT_OF_RANGE, e.getMessage(), s, hw, start);
    }
  }

  private static ErrorCode checkLeaderEpoch(LeaderAndIsr s, int requestEpoch) {
    if (requestEpoch < 0 || requestEpoch == s.leaderEpoch()) {
      return null;
    }
    return requestEpoch < s.leaderEpoch()
        ? ErrorCode.FENCED_LEADER_EPOCH
        : ErrorCode.UNKNOWN_LEADER_EPOCH;
  }

  /**
   * A follower fetched from {@code fetchOffset}: record its progress, expand the ISR if it caught
   * up, move the high watermark.
   *
   * @return true if the high watermark moved
   */
  public boolean updateFollowerFetchState(int replicaId, long fetchOffset, long leaderEndOffset) {
    IsrProposal proposal;
    boolean hwChanged;
    synchronized (this) {
      ReplicaState replica = remoteReplicas.get(replicaId);
      if (!state.isLeader() || replica == null) {
        return false;
      }
      replica.updateFetchState(fetchOffset, leaderEndOffset, clock.getAsLong());
      proposal = maybeExpandIsr(replicaId, replica);
      hwChanged = maybeIncrementHighWatermark();
    }
    if (proposal != null) {
      send(proposal);
    }
    return hwChanged;
  }

  private IsrProposal maybeExpandIsr(int replicaId, ReplicaState replica) {
    LeaderAndIsr s = state;
    if (s.isr().contains(replicaId)) {
      replica.expansionBlockedBy = null;
      return null;
    }
    if (replica.logEndOffset < highWatermark || replica.logEndOffset < leaderEpochStartOffset) {
      return null;
    }
    String blockedBy =
        s.pendingIsr() != null
            ? "an ISR change to " + new TreeSet<>(s.pendingIsr()) + " is in flight"
            : !isBrokerLive.test(replicaId)
                ? "its broker is fenced or unknown in this broker's metadata"
                : null;
    if (blockedBy != null) {
      // A caught-up follower kept out of the ISR is the first thing to check when a partition stays
      // under-replicated; logged on change only, as followers fetch many times a second.
      if (!blockedBy.equals(replica.expansionBlockedBy)) {
        logger.info(
            "{}: follower {} caught up (log end {}) but stays out of ISR {}: {}",
            tp, replicaId, replica.logEndOffset, new TreeSet<>(s.isr()), blockedBy);
      }
      replica.expansionBlockedBy = blockedBy;
      return null;
    }
    replica.expansionBlockedBy = null;
    Set<Integer> newIsr = new HashSet<>(s.isr());
    newIsr.add(replicaId);
    logger.info("{}: expanding ISR from {} to {}", tp, new TreeSet<>(s.isr()), new TreeSet<>(newIsr));
    return propose(s, newIsr);
  }

  /** Proposes removing followers not caught up within {@code replica.lag.time.max.ms}. */
  public void maybeShrinkIsr() {
    IsrProposal proposal = null;
    synchronized (this) {
      LeaderAndIsr s = state;
      if (!s.isLeader() || s.pendingIsr() != null) {
        return;
      }
      long now = clock.getAsLong();
      Set<Integer> newIsr = new HashSet<>(s.isr());
      for (int member : s.isr()) {
        ReplicaState replica = remoteReplicas.get(member);
        if (member != localBrokerId
            && (replica == null || now - replica.lastCaughtUpTimeMs > replicaLagTimeMaxMs)) {
          newIsr.remove(member);
        }
      }
      if (newIsr.size() < s.isr().size()) {
        logger.info("{}: shrinking ISR from {} to {}", tp, s.isr(), newIsr);
        proposal = propose(s, newIsr);
      }
    }
    if (proposal != null) {
      send(proposal);
    }
  }

  private IsrProposal propose(LeaderAndIsr s, Set<Integer> newIsr) {
    Set<Integer> pending = Set.copyOf(newIsr);
    state =
        new LeaderAndIsr(
            true, s.leader(), s.leaderEpoch(), s.partitionEpoch(), s.replicas(), s.isr(), pending);
    return new IsrProposal(s.leaderEpoch(), s.partitionEpoch(), pending);
  }

  private void send(IsrProposal proposal) {
    List<Integer> isr = new ArrayList<>(new TreeSet<>(proposal.newIsr()));
    CompletableFuture<AlterPartitionResponse> sent;
    try {
      sent =
          alterPartitionManager.submit(
              topicId, tp.partition(), proposal.leaderEpoch(), proposal.partitionEpoch(), isr);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((response, error) -> onAlterPartitionResponse(proposal, response, error));
  }

  private void onAlterPartitionResponse(
      IsrProposal proposal, AlterPartitionResponse response, Throwable error) {
    synchronized (this) {
      LeaderAndIsr s = state;
      // The ISR alone does not identify a proposal: after the controller changed the partition
      // itself, the same ISR may be proposed again, and the answer to the older proposal describes
      // a registration the controller has since replaced. Taking it would make this leader believe
      // in an ISR the controller does not have, and never propose that follower again.
      if (!s.isLeader()
          || s.leaderEpoch() != proposal.leaderEpoch()
          || s.partitionEpoch() != proposal.partitionEpoch()
          || !proposal.newIsr().equals(s.pendingIsr())) {
        // Routine on a combined node, where the new image usually arrives before the answer.
        logger.debug(
            "{}: ignoring the answer to ISR change {}: superseded, now {}", tp, proposal.newIsr(), s);
        return;
      }
      if (error != null || !response.error().isSuccess()) {
        logger.warn(
            "{}: AlterPartition to {} failed: {}",
            tp,
            proposal.newIsr(),
            error != null ? error.toString() : response.error());
        state =
            new LeaderAndIsr(
                true, s.leader(), s.leaderEpoch(), s.partitionEpoch(), s.replicas(), s.isr(), null);
        return;
      }
      PartitionRegistration reg = response.partition();
      stats.recordIsrChange(s.isr().size(), reg.isr().size());
      state =
          new LeaderAndIsr(
              true,
              s.leader(),
              s.leaderEpoch(),
              Math.max(reg.partitionEpoch(), s.partitionEpoch()),
              s.replicas(),
              Set.copyOf(reg.isr()),
              null);
      maybeIncrementHighWatermark();
    }
    stateChangeListener.accept(tp);
  }

  /** Under the monitor. */
  private boolean maybeIncrementHighWatermark() {
    LeaderAndIsr s = state;
    if (!s.isLeader()) {
      return false;
    }
    long newHw = log.logEndOffset();
    for (Map.Entry<Integer, ReplicaState> e : remoteReplicas.entrySet()) {
      if (s.inMaximalIsr(e.getKey())) {
        newHw = Math.min(newHw, e.getValue().logEndOffset);
      }
    }
    if (newHw > highWatermark) {
      highWatermark = newHw;
      return true;
    }
    return false;
  }

  // ---- follower ----

  /**
   * Appends batches fetched from the leader of {@code fetchLeaderEpoch} and takes its high
   * watermark (capped at our end) and log start offset; ignored if leadership moved meanwhile.
   *
   * @return true if the high watermark moved
   */
  public boolean appendRecordsAsFollower(
      MemoryRecords records, long leaderHw, long leaderLogStart, int fetchLeaderEpoch) {
    synchronized (this) {
      if (state.isLeader() || state.leaderEpoch() != fetchLeaderEpoch) {
        return false; // leadership changed while the fetch was in flight
      }
      if (records.sizeInBytes() > 0) {
        log.appendAsFollower(records);
        producerState.update(records);
      }
      if (leaderLogStart > log.logStartOffset()) {
        log.maybeIncrementLogStartOffset(Math.min(leaderLogStart, log.logEndOffset()));
      }
      long newHw = Math.min(leaderHw, log.logEndOffset());
      if (newHw > highWatermark) {
        highWatermark = newHw;
        return true;
      }
      return false;
    }
  }

  /**
   * The leader (at {@code fetchLeaderEpoch}) reports our log diverged at {@code leaderEpochEnd}:
   * truncate to where our log and the leader's agree, as far as this round can tell (the next fetch
   * checks again).
   */
  public void truncateOnDivergence(EpochEndOffset leaderEpochEnd, int fetchLeaderEpoch) {
    synchronized (this) {
      if (state.isLeader() || state.leaderEpoch() != fetchLeaderEpoch) {
        return; // leadership changed while the fetch was in flight
      }
      long target;
      if (leaderEpochEnd.epoch() < 0) {
        target = highWatermark;
      } else {
        EpochEndOffset local = log.endOffsetForEpoch(leaderEpochEnd.epoch());
        if (local.epoch() == leaderEpochEnd.epoch()) {
          target = Math.min(local.endOffset(), leaderEpochEnd.endOffset());
        } else {
          target = local.epoch() < 0 ? highWatermark : local.endOffset();
        }
      }
      truncateTo(Math.min(target, log.logEndOffset()));
    }
  }

  /** Drops everything from {@code offset} on and rebuilds producer state. */
  public void truncateTo(long offset) {
    synchronized (this) {
      if (log.truncateTo(offset)) {
        logger.info("{}: truncated to offset {}", tp, offset);
        producerState.rebuild(log);
      }
      if (highWatermark > log.logEndOffset()) {
        highWatermark = log.logEndOffset();
      }
    }
  }

  /** The leader's log starts after our end: start over there. */
  public void truncateFullyAndStartAt(long offset) {
    synchronized (this) {
      log.truncateFullyAndStartAt(offset);
      producerState.rebuildDiscardingSnapshots(log);
      highWatermark = offset;
    }
  }

  /** Snapshots producer state at the log end, so a restart scans only what follows. */
  public void takeProducerSnapshot() {
    synchronized (this) {
      producerState.takeSnapshot(log);
    }
  }

  // ---- ListOffsets ----

  /** Kafka's ListOffsets on the leader: -2 earliest, -1 latest (the high watermark), or by time. */
  public OffsetAndTimestamp fetchOffsetForTimestamp(long timestamp, int currentLeaderEpoch) {
    LeaderAndIsr s = state;
    if (!s.isLeader()) {
      throw notLeader(s);
    }
    ErrorCode epochError = checkLeaderEpoch(s, currentLeaderEpoch);
    if (epochError != null) {
      throw new ApiException(
          epochError,
          "request leader epoch " + currentLeaderEpoch + ", " + tp + " is at " + s.leaderEpoch());
    }
    long hw = highWatermark;
    if (timestamp == -2) {
      return new OffsetAndTimestamp(log.logStartOffset(), -1, s.leaderEpoch());
    }
    if (timestamp == -1) {
      return new OffsetAndTimestamp(hw, -1, s.leaderEpoch());
    }
    if (timestamp < 0) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "invalid ListOffsets timestamp " + timestamp);
    }
    OptionalLong found = log.offsetForTimestamp(timestamp);
    if (found.isEmpty() || found.getAsLong() >= hw) {
      return new OffsetAndTimestamp(-1, -1, -1);
    }
    long offset = found.getAsLong();
    try {
      for (RecordBatch batch : log.read(offset, 1, hw, true).records().toMemoryRecords()) {
        for (Record r : batch.records()) {
          if (r.offset() == offset) {
            return new OffsetAndTimestamp(offset, r.timestamp(), batch.partitionLeaderEpoch());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + tp + " at offset " + offset + " failed", e);
    }
    return new OffsetAndTimestamp(offset, timestamp, s.leaderEpoch());
  }

  public record OffsetAndTimestamp(long offset, long timestamp, int leaderEpoch) {}

  // ---- DeleteRecords ----

  /**
   * Kafka's DeleteRecords on the leader: moves the log start offset to {@code offset} (-1: the high
   * watermark), never past the high watermark, so only records every in-sync replica holds go.
   * Followers move theirs when their next fetch reports the leader's. Returns the log start offset
   * afterwards (Kafka's low watermark).
   */
  public long deleteRecordsOnLeader(long offset) {
    LeaderAndIsr s = state;
    if (!s.isLeader()) {
      throw notLeader(s);
    }
    long hw = highWatermark;
    long target = offset == -1 ? hw : offset;
    if (target < 0 || target > hw) {
      throw new ApiException(ErrorCode.OFFSET_OUT_OF_RANGE, "cannot delete the records of " + tp
          + " before offset " + offset + ": it must lie between 0 and the high watermark " + hw
          + ", or be -1 for the high watermark");
    }
    log.maybeIncrementLogStartOffset(target);
    return log.logStartOffset();
  }

  private ApiException notLeader(LeaderAndIsr s) {
    return new ApiException(
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
        "Broker " + localBrokerId + " is not the leader of " + tp + " (leader: " + s.leader() + ")");
  }

  @Override
  public String toString() {
    return "Partition(" + tp + ", " + state + ", hw=" + highWatermark + ")";
  }
}
