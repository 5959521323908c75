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
 * Sends at most one fetch at a time to each broker (the leader, or the preferred read replica the
 * leader named for {@code client.rack}), on one FetchStream per broker, and buffers the answers,
 * so the next fetch is already on the wire while the application processes the last poll.
 *
 * <p>A partition with one answer buffered is fetched again from that answer's end: the broker reads
 * and sends the next chunk while the application decodes this one, instead of after it (Kafka's
 * consumer waits until the buffer is drained). At most two answers per partition are buffered, each
 * bounded by {@code max.partition.fetch.bytes}; a seek, pause or reassignment discards both, as the
 * position no longer matches their fetch offsets.
 *
 * <p>Threads: the application thread calls everything; gRPC callbacks only add to {@link
 * #completed}, clear {@link #pendingNodes} and signal {@link #signal}.
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
  private final ConcurrentLinkedQueue<CompletedFetch> completed = new ConcurrentLinkedQueue<>(); // gRPC -> app thread
  private final Set<Integer> pendingNodes = ConcurrentHashMap.newKeySet(); // app adds, gRPC removes
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

  /** Sends a fetch to every broker that has fetchable partitions and no fetch outstanding. */
  public void sendFetches() {
    long now = System.currentTimeMillis();
    streams.expireLate(now);
    Cluster cluster = metadata.cluster();
    Map<TopicPartition, Long> buffered = bufferedEnds();
    Map<Node, Map<TopicPartition, Long>> byNode = new LinkedHashMap<>();
    for (TopicPartition tp : subscriptions.fetchablePartitions()) {
      long offset = subscriptions.position(tp);
      Long bufferedEnd = buffered.get(tp);
      if (bufferedEnd != null) {
        if (bufferedEnd < 0) {
          continue;
        }
        offset = bufferedEnd;
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
      if (pendingNodes.contains(node.id()) || nodeBackoffUntil.getOrDefault(node.id(), 0L) > now) {
        continue;
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

  private void send(Node node, Map<TopicPartition, Long> partitions, Cluster cluster) {
    long now = System.currentTimeMillis();
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
              .setFetchOffset(offset)
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
    pendingNodes.add(node.id());
    streams.to(node).send(
        request.build(),
        now + settings.requestTimeoutMs() + settings.maxWaitMs(),
        new RequestStream.Handler<>() {
          @Override
          public void onAnswer(FetchResponse r) {
            for (FetchResponse.TopicData t : r.getTopicsList()) {
              for (FetchResponse.PartitionData p : t.getPartitionsList()) {
                TopicPartition tp = new TopicPartition(t.getName(), p.getPartition());
                Long offset = partitions.get(tp);
                if (offset != null) {
                  completed.add(new CompletedFetch(tp, offset, node.id(), viaReplica.contains(tp), p));
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
            pendingNodes.remove(node.id());
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
          nextInLine = initialize(cf);
          continue;
        }
        if (!subscriptions.isFetchable(nextInLine.tp)
            || subscriptions.position(nextInLine.tp) != nextInLine.nextFetchOffset()) {
          nextInLine.drain(); // paused, reassigned or seeked since the fetch
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
