package io.weir.broker.replica;

import io.weir.broker.ApiException;
import io.weir.broker.BrokerConfig;
import io.weir.broker.fetcher.ReplicaFetcherManager;
import io.weir.broker.metadata.MetadataCache;
import io.weir.broker.metrics.BrokerStats;
import io.weir.broker.purgatory.DelayedOperationPurgatory;
import io.weir.common.TopicPartition;
import io.weir.common.record.MemoryRecords;
import io.weir.metadata.image.ConfigResource;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.image.TopicImage;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.LeaderHint;
import io.weir.proto.v1.ProduceResponse;
import io.weir.storage.log.FileRecords;
import io.weir.storage.log.Log;
import io.weir.storage.log.LogManager;
import io.weir.storage.log.LogStorageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this broker hosts, led or followed as the metadata image says; the entry points
 * for produce and fetch; and the purgatories where acks=all produces and long-poll fetches wait.
 *
 * <p>Thread discipline: {@link #applyImage} runs on the metadata thread (synchronized, so images
 * apply one at a time); produce and fetch run on request handler threads and touch partitions only
 * through their own locks; completions run on whichever thread caused them.
 */
public final class ReplicaManager {
  private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

  private final BrokerConfig config;
  private final LogManager logManager;
  private final MetadataCache metadataCache;
  private final AlterPartitionManager alterPartitionManager;
  private final ReplicaFetcherManager fetcherManager;
  private final HighWatermarkCheckpoint hwCheckpoint;
  private final LongSupplier clock;
  private final BrokerStats stats;
  private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>(); // writes: metadata thread
  private final Map<TopicPartition, Long> checkpointedHighWatermarks; // read-only after start
  private final DelayedOperationPurgatory<DelayedProduce> producePurgatory;
  private final DelayedOperationPurgatory<DelayedFetch> fetchPurgatory;

  public ReplicaManager(
      BrokerConfig config,
      LogManager logManager,
      MetadataCache metadataCache,
      AlterPartitionManager alterPartitionManager,
      ReplicaFetcherManager fetcherManager,
      HighWatermarkCheckpoint hwCheckpoint,
      ScheduledExecutorService purgatoryTimer,
      LongSupplier clock,
      BrokerStats stats) {
    this.config = config;
    this.logManager = logManager;
    this.metadataCache = metadataCache;
    this.alterPartitionManager = alterPartitionManager;
    this.fetcherManager = fetcherManager;
    this.hwCheckpoint = hwCheckpoint;
    this.clock = clock;
    this.stats = stats;
    this.producePurgatory = new DelayedOperationPurgatory<>("produce", purgatoryTimer);
    this.fetchPurgatory = new DelayedOperationPurgatory<>("fetch", purgatoryTimer);
    Map<TopicPartition, Long> hws;
    try {
      hws = hwCheckpoint.read();
    } catch (IOException e) {
      // The high watermark is only an optimisation for restart: followers relearn it from leaders.
      log.warn("ignoring unreadable high-watermark checkpoint: {}", e.getMessage());
      hws = Map.of();
    }
    this.checkpointedHighWatermarks = hws;
  }

  /** Fetches waiting in purgatory for data (long polls), for tests and metrics. */
  public int delayedFetches() {
    return fetchPurgatory.watched();
  }

  public Partition partition(TopicPartition tp) {
    return partitions.get(tp);
  }

  /** Every partition with a replica here, as of now (a live view). */
  public Collection<Partition> hostedPartitions() {
    return partitions.values();
  }

  // ---- metadata ----

