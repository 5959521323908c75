package io.weir.client.consumer.internals;

import io.weir.client.common.Node;
import io.weir.client.common.PartitionInfo;
import io.weir.client.common.errors.ApiException;
import io.weir.client.common.network.BrokerStreams;
import io.weir.client.common.network.ChannelPool;
import io.weir.client.common.network.Cluster;
import io.weir.client.common.network.Metadata;
import io.weir.client.common.network.RequestStream;
import io.weir.client.common.serialization.Deserializer;
import io.weir.client.consumer.ConsumerRecord;
import io.weir.client.consumer.OffsetOutOfRangeException;
import io.weir.client.consumer.OffsetResetStrategy;
import io.weir.common.TopicPartition;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import io.weir.proto.v1.FetchServiceGrpc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches from each broker (the leader, or the preferred read replica the leader named for {@code
 * client.rack}) on one FetchStream per broker, at most two fetches at a time, and buffers the
 * answers, so the next fetch is already on the wire while the application processes the last poll.
 *
 * <p>A partition is fetched ahead of the application, up to two answers buffered or in flight,
 * each bounded by {@code max.partition.fetch.bytes}: with one answer buffered, from that answer's
 * end; with one in flight while the log holds more than the last answer carried, as a continuation
 * of it on the same stream (the broker knows where it ends). The broker then reads and sends the
 * next chunk while the client still takes in the last, instead of after it (Kafka's consumer waits
 * until its buffer is drained). A seek, pause or reassignment discards both, as the position no
 * longer matches their fetch offsets.
 *
 * <p>Threads: the application thread calls everything; gRPC callbacks only add to {@link
 * #completed}, remove from {@link #inFlight} and signal {@link #signal}.
 */
public final class Fetcher<K, V> {
  private static final Logger log = LoggerFactory.getLogger(Fetcher.class);

  public record Settings(
      int minBytes, int maxWaitMs, int maxBytes, int partitionMaxBytes, String rack, int requestTimeoutMs,
      long retryBackoffMs, long metadataMaxAgeMs, boolean checkCrcs) {}

  private final Metadata metadata;
  private final SubscriptionState subscriptions;
  private final Deserializer<K> keyDeserializer;
  private final Deserializer<V> valueDeserializer;
  private final Settings settings;
  /** Fetches on the wire to one broker: the one being answered and the next. */
  private static final int MAX_IN_FLIGHT_PER_BROKER = 2;
  /** Answers per partition buffered or in flight. */
  private static final int MAX_AHEAD_PER_PARTITION = 2;

  /** In a fetch's partitions: continue from where the stream's previous answer ended. */
  private static final long CONTINUE = -1;

  /** A fetch on the wire; equal only to itself, as two may carry the same partitions. */
  private static final class InFlight {
    final int node;
    final RequestStream<FetchRequest, FetchResponse> stream;
    final Set<TopicPartition> partitions;

    InFlight(int node, RequestStream<FetchRequest, FetchResponse> stream, Set<TopicPartition> partitions) {
      this.node = node;
      this.stream = stream;
      this.partitions = partitions;
    }
  }

  private final ConcurrentLinkedQueue<CompletedFetch> completed = new ConcurrentLinkedQueue<>(); // gRPC -> app thread
  private final Set<InFlight> inFlight = ConcurrentHashMap.newKeySet(); // app adds, gRPC removes
  /**
   * Partitions whose last answer was taken and left more to read: only these are continued, so a
   * partition at the log end keeps one fetch waiting, and after a seek the chain of continued
   * fetches stops at the first answer the new position discards. Application thread.
   */
  private final Set<TopicPartition> continuable = new HashSet<>();
  private final Map<Integer, Long> nodeBackoffUntil = new ConcurrentHashMap<>(); // gRPC writes, app reads
  private final Set<TopicPartition> replicaFailures = ConcurrentHashMap.newKeySet(); // gRPC adds, app drains
  private final Object signal = new Object(); // notified when a fetch completes or on wakeup
  private final BrokerStreams<FetchRequest, FetchResponse> streams; // application thread
  private CompletedFetch nextInLine; // application thread
  private RuntimeException pendingError; // application thread: raised on the next collect

  public Fetcher(Metadata metadata, ChannelPool channels, SubscriptionState subscriptions,
      Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer, Settings settings) {
    this.metadata = metadata;
    this.streams = new BrokerStreams<>(channels, FetchServiceGrpc.getFetchStreamMethod());
    this.subscriptions = subscriptions;
    this.keyDeserializer = keyDeserializer;
    this.valueDeserializer = valueDeserializer;
    this.settings = settings;
  }

  /**
   * Sends a fetch to every broker that has partitions to fetch ahead and fewer than two fetches
   * outstanding.
   */
  public void sendFetches() {
    long now = System.currentTimeMillis();
    streams.expireLate(now);
    Cluster cluster = metadata.cluster();
    // Fetches on the wire first, then answers: an answer is queued before its fetch leaves
    // inFlight, so one arriving in between is counted twice, never missed.
    Map<Integer, Integer> brokerLoad = new HashMap<>();
    Map<TopicPartition, List<InFlight>> ahead = new HashMap<>();
    for (InFlight f : inFlight) {
      brokerLoad.merge(f.node, 1, Integer::sum);
      f.partitions.forEach(tp -> ahead.computeIfAbsent(tp, k -> new ArrayList<>()).add(f));
    }
    Map<TopicPartition, Long> buffered = bufferedEnds();
    Map<Node, Map<TopicPartition, Long>> byNode = new LinkedHashMap<>();
    for (TopicPartition tp : subscriptions.fetchablePartitions()) {
      List<InFlight> fetching = ahead.getOrDefault(tp, List.of());
      Long bufferedEnd = buffered.get(tp);
      if ((bufferedEnd != null && bufferedEnd < 0)
          || (bufferedEnd != null ? 1 : 0) + fetching.size() >= MAX_AHEAD_PER_PARTITION) {
        continue;
      }
      Node node = null;
      int replica = subscriptions.preferredReadReplica(tp, now);
      if (replica >= 0) {
        node = cluster.node(replica).orElse(null);
      }
      if (node == null) {
        node = cluster.leaderFor(tp).orElse(null);
      }
      if (node == null) {
        metadata.requestUpdate();
        continue;
      }
      if (brokerLoad.getOrDefault(node.id(), 0) >= MAX_IN_FLIGHT_PER_BROKER
          || nodeBackoffUntil.getOrDefault(node.id(), 0L) > now) {
        continue;
      }
      long offset;
      if (fetching.isEmpty()) {
        offset = bufferedEnd != null ? bufferedEnd : subscriptions.position(tp);
      } else if (continuable.contains(tp) && fetching.get(0).stream == streams.to(node)) {
        offset = CONTINUE;
      } else {
        continue; // wait for the outcome of its fetch
      }
      byNode.computeIfAbsent(node, n -> new LinkedHashMap<>()).put(tp, offset);
    }
    byNode.forEach((node, partitions) -> send(node, partitions, cluster));
  }

  /**
   * Per partition with buffered answers: where a prefetch would start (the end of its one buffered
   * answer), or -1 when it must not be fetched now (two answers buffered, or one without records).
   */
  private Map<TopicPartition, Long> bufferedEnds() {
    Map<TopicPartition, Long> out = new HashMap<>();
    if (nextInLine != null && !nextInLine.isConsumed()) {
      out.put(nextInLine.tp, nextInLine.endOffset);
    }
    for (CompletedFetch cf : completed) {
      out.merge(cf.tp, cf.endOffset, (a, b) -> -1L);
    }
    return out;
  }

  /** Answers buffered for the partition and not yet handed out; for tests. */
  int bufferedFetches(TopicPartition tp) {
    int n = nextInLine != null && !nextInLine.isConsumed() && nextInLine.tp.equals(tp) ? 1 : 0;
    for (CompletedFetch cf : completed) {
      n += cf.tp.equals(tp) ? 1 : 0;
    }
    return n;
  }

  /** Fetches of the partition on the wire; for tests. */
  int fetchesInFlight(TopicPartition tp) {
    return (int) inFlight.stream().filter(f -> f.partitions.contains(tp)).count();
  }

  private void send(Node node, Map<TopicPartition, Long> partitions, Cluster cluster) {
    long now = System.currentTimeMillis();
    RequestStream<FetchRequest, FetchResponse> stream = streams.to(node);
    Map<String, FetchRequest.TopicData.Builder> topics = new LinkedHashMap<>();
    Set<TopicPartition> viaReplica = new HashSet<>();
    partitions.forEach((tp, offset) -> {
      PartitionInfo info = cluster.partition(tp).orElse(null);
      if (subscriptions.preferredReadReplica(tp, now) == node.id()) {
        viaReplica.add(tp);
      }
      topics.computeIfAbsent(tp.topic(), t -> FetchRequest.TopicData.newBuilder().setName(t))
          .addPartitions(FetchRequest.PartitionData.newBuilder()
              .setPartition(tp.partition())
              .setFetchOffset(Math.max(offset, 0))
              .setContinuePrevious(offset == CONTINUE)
              .setCurrentLeaderEpoch(info == null ? -1 : info.leaderEpoch())
              .setLastFetchedEpoch(-1)
              .setLogStartOffset(-1)
              .setPartitionMaxBytes(settings.partitionMaxBytes()));
    });
    FetchRequest.Builder request = FetchRequest.newBuilder()
        .setReplicaId(-1)
        .setReplicaEpoch(-1)
        .setMaxWaitMs(settings.maxWaitMs())
        .setMinBytes(settings.minBytes())
        .setMaxBytes(settings.maxBytes())
        .setRackId(settings.rack());
    topics.values().forEach(request::addTopics);
    InFlight fetch = new InFlight(node.id(), stream, partitions.keySet());
    inFlight.add(fetch);
    stream.send(
        request.build(),
        now + settings.requestTimeoutMs() + settings.maxWaitMs(),
        new RequestStream.Handler<>() {
          @Override
          public void onAnswer(FetchResponse r) {
            for (FetchResponse.TopicData t : r.getTopicsList()) {
              for (FetchResponse.PartitionData p : t.getPartitionsList()) {
                TopicPartition tp = new TopicPartition(t.getName(), p.getPartition());
                if (partitions.containsKey(tp)) {
                  completed.add(new CompletedFetch(tp, p.getFetchOffset(), node.id(), viaReplica.contains(tp), p));
                }
              }
            }
            done();
          }

          @Override
          public void onFailure(Throwable t) {
            log.debug("fetch from broker {} failed: {}", node.id(), t.toString());
            for (TopicPartition tp : viaReplica) {
              replicaFailures.add(tp);
            }
            nodeBackoffUntil.put(node.id(), System.currentTimeMillis() + settings.retryBackoffMs());
            metadata.requestUpdate();
            done();
          }

          private void done() {
            inFlight.remove(fetch);
            synchronized (signal) {
              signal.notifyAll();
            }
          }
        });
  }

  /** Cancels every fetch stream; their pending fetches fail. */
  public void close() {
    streams.close();
  }

  /** True when records or errors wait to be collected. */
  public boolean hasCompletedFetches() {
    return (nextInLine != null && !nextInLine.isConsumed()) || !completed.isEmpty() || pendingError != null;
  }

  /** Waits until a fetch completes, {@link #wakeup()} is called, or the timeout passes. */
  public void awaitCompletion(long timeoutMs, java.util.function.BooleanSupplier stop) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    synchronized (signal) {
      while (completed.isEmpty() && !stop.getAsBoolean()) {
        long wait = deadline - System.currentTimeMillis();
        if (wait <= 0) {
          return;
        }
        signal.wait(wait);
      }
    }
  }

  public void wakeup() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  /** Up to {@code maxRecords} buffered records, in order per partition; advances positions. */
  public Map<TopicPartition, List<ConsumerRecord<K, V>>> collectFetch(int maxRecords) {
    for (TopicPartition tp : replicaFailures) {
      replicaFailures.remove(tp);
      subscriptions.clearPreferredReadReplica(tp);
    }
    if (pendingError != null) {
      RuntimeException e = pendingError;
      pendingError = null;
      throw e;
    }
    Map<TopicPartition, List<ConsumerRecord<K, V>>> out = new LinkedHashMap<>();
    int remaining = maxRecords;
    try {
      while (remaining > 0) {
        if (nextInLine == null || nextInLine.isConsumed()) {
          CompletedFetch cf = completed.poll();
          if (cf == null) {
            break;
          }
          continuable.remove(cf.tp);
          nextInLine = initialize(cf);
          if (nextInLine != null && cf.data.getHighWatermark() > cf.endOffset) {
            continuable.add(cf.tp);
          }
          continue;
        }
        if (!subscriptions.isFetchable(nextInLine.tp)
            || subscriptions.position(nextInLine.tp) != nextInLine.nextFetchOffset()) {
          nextInLine.drain(); // paused, reassigned or seeked since the fetch
          continuable.remove(nextInLine.tp);
          continue;
        }
        List<ConsumerRecord<K, V>> records =
            nextInLine.fetchRecords(subscriptions, keyDeserializer, valueDeserializer, settings.checkCrcs(), remaining);
        if (!records.isEmpty()) {
          out.computeIfAbsent(nextInLine.tp, k -> new ArrayList<>()).addAll(records);
          remaining -= records.size();
        }
      }
    } catch (RuntimeException e) {
      if (out.isEmpty()) {
        throw e;
      }
      pendingError = e; // hand out what was decoded first; positions already moved past it
    }
    return out;
  }

  /** Handles the partition's error code; returns the fetch when it has records to hand out. */
  private CompletedFetch initialize(CompletedFetch cf) {
    TopicPartition tp = cf.tp;
    if (!subscriptions.isFetchable(tp) || subscriptions.position(tp) != cf.fetchOffset) {
      return null;
    }
    FetchResponse.PartitionData p = cf.data;
    ErrorCode code = p.getErrorCode();
    if (code == ErrorCode.NONE) {
      if (p.getPreferredReadReplica() >= 0 && p.getPreferredReadReplica() != cf.sourceNode) {
        subscriptions.updatePreferredReadReplica(tp, p.getPreferredReadReplica(), System.currentTimeMillis() + settings.metadataMaxAgeMs());
      }
      return p.getRecords().isEmpty() ? null : cf;
    }
    if (code == ErrorCode.OFFSET_OUT_OF_RANGE) {
      if (cf.fromPreferredReplica) {
        // The replica may lag the leader; ask the leader before resetting.
        subscriptions.clearPreferredReadReplica(tp);
        return null;
      }
      OffsetResetStrategy strategy = subscriptions.defaultResetStrategy();
      if (strategy == OffsetResetStrategy.NONE) {
        throw new OffsetOutOfRangeException(Map.of(tp, cf.fetchOffset));
      }
      log.info("Fetch position {} is out of range for partition {}, resetting offset ({})", cf.fetchOffset, tp, strategy);
      subscriptions.requestReset(tp, strategy);
      return null;
    }
    if (ApiException.invalidatesMetadata(code) || ApiException.isRetriable(code)) {
      log.debug("fetch for {} answered {}: {}", tp, code, p.getErrorMessage());
      subscriptions.clearPreferredReadReplica(tp);
      metadata.requestUpdate();
      return null;
    }
    throw new ApiException(code, "fetch for partition " + tp + " at offset " + cf.fetchOffset + ": " + p.getErrorMessage());
  }
}
