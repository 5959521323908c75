package io.weir.client.producer.internals;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.StatusRuntimeException;
import io.weir.client.common.Node;
import io.weir.client.common.errors.ApiException;
import io.weir.client.common.errors.TimeoutException;
import io.weir.client.common.errors.WeirException;
import io.weir.client.common.network.BrokerStreams;
import io.weir.client.common.network.ChannelPool;
import io.weir.client.common.network.Cluster;
import io.weir.client.common.network.Metadata;
import io.weir.client.common.network.RequestStream;
import io.weir.common.TopicPartition;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.InitProducerIdRequest;
import io.weir.proto.v1.InitProducerIdResponse;
import io.weir.proto.v1.ProduceRequest;
import io.weir.proto.v1.ProduceResponse;
import io.weir.proto.v1.ProduceServiceGrpc;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's I/O thread (Kafka's {@code Sender}): drains ready batches into one produce request
 * per leader, sent on one ProduceStream per broker; keeps up to {@code
 * max.in.flight.requests.per.connection} requests outstanding per broker (a stream that fails, or
 * whose oldest request passes {@code request.timeout.ms}, fails them all, to be retried); retries
 * retriable failures in order until {@code delivery.timeout.ms}; and completes batches (futures,
 * callbacks) in order per partition.
 *
 * <p>Ordering: each partition's sent-but-unfinished batches sit in sequence order in {@link
 * PartitionState#unacked}. A batch that fails retriably is resent alone, oldest first, and no new
 * batch of that partition goes out until the retries are through; with idempotence a retried batch
 * keeps its producer id, epoch and sequence, so the broker drops a copy it already has.
 *
 * <p>All fields are owned by the sender thread except {@link #events} and {@link #running}; RPC
 * callbacks only enqueue events.
 */
public final class Sender implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Sender.class);

  /** Sender-thread state per partition. */
  private static final class PartitionState {
    final ArrayDeque<ProducerBatch> unacked = new ArrayDeque<>(); // sequence order
    int inFlight;
    int nextSequence;
    int lastAckedSequence = -1;

    boolean retryPending() {
      for (ProducerBatch b : unacked) {
        if (b.needsRetry) {
          return true;
        }
      }
      return false;
    }
  }

  public record Settings(
      int acks,
      boolean idempotence,
      int maxInFlightPerBroker,
      int maxRequestSize,
      int retries,
      long retryBackoffMs,
      int requestTimeoutMs,
      long deliveryTimeoutMs) {}

  private final RecordAccumulator accumulator;
  private final Metadata metadata;
  private final ChannelPool channels;
  private final Settings settings;
  private final BlockingQueue<Runnable> events = new LinkedBlockingQueue<>(); // RPC callbacks -> sender thread
  private final AtomicBoolean wakeupQueued = new AtomicBoolean();
  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
  private final Map<Integer, Integer> inFlightByNode = new HashMap<>();
  private final BrokerStreams<ProduceRequest, ProduceResponse> streams;
  private volatile boolean running = true; // cleared by initiateClose
  private volatile boolean forceClose; // set by forceClose
  private long producerId = -1;
  private short producerEpoch = -1;
  private boolean producerIdResetNeeded;
  private long nextInitAttemptMs;

  public Sender(RecordAccumulator accumulator, Metadata metadata, ChannelPool channels, Settings settings) {
    this.accumulator = accumulator;
    this.metadata = metadata;
    this.channels = channels;
    this.settings = settings;
    this.streams = new BrokerStreams<>(channels, ProduceServiceGrpc.getProduceStreamMethod());
  }

  /** Wakes the sender from its wait, e.g. after an append filled a batch. */
  public void wakeup() {
    if (wakeupQueued.compareAndSet(false, true)) {
      events.offer(() -> wakeupQueued.set(false));
    }
  }

  /** Stops accepting work; the thread sends what is queued and exits. */
  public void initiateClose() {
    running = false;
    wakeup();
  }

  /** Fails whatever is still queued or in flight and exits as soon as possible. */
  public void forceClose() {
    forceClose = true;
    initiateClose();
  }

  @Override
  public void run() {
    while (running) {
      runOnceSafely();
    }
    // Graceful close: finish queued and in-flight batches.
    while (!forceClose && (accumulator.hasUndrained() || hasUnacked())) {
      runOnceSafely();
    }
    RuntimeException closed = new WeirException("Producer is closed forcefully.");
    for (ProducerBatch b : accumulator.drainAll()) {
      finish(b, -1, -1, closed);
    }
    for (PartitionState ps : partitions.values()) {
      for (ProducerBatch b : ps.unacked) {
        finish(b, -1, -1, closed);
      }
      ps.unacked.clear();
    }
  }

  private void runOnceSafely() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      log.error("uncaught error in the producer's sender thread", e);
    }
  }

  private boolean hasUnacked() {
    for (PartitionState ps : partitions.values()) {
      if (!ps.unacked.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  void runOnce() {
    long now = System.currentTimeMillis();
    streams.expireLate(now);
    metadata.maybeRefresh(now);
    if (settings.idempotence() && (producerId < 0 || producerIdResetNeeded)) {
      maybeInitProducerId(now);
    }
    for (ProducerBatch b : accumulator.expiredBatches(now)) {
      finish(b, -1, -1, new TimeoutException("Expiring " + b.recordCount() + " record(s) for " + b.tp + ": "
          + (now - b.createdMs) + " ms has passed since batch creation"));
    }
    Cluster cluster = metadata.cluster();
    RecordAccumulator.ReadyCheck ready = accumulator.ready(cluster, now);
    if (!ready.unknownLeaderTopics().isEmpty()) {
      metadata.requestUpdate();
    }
    long pollMs = Math.min(ready.nextReadyCheckDelayMs(), settings.retryBackoffMs());
    boolean canSendNew = !settings.idempotence() || (producerId >= 0 && !producerIdResetNeeded);
    Map<Integer, List<ProducerBatch>> requests = new HashMap<>();
    // Retries first, one per partition, oldest first.
    for (Map.Entry<TopicPartition, PartitionState> e : partitions.entrySet()) {
      PartitionState ps = e.getValue();
      if (ps.inFlight > 0) {
        continue;
      }
      for (ProducerBatch b : ps.unacked) {
        if (b.outcome == null && b.needsRetry) {
          if (now - b.createdMs >= settings.deliveryTimeoutMs()) {
            expire(ps, b, now, null);
          } else if (b.retryAtMs > now) {
            pollMs = Math.min(pollMs, b.retryAtMs - now);
          } else {
            Node leader = cluster.leaderFor(e.getKey()).orElse(null);
            if (leader == null) {
              metadata.requestUpdate();
            } else if (inFlight(leader.id()) < settings.maxInFlightPerBroker()) {
              requests.computeIfAbsent(leader.id(), k -> new ArrayList<>()).add(b);
            }
          }
          break;
        }
      }
    }
    if (canSendNew) {
      for (int node : ready.readyNodes()) {
        int inFlight = inFlight(node) + (requests.containsKey(node) ? 1 : 0);
        if (inFlight >= settings.maxInFlightPerBroker()) {
          continue;
        }
        List<ProducerBatch> drained =
            accumulator.drain(cluster, node, settings.maxRequestSize(), this::mayDrainNew);
        for (ProducerBatch b : drained) {
          PartitionState ps = state(b.tp);
          if (settings.idempotence()) {
            b.close(producerId, producerEpoch, ps.nextSequence);
            ps.nextSequence += b.recordCount();
          } else {
            b.close(-1, (short) -1, -1);
          }
          ps.unacked.addLast(b);
        }
        if (!drained.isEmpty()) {
          // A retry and new batches to one broker travel in separate requests: a request's
          // partitions are answered together, and a retry must not wait behind a new batch.
          if (requests.containsKey(node)) {
            send(node, requests.remove(node), cluster);
          }
          requests.put(node, drained);
        }
      }
    }
    requests.forEach((node, batches) -> send(node, batches, cluster));
    awaitEvents(Math.max(0, pollMs));
  }

  /** How many new batches of the partition may go out now. */
  private int mayDrainNew(TopicPartition tp) {
    PartitionState ps = partitions.get(tp);
    if (ps == null) {
      return settings.idempotence() ? 1 : settings.maxInFlightPerBroker();
    }
    if (ps.retryPending()) {
      return 0;
    }
    if (!settings.idempotence()) {
      return settings.maxInFlightPerBroker();
    }
    // Requests are appended in order only within one stream (as within one Kafka connection), a
    // broken stream's requests go again on the next, and a broker takes any first sequence from a
    // producer it does not know: until the first batch under this producer id is acknowledged, it
    // travels alone, or a later batch could be taken as the start.
    // After that, at most max.in.flight batches are unacknowledged: the broker remembers as many
    // per producer to recognise a resent one.
    int limit = ps.lastAckedSequence < 0 ? 1 : settings.maxInFlightPerBroker();
    return limit - ps.inFlight;
  }

  private PartitionState state(TopicPartition tp) {
    return partitions.computeIfAbsent(tp, k -> new PartitionState());
  }

  private int inFlight(int node) {
    return inFlightByNode.getOrDefault(node, 0);
  }

  private void awaitEvents(long timeoutMs) {
    try {
      Runnable first = events.poll(timeoutMs, TimeUnit.MILLISECONDS);
      if (first != null) {
        first.run();
        Runnable next;
        while ((next = events.poll()) != null) {
          next.run();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      forceClose = true;
    }
  }

  private void maybeInitProducerId(long now) {
    if (now < nextInitAttemptMs) {
      return;
    }
    // A new id restarts every sequence, so wait until nothing sent under the old one is in flight.
    for (PartitionState ps : partitions.values()) {
      if (ps.inFlight > 0) {
        return;
      }
    }
    List<Node> nodes = new ArrayList<>(metadata.cluster().nodes().values());
    if (nodes.isEmpty()) {
      metadata.requestUpdate();
      nextInitAttemptMs = now + settings.retryBackoffMs();
      return;
    }
    Collections.shuffle(nodes);
    Node node = nodes.get(0);
    try {
      InitProducerIdResponse r =
          ProduceServiceGrpc.newBlockingStub(channels.channel(node.host(), node.port()))
              .withDeadlineAfter(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS)
              .initProducerId(InitProducerIdRequest.newBuilder().setTransactionTimeoutMs(60_000).build());
      if (r.getErrorCode() != ErrorCode.NONE) {
        log.debug("InitProducerId from broker {} failed: {} {}", node.id(), r.getErrorCode(), r.getErrorMessage());
        nextInitAttemptMs = now + settings.retryBackoffMs();
        return;
      }
      producerId = r.getProducerId();
      producerEpoch = (short) r.getProducerEpoch();
      producerIdResetNeeded = false;
      for (PartitionState ps : partitions.values()) {
        ps.nextSequence = 0;
        ps.lastAckedSequence = -1;
      }
      log.debug("producer id {} epoch {}", producerId, producerEpoch);
    } catch (StatusRuntimeException e) {
      log.debug("InitProducerId from broker {} failed: {}", node.id(), e.getStatus());
      metadata.requestUpdate();
      nextInitAttemptMs = now + settings.retryBackoffMs();
    }
  }

  private void send(int nodeId, List<ProducerBatch> batches, Cluster cluster) {
    Node node = cluster.node(nodeId).orElse(null);
    Map<TopicPartition, ByteString> records = new LinkedHashMap<>();
    for (ProducerBatch b : batches) {
      b.inFlight = true;
      b.needsRetry = false;
      b.attempts++;
      PartitionState ps = state(b.tp);
      b.sentBehindUnacked = b.baseSequence != ps.lastAckedSequence + 1;
      ps.inFlight++;
      // The batches' buffers go out as they are: wrapped and chained, not copied into the message.
      records.merge(b.tp, UnsafeByteOperations.unsafeWrap(b.records().buffer()), ByteString::concat);
    }
    Map<String, ProduceRequest.TopicData.Builder> topics = new LinkedHashMap<>();
    records.forEach((tp, bytes) ->
        topics.computeIfAbsent(tp.topic(), t -> ProduceRequest.TopicData.newBuilder().setName(t))
            .addPartitions(ProduceRequest.PartitionData.newBuilder().setPartition(tp.partition()).setRecords(bytes)));
    inFlightByNode.merge(nodeId, 1, Integer::sum);
    ProduceRequest.Builder request =
        ProduceRequest.newBuilder().setAcks(settings.acks()).setTimeoutMs(settings.requestTimeoutMs());
    topics.values().forEach(request::addTopics);
    if (node == null) {
      events.offer(() -> onFailure(nodeId, batches, new WeirException("broker " + nodeId + " is not in the metadata")));
      return;
    }
    try {
      streams.to(node).send(
          request.build(),
          System.currentTimeMillis() + settings.requestTimeoutMs(),
          new RequestStream.Handler<>() {
            @Override
            public void onAnswer(ProduceResponse response) {
              events.offer(() -> onResponse(nodeId, batches, response));
            }

            @Override
            public void onFailure(Throwable cause) {
              events.offer(() -> Sender.this.onFailure(nodeId, batches, cause));
            }
          });
    } catch (RuntimeException e) {
      events.offer(() -> onFailure(nodeId, batches, e));
    }
  }

  private void onFailure(int nodeId, List<ProducerBatch> batches, Throwable error) {
    inFlightByNode.merge(nodeId, -1, Integer::sum);
    log.debug("produce request to broker {} failed: {}", nodeId, error.toString());
    metadata.requestUpdate();
    for (ProducerBatch b : batches) {
      handle(b, ErrorCode.NETWORK_EXCEPTION, error.toString(), -1, -1);
    }
  }

  private void onResponse(int nodeId, List<ProducerBatch> batches, ProduceResponse response) {
    inFlightByNode.merge(nodeId, -1, Integer::sum);
    Map<TopicPartition, ProduceResponse.PartitionResponse> byTp = new HashMap<>();
    if (response != null) {
      for (ProduceResponse.TopicResponse t : response.getTopicsList()) {
        for (ProduceResponse.PartitionResponse p : t.getPartitionsList()) {
          byTp.put(new TopicPartition(t.getName(), p.getPartition()), p);
        }
      }
    }
    // A partition's batches were appended together, in request order, at consecutive offsets.
    Map<TopicPartition, Long> nextOffset = new HashMap<>();
    for (ProducerBatch b : batches) {
      ProduceResponse.PartitionResponse p = byTp.get(b.tp);
      if (p == null) {
        handle(b, ErrorCode.UNKNOWN_SERVER_ERROR, "the response did not mention " + b.tp, -1, -1);
      } else {
        long base = nextOffset.getOrDefault(b.tp, p.getBaseOffset());
        nextOffset.put(b.tp, base < 0 ? base : base + b.recordCount());
        handle(b, p.getErrorCode(), p.getErrorMessage(), base, p.getLogAppendTimeMs());
      }
    }
  }

  private void handle(ProducerBatch b, ErrorCode code, String message, long baseOffset, long logAppendTime) {
    PartitionState ps = state(b.tp);
    ps.inFlight--;
    b.inFlight = false;
    if (b.outcome != null) {
      completeInOrder(ps); // failed earlier because a batch before it failed
      return;
    }
    long now = System.currentTimeMillis();
    if (code == ErrorCode.NONE || code == ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
      b.outcome = new ProducerBatch.Outcome(baseOffset, logAppendTime, null);
      if (b.producerId == producerId) {
        ps.lastAckedSequence = Math.max(ps.lastAckedSequence, b.lastSequence());
      }
    } else if (isRetriable(b, ps, code)) {
      if (ApiException.invalidatesMetadata(code)) {
        metadata.requestUpdate();
      }
      if (now - b.createdMs >= settings.deliveryTimeoutMs()) {
        expire(ps, b, now, new ApiException(code, message));
        return;
      } else if (b.attempts > settings.retries()) {
        b.outcome = new ProducerBatch.Outcome(-1, -1, new ApiException(code, message));
        failLater(ps, b);
      } else {
        log.debug("retrying {} after {} {}", b, code, message);
        b.needsRetry = true;
        b.retryAtMs = now + settings.retryBackoffMs();
      }
    } else {
      b.outcome = new ProducerBatch.Outcome(-1, -1, new ApiException(code, message));
      failLater(ps, b);
    }
    completeInOrder(ps);
  }

  private void expire(PartitionState ps, ProducerBatch b, long now, ApiException lastError) {
    b.outcome = new ProducerBatch.Outcome(-1, -1, new TimeoutException("Expiring " + b.recordCount() + " record(s) for "
        + b.tp + ": " + (now - b.createdMs) + " ms has passed since batch creation", lastError));
    failLater(ps, b);
    completeInOrder(ps);
  }

  /**
   * With idempotence, OUT_OF_ORDER_SEQUENCE_NUMBER is retriable when an earlier batch of the
   * partition was unacknowledged as this one went out (the broker may have taken them in the other
   * order) or still is; otherwise the broker lost our sequence and the batch fails.
   */
  private boolean isRetriable(ProducerBatch b, PartitionState ps, ErrorCode code) {
    if (code == ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && settings.idempotence()) {
      return b.producerId == producerId && (b.sentBehindUnacked || b.baseSequence != ps.lastAckedSequence + 1);
    }
    return ApiException.isRetriable(code);
  }

  /**
   * After a batch fails for good, later batches of the partition cannot keep their order (and
   * with idempotence their sequences now have a gap): they fail too, and the producer takes a new
   * id so that sequences restart.
   */
  private void failLater(PartitionState ps, ProducerBatch failed) {
    boolean after = false;
    for (ProducerBatch b : ps.unacked) {
      if (b == failed) {
        after = true;
      } else if (after && b.outcome == null) {
        b.outcome = new ProducerBatch.Outcome(-1, -1, new WeirException(
            "an earlier batch to " + b.tp + " failed, so this one cannot be delivered in order", failed.outcome.error()));
      }
    }
    if (settings.idempotence()) {
      producerIdResetNeeded = true;
    }
  }

  private void completeInOrder(PartitionState ps) {
    while (!ps.unacked.isEmpty() && ps.unacked.peekFirst().outcome != null && !ps.unacked.peekFirst().inFlight) {
      ProducerBatch b = ps.unacked.pollFirst();
      ProducerBatch.Outcome o = b.outcome;
      finish(b, o.baseOffset(), o.logAppendTime(), o.error());
    }
  }

  private void finish(ProducerBatch b, long baseOffset, long logAppendTime, RuntimeException error) {
    try {
      b.complete(baseOffset, logAppendTime, error);
    } finally {
      // Only a batch acknowledged on its only attempt gives its buffer back for reuse: its one
      // request was answered, so no copy of it can still be waiting to be serialized (a request
      // queued on a stream that failed before connecting, say) and read the reused bytes.
      accumulator.deallocate(b, error == null && b.attempts == 1);
    }
  }
}