  /** Becomes leader or follower of each partition with a replica here; drops the others. */
  public synchronized void applyImage(MetadataImage image) {
    Set<TopicPartition> assigned = new HashSet<>();
    for (TopicImage topic : image.topics().byName().values()) {
      Map<String, String> overrides = image.configs().configs(ConfigResource.topic(topic.name()));
      TopicConfig topicConfig;
      try {
        topicConfig = TopicConfig.from(overrides, config);
      } catch (IllegalArgumentException e) {
        log.error("topic {} has an invalid config, its partitions are not served: {}", topic.name(), e.getMessage());
        continue;
      }
      for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
        PartitionRegistration reg = e.getValue();
        if (!reg.replicas().contains(config.nodeId())) {
          continue;
        }
        TopicPartition tp = new TopicPartition(topic.name(), e.getKey());
        assigned.add(tp);
        try {
          applyPartition(tp, topic.id(), reg, topicConfig);
        } catch (LogStorageException ex) {
          log.error("partition {} is offline: {}", tp, ex.getMessage());
        }
      }
    }
    for (TopicPartition tp : new ArrayList<>(partitions.keySet())) {
      if (!assigned.contains(tp)) {
        stopReplica(tp);
      }
    }
  }

  private void applyPartition(TopicPartition tp, String topicId, PartitionRegistration reg, TopicConfig cfg) {
    Partition partition = partitions.get(tp);
    if (partition != null && !partition.topicId().isEmpty() && !partition.topicId().equals(topicId)) {
      // The topic was deleted and created again under the same name: the old log must go.
      stopReplica(tp);
      partition = null;
    }
    if (partition == null) {
      Log partitionLog = openLog(tp, topicId, cfg);
      partition =
          new Partition(
              tp,
              config.nodeId(),
              partitionLog,
              cfg,
              checkpointedHighWatermarks.getOrDefault(tp, 0L),
              clock,
              config.replicaLagTimeMaxMs(),
              alterPartitionManager,
              this::completeDelayedRequests,
              metadataCache::isLive,
              stats);
      partitions.put(tp, partition);
    } else if (!partition.config().equals(cfg)) {
      partition.updateConfig(cfg);
    }
    if (reg.leader() == config.nodeId()) {
      fetcherManager.removePartition(tp);
      partition.makeLeader(topicId, reg);
    } else {
      partition.makeFollower(topicId, reg);
      if (reg.leader() == PartitionRegistration.NO_LEADER || !metadataCache.isLive(reg.leader())) {
        fetcherManager.removePartition(tp);
      } else {
        metadataCache
            .endpoint(reg.leader())
            .ifPresent(ep -> fetcherManager.addPartition(tp, reg.leader(), reg.leaderEpoch(), ep));
      }
    }
  }

  /** The partition's log, replacing one a deleted topic of the same name left behind. */
  private Log openLog(TopicPartition tp, String topicId, TopicConfig cfg) {
    Log partitionLog = logManager.getOrCreateLog(tp, cfg.log());
    try {
      Optional<String> stored = PartitionMetadataFile.read(partitionLog.dir());
      if (stored.isPresent() && !stored.get().equals(topicId)) {
        log.warn("{} holds topic id {} but the topic is now {}: deleting the old log", tp, stored.get(), topicId);
        logManager.deleteLog(tp);
        partitionLog = logManager.getOrCreateLog(tp, cfg.log());
        stored = Optional.empty();
      }
      if (stored.isEmpty()) {
        PartitionMetadataFile.write(partitionLog.dir(), topicId);
      }
    } catch (IOException e) {
      throw new LogStorageException(partitionLog.dir(), "reading or writing " + PartitionMetadataFile.FILE_NAME, e);
    }
    return partitionLog;
  }

  private void stopReplica(TopicPartition tp) {
    fetcherManager.removePartition(tp);
    partitions.remove(tp);
    if (partitions.keySet().stream().noneMatch(p -> p.topic().equals(tp.topic()))) {
      stats.removeTopic(tp.topic());
    }
    try {
      logManager.deleteLog(tp);
    } catch (LogStorageException e) {
      log.error("deleting the log of {} failed: {}", tp, e.getMessage());
    }
    completeDelayedRequests(tp);
  }

  /** Retries waiting requests on {@code tp}: its high watermark, ISR, role or data changed. */
  public void completeDelayedRequests(TopicPartition tp) {
    producePurgatory.checkAndComplete(tp);
    fetchPurgatory.checkAndComplete(tp);
  }

  // ---- produce ----

  /**
   * Appends each partition's records on this leader; answers at once for acks 0 and 1 (and for
   * partitions that failed), or once the high watermark passes them for acks=all.
   */
  public void appendRecords(
      int acks,
      long timeoutMs,
      Map<TopicPartition, MemoryRecords> entries,
      Consumer<Map<TopicPartition, ProduceResponse.PartitionResponse>> callback) {
    Map<TopicPartition, ProduceResponse.PartitionResponse.Builder> responses = new LinkedHashMap<>();
    Map<TopicPartition, Long> requiredOffsets = new HashMap<>();
    for (Map.Entry<TopicPartition, MemoryRecords> e : entries.entrySet()) {
      TopicPartition tp = e.getKey();
      ProduceResponse.PartitionResponse.Builder out =
          ProduceResponse.PartitionResponse.newBuilder()
              .setPartition(tp.partition())
              .setBaseOffset(-1)
              .setLogAppendTimeMs(-1)
              .setLogStartOffset(-1);
      responses.put(tp, out);
      try {
        AppendResult result = hostedPartition(tp).appendRecordsToLeader(e.getValue(), acks);
        stats.recordAppend(
            tp.topic(), e.getValue().sizeInBytes(), result.lastOffset() - result.baseOffset() + 1);
        out.setBaseOffset(result.baseOffset())
            .setLogAppendTimeMs(result.logAppendTime())
            .setLogStartOffset(result.logStartOffset());
        requiredOffsets.put(tp, result.lastOffset() + 1);
        if (result.highWatermarkChanged()) {
          producePurgatory.checkAndComplete(tp);
        }
        fetchPurgatory.checkAndComplete(tp); // followers (and consumers if the HW moved) wait here
      } catch (RuntimeException ex) {
        ErrorCode code = ApiException.codeFor(ex);
        if (code == ErrorCode.UNKNOWN_SERVER_ERROR) {
          log.error("produce to {} failed", tp, ex);
        }
        out.setErrorCode(code).setErrorMessage(ApiException.messageFor(ex));
        if (code == ErrorCode.NOT_LEADER_OR_FOLLOWER) {
          out.setCurrentLeader(leaderHint(tp));
        }
      }
    }
    if (acks == -1 && !requiredOffsets.isEmpty()) {
      DelayedProduce op =
          new DelayedProduce(timeoutMs, responses, requiredOffsets, this, callback);
      producePurgatory.tryCompleteElseWatch(op, List.copyOf(requiredOffsets.keySet()));
    } else {
      Map<TopicPartition, ProduceResponse.PartitionResponse> out = new LinkedHashMap<>();
      responses.forEach((tp, b) -> out.put(tp, b.build()));
      callback.accept(out);
    }
  }

  public LeaderHint leaderHint(TopicPartition tp) {
    PartitionRegistration reg = metadataCache.partition(tp.topic(), tp.partition());
    return reg == null
        ? LeaderHint.newBuilder().setLeaderId(-1).setLeaderEpoch(-1).build()
        : LeaderHint.newBuilder().setLeaderId(reg.leader()).setLeaderEpoch(reg.leaderEpoch()).build();
  }

  /** @throws ApiException UNKNOWN_TOPIC_OR_PARTITION or NOT_LEADER_OR_FOLLOWER */
  public Partition hostedPartition(TopicPartition tp) {
    Partition partition = partitions.get(tp);
    if (partition == null) {
      throw notHosted(tp);
    }
    return partition;
  }

  private ApiException notHosted(TopicPartition tp) {
    if (metadataCache.partition(tp.topic(), tp.partition()) == null) {
      return new ApiException(
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic partition " + tp + " does not exist.");
    }
    return new ApiException(
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
        "Broker " + config.nodeId() + " hosts no replica of " + tp + ".");
  }

  // ---- fetch ----

  /**
   * Reads for a consumer or follower; answers at once when {@code fetch.min.bytes} are there (or
   * on an error), else parks the fetch until data arrives or {@code fetch.max.wait.ms} passes.
   */
  public void fetchMessages(
      FetchParams params,
      List<FetchPartition> fetchPartitions,
      Consumer<List<FetchPartitionResult>> answer) {
    Consumer<List<FetchPartitionResult>> callback = results -> {
      for (FetchPartitionResult r : results) {
        stats.recordFetch(r.tp().topic(), r.read().bytes(), params.isFromFollower());
      }
      answer.accept(results);
    };
    List<FetchPartitionResult> results = readFromLog(params, fetchPartitions);
    long bytes = 0;
    boolean answerNow = params.maxWaitMs() <= 0 || fetchPartitions.isEmpty();
    for (int i = 0; i < results.size(); i++) {
      FetchPartitionResult r = results.get(i);
      ReadResult read = r.read();
      bytes += read.bytes();
      if (read.error() != ErrorCode.NONE
          || read.divergingEpoch() != null
          || r.preferredReadReplica() >= 0) {
        answerNow = true;
      } else if (params.isFromFollower()) {
        Partition partition = partitions.get(r.tp());
        if (partition != null
            && partition.updateFollowerFetchState(
                params.replicaId(), fetchPartitions.get(i).fetchOffset(), read.leaderEndOffset())) {
          completeDelayedRequests(r.tp());
        }
      }
    }
    if (answerNow || bytes >= params.minBytes()) {
      callback.accept(results);
      return;
    }
    DelayedFetch op = new DelayedFetch(params, fetchPartitions, results, this, callback);
    fetchPurgatory.tryCompleteElseWatch(
        op, fetchPartitions.stream().map(FetchPartition::tp).distinct().toList());
  }

  /** One read of every partition within the request's byte budget; no waiting. */
  List<FetchPartitionResult> readFromLog(FetchParams params, List<FetchPartition> fetchPartitions) {
    List<FetchPartitionResult> out = new ArrayList<>(fetchPartitions.size());
    long budget = params.maxBytes();
    boolean minOneBatch = true;
    for (FetchPartition fp : fetchPartitions) {
      Partition partition = partitions.get(fp.tp());
      if (partition == null) {
        ApiException error = notHosted(fp.tp());
        out.add(
            new FetchPartitionResult(
                fp.tp(), ReadResult.error(error.error(), error.getMessage(), LeaderAndIsr.NONE, -1, -1), -1));
        continue;
      }
      if (params.isFromFollower() && !partition.state().replicas().contains(params.replicaId())) {
        // Only assigned replicas may read past the high watermark.
        LeaderAndIsr s = partition.state();
        out.add(
            new FetchPartitionResult(
                fp.tp(),
                ReadResult.error(
                    ErrorCode.NOT_LEADER_OR_FOLLOWER,
                    "broker " + params.replicaId() + " is not a replica of " + fp.tp(),
                    s,
                    partition.highWatermark(),
                    partition.logStartOffset()),
                -1));
        continue;
      }
      int preferred = preferredReadReplica(partition, params);
      int maxBytes = (int) Math.max(0, Math.min(fp.maxBytes(), budget));
      ReadResult read;
      if (preferred >= 0) {
        read = partition.read(fp.fetchOffset(), fp.currentLeaderEpoch(), -1, 0, false, false);
        read = new ReadResult(read.error(), read.message(), FileRecords.EMPTY, read.highWatermark(),
            read.logStartOffset(), read.leaderEndOffset(), null, read.leader(), read.leaderEpoch());
      } else {
        read =
            partition.read(
                fp.fetchOffset(),
                fp.currentLeaderEpoch(),
                fp.lastFetchedEpoch(),
                maxBytes,
                minOneBatch,
                params.isFromFollower());
      }
      if (read.bytes() > 0) {
        minOneBatch = false;
        budget -= read.bytes();
      }
      out.add(new FetchPartitionResult(fp.tp(), read, preferred));
    }
    return out;
  }

  /**
   * KIP-392: a consumer in another rack than this leader is pointed at an in-sync replica in its
   * own rack, if one is live.
   */
  private int preferredReadReplica(Partition partition, FetchParams params) {
    if (params.isFromFollower() || params.rackId().isEmpty()) {
      return -1;
    }
    LeaderAndIsr s = partition.state();
    if (!s.isLeader() || params.rackId().equals(config.rack().orElse(null))) {
      return -1;
    }
    for (int replica : s.replicas()) {
      if (replica != config.nodeId()
          && s.isr().contains(replica)
          && metadataCache.isLive(replica)
          && metadataCache.rack(replica).equals(Optional.of(params.rackId()))) {
        return replica;
      }
    }
    return -1;
  }

  // ---- background ----

  public void maybeShrinkIsr() {
    for (Partition p : partitions.values()) {
      p.maybeShrinkIsr();
    }
  }

  public void checkpointHighWatermarks() {
    Map<TopicPartition, Long> hws = new HashMap<>();
    partitions.forEach((tp, p) -> hws.put(tp, p.highWatermark()));
    try {
      hwCheckpoint.write(hws);
    } catch (IOException e) {
      log.error("writing the high-watermark checkpoint failed", e);
    }
  }

  /** Compaction never passes the high watermark: uncommitted records may still be truncated. */
  public long uncleanableOffset(TopicPartition tp) {
    Partition p = partitions.get(tp);
    return p == null ? 0 : p.highWatermark();
  }

  public void takeProducerSnapshots() {
    for (Partition p : partitions.values()) {
      try {
        p.takeProducerSnapshot();
      } catch (RuntimeException e) {
        log.error("producer-state snapshot of {} failed", p.topicPartition(), e);
      }
    }
  }

  public void shutdown() {
    checkpointHighWatermarks();
    takeProducerSnapshots();
  }
}
