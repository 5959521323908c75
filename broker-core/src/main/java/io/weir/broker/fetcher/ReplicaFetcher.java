package io.weir.broker.fetcher;

import io.weir.broker.replica.Partition;
import io.weir.common.TopicPartition;
import io.weir.common.record.MemoryRecords;
import io.weir.metadata.image.Endpoint;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import io.weir.storage.log.LeaderEpochFileCache.EpochEndOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the partitions this broker follows from one leader: one thread sending long-poll fetches
 * with this broker's replica id, each partition's log end offset and the epoch of its last batch.
 * The leader answers a divergence with the epoch and offset where the logs part; the follower
 * truncates there and fetches on. The thread is never interrupted (an interrupt would close the
 * log's file channels); it stops at its next turn after {@link #shutdown}.
 */
public final class ReplicaFetcher {
  private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);

  /**
   * {@code replica.fetch.wait.max.ms}, {@code replica.fetch.min.bytes}, {@code
   * replica.fetch.response.max.bytes}, {@code replica.fetch.max.bytes}, {@code
   * replica.fetch.backoff.ms}, and the deadline of one fetch.
   */
  public record Settings(
      int maxWaitMs,
      int minBytes,
      int maxBytes,
      int partitionMaxBytes,
      long backoffMs,
      long requestTimeoutMs) {}

  private record FetchState(int leaderEpoch, long delayedUntilMs) {}

  private final int localBrokerId;
  private final int leaderId;
  private final Endpoint endpoint;
  private final LeaderEndpoint leader;
  private final Settings settings;
  private final Function<TopicPartition, Partition> partitions;
  private final Consumer<TopicPartition> onHighWatermarkChanged;
  private final Map<TopicPartition, FetchState> states = new ConcurrentHashMap<>();
  private final Map<TopicPartition, ErrorCode> lastErrors = new HashMap<>(); // fetcher thread
  private final Set<TopicPartition> stuckDivergences = new HashSet<>(); // fetcher thread
  private final Object wakeup = new Object();
  private final Thread thread;
  private volatile boolean running = true;

  ReplicaFetcher(
      int localBrokerId,
      int leaderId,
      Endpoint endpoint,
      LeaderEndpoint leader,
      Settings settings,
      Function<TopicPartition, Partition> partitions,
      Consumer<TopicPartition> onHighWatermarkChanged) {
    this.localBrokerId = localBrokerId;
    this.leaderId = leaderId;
    this.endpoint = endpoint;
    this.leader = leader;
    this.settings = settings;
    this.partitions = partitions;
    this.onHighWatermarkChanged = onHighWatermarkChanged;
    this.thread = new Thread(this::run, "replica-fetcher-" + localBrokerId + "-from-" + leaderId);
    thread.setDaemon(true);
  }

  Endpoint endpoint() {
    return endpoint;
  }

  void start() {
    thread.start();
  }

  void addPartition(TopicPartition tp, int leaderEpoch) {
    states.compute(
        tp, (k, old) -> old != null && old.leaderEpoch() == leaderEpoch ? old : new FetchState(leaderEpoch, 0));
    synchronized (wakeup) {
      wakeup.notifyAll();
    }
  }

  void removePartition(TopicPartition tp) {
    states.remove(tp);
  }

  boolean isIdle() {
    return states.isEmpty();
  }

  void shutdown() {
    running = false;
    synchronized (wakeup) {
      wakeup.notifyAll();
    }
  }

  /** Waits up to {@code ms} for the thread to finish its last round after {@link #shutdown}. */
  void awaitShutdown(long ms) throws InterruptedException {
    thread.join(ms);
  }

  private void run() {
    try {
      while (running) {
        try {
          doWork();
        } catch (RuntimeException e) {
          log.error("replica fetcher from broker {} failed a round", leaderId, e);
          pause(settings.backoffMs());
        }
      }
    } finally {
      leader.close();
    }
  }

  private void pause(long ms) {
    synchronized (wakeup) {
      if (running) {
        try {
          wakeup.wait(Math.max(1, ms));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          running = false;
        }
      }
    }
  }

  private void doWork() {
    long now = System.currentTimeMillis();
    Map<TopicPartition, FetchState> ready = new LinkedHashMap<>();
    Map<TopicPartition, Long> fetchOffsets = new HashMap<>();
    FetchRequest.Builder request =
        FetchRequest.newBuilder()
            .setReplicaId(localBrokerId)
            .setMaxWaitMs(settings.maxWaitMs())
            .setMinBytes(settings.minBytes())
            .setMaxBytes(settings.maxBytes())
            .setReplicaEpoch(-1);
    Map<String, FetchRequest.TopicData.Builder> topics = new LinkedHashMap<>();
    for (Map.Entry<TopicPartition, FetchState> e : states.entrySet()) {
      Partition partition = partitions.apply(e.getKey());
      if (partition == null || e.getValue().delayedUntilMs() > now) {
        continue;
      }
      TopicPartition tp = e.getKey();
      long fetchOffset = partition.logEndOffset();
      ready.put(tp, e.getValue());
      fetchOffsets.put(tp, fetchOffset);
      topics
          .computeIfAbsent(tp.topic(), t -> FetchRequest.TopicData.newBuilder().setName(t))
          .addPartitions(
              FetchRequest.PartitionData.newBuilder()
                  .setPartition(tp.partition())
                  .setFetchOffset(fetchOffset)
                  .setCurrentLeaderEpoch(e.getValue().leaderEpoch())
                  .setLastFetchedEpoch(partition.log().leaderEpochCache().latestEpoch())
                  .setPartitionMaxBytes(settings.partitionMaxBytes())
                  .setLogStartOffset(partition.logStartOffset()));
    }
    if (ready.isEmpty()) {
      pause(settings.backoffMs());
      return;
    }
    topics.values().forEach(request::addTopics);
    FetchResponse response;
    try {
      response =
          leader.fetch(request.build()).get(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.debug("fetch from broker {} failed: {}", leaderId, e.toString());
      pause(settings.backoffMs());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return;
    }
    for (FetchResponse.TopicData topic : response.getTopicsList()) {
      for (FetchResponse.PartitionData pd : topic.getPartitionsList()) {
        TopicPartition tp = new TopicPartition(topic.getName(), pd.getPartition());
        FetchState sent = ready.get(tp);
        if (sent == null || !sent.equals(states.get(tp))) {
          continue; // removed or moved to another epoch while the fetch was out
        }
        Partition partition = partitions.apply(tp);
        if (partition != null) {
          processPartition(tp, partition, pd, fetchOffsets.get(tp), sent);
        }
      }
    }
  }

  private void processPartition(
      TopicPartition tp, Partition partition, FetchResponse.PartitionData pd, long fetchOffset, FetchState sent) {
    logErrorChange(tp, pd);
    try {
      switch (pd.getErrorCode()) {
        case NONE -> {
          if (pd.hasDivergingEpoch()) {
            EpochEndOffset diverging =
                new EpochEndOffset(pd.getDivergingEpoch().getEpoch(), pd.getDivergingEpoch().getEndOffset());
            int lastEpoch = partition.log().leaderEpochCache().latestEpoch();
            partition.truncateOnDivergence(diverging, sent.leaderEpoch());
            // Without progress the next fetch diverges the same way and the follower never catches
            // up: worth one line, as the loop itself is silent.
            if (partition.logEndOffset() == fetchOffset
                && partition.log().leaderEpochCache().latestEpoch() == lastEpoch
                && stuckDivergences.add(tp)) {
              log.info("{}: broker {} reports a divergence at {} but truncating there changes nothing "
                  + "(log end {}, last epoch {})", tp, leaderId, diverging, fetchOffset, lastEpoch);
            }
          } else {
            stuckDivergences.remove(tp);
            if (partition.appendRecordsAsFollower(
                MemoryRecords.readableRecords(pd.getRecords().asReadOnlyByteBuffer()),
                pd.getHighWatermark(),
                pd.getLogStartOffset(),
                sent.leaderEpoch())) {
              onHighWatermarkChanged.accept(tp);
            }
          }
        }
        case OFFSET_OUT_OF_RANGE -> {
          if (fetchOffset < pd.getLogStartOffset()) {
            partition.truncateFullyAndStartAt(pd.getLogStartOffset());
          } else {
            // Our log runs past the leader's: what lies above its high watermark was never committed.
            partition.truncateTo(Math.max(pd.getHighWatermark(), partition.logStartOffset()));
          }
        }
        default -> {
          delay(tp, sent); // logErrorChange told of the error
        }
      }
    } catch (RuntimeException e) {
      log.error("replicating {} from broker {} failed", tp, leaderId, e);
      delay(tp, sent);
    }
  }

  /** A follower that cannot fetch never rejoins the ISR: say so once, and again when it recovers. */
  private void logErrorChange(TopicPartition tp, FetchResponse.PartitionData pd) {
    ErrorCode previous = lastErrors.getOrDefault(tp, ErrorCode.NONE);
    if (pd.getErrorCode() == previous) {
      return;
    }
    if (pd.getErrorCode() == ErrorCode.NONE) {
      lastErrors.remove(tp);
      log.info("fetching {} from broker {} works again after {}", tp, leaderId, previous);
    } else {
      lastErrors.put(tp, pd.getErrorCode());
      log.info("fetch of {} from broker {} failed: {} {}", tp, leaderId, pd.getErrorCode(), pd.getErrorMessage());
    }
  }

  private void delay(TopicPartition tp, FetchState sent) {
    states.replace(tp, sent, new FetchState(sent.leaderEpoch(), System.currentTimeMillis() + settings.backoffMs()));
  }
}
