package io.weir.client.producer.internals;

import io.weir.client.producer.Callback;
import io.weir.client.producer.RecordMetadata;
import io.weir.common.TopicPartition;
import io.weir.common.record.Header;
import io.weir.common.record.MemoryRecords;
import io.weir.common.record.MemoryRecordsBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records for one partition that travel in one record batch. Appended to under the accumulator's
 * lock until drained; from then on owned by the sender thread, which closes it (producer id, epoch,
 * sequence), sends it, possibly retries it with the same bytes, and completes it exactly once.
 */
public final class ProducerBatch {
  private static final Logger log = LoggerFactory.getLogger(ProducerBatch.class);

  private record Thunk(CompletableFuture<RecordMetadata> future, Callback callback, long timestamp, int keySize, int valueSize) {}

  final TopicPartition tp;
  final long createdMs;
  final int reservedBytes;
  /** The accumulator's buffer the builder started in, or null; back to the accumulator once done. */
  final byte[] pooledBuffer;
  private final MemoryRecordsBuilder builder;
  private final List<Thunk> thunks = new ArrayList<>(); // accumulator lock, then the sender thread
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private MemoryRecords records; // set by close on the sender thread
  // Sender-thread state below.
  long producerId = -1;
  short producerEpoch = -1;
  int baseSequence = -1;
  int attempts;
  long retryAtMs;
  boolean needsRetry;
  boolean inFlight;
  /** Whether an earlier batch of the partition was unacknowledged when this one was last sent. */
  boolean sentBehindUnacked;
  /** Non-null once the outcome is known; the batch completes when it reaches the head of its partition. */
  Outcome outcome;

  record Outcome(long baseOffset, long logAppendTime, RuntimeException error) {}

  ProducerBatch(TopicPartition tp, MemoryRecordsBuilder builder, byte[] pooledBuffer, long createdMs, int reservedBytes) {
    this.tp = tp;
    this.builder = builder;
    this.pooledBuffer = pooledBuffer;
    this.createdMs = createdMs;
    this.reservedBytes = reservedBytes;
  }

  /** Appends the record if it fits; returns its future, or null when the batch has no room. */
  CompletableFuture<RecordMetadata> tryAppend(long timestamp, byte[] key, byte[] value, List<Header> headers, Callback callback) {
    if (records != null || !builder.hasRoomFor(timestamp, key, value, headers)) {
      return null;
    }
    builder.append(timestamp, key, value, headers);
    CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
    thunks.add(new Thunk(future, callback, timestamp, key == null ? -1 : key.length, value == null ? -1 : value.length));
    return future;
  }

  boolean isFull() {
    return builder.isFull();
  }

  int recordCount() {
    return thunks.size();
  }

  int estimatedSizeInBytes() {
    return records != null ? records.sizeInBytes() : builder.estimatedSizeInBytes();
  }

  /** Stamps producer state (idempotence) and builds the bytes; the bytes never change afterwards. */
  void close(long producerId, short producerEpoch, int baseSequence) {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
    builder.setProducerState(producerId, producerEpoch, baseSequence, false);
    records = builder.build();
  }

  boolean isClosed() {
    return records != null;
  }

  MemoryRecords records() {
    return records;
  }

  int lastSequence() {
    return baseSequence + thunks.size() - 1;
  }

  /** Completes after every record's future and callback. */
  public CompletableFuture<Void> doneFuture() {
    return done;
  }

  /** Completes every record's future and callback, in append order. */
  void complete(long baseOffset, long logAppendTime, RuntimeException error) {
    if (done.isDone()) {
      return;
    }
    for (int i = 0; i < thunks.size(); i++) {
      Thunk t = thunks.get(i);
      RecordMetadata metadata = null;
      if (error == null) {
        long offset = baseOffset < 0 ? -1 : baseOffset + i;
        long ts = logAppendTime >= 0 ? logAppendTime : t.timestamp();
        metadata = new RecordMetadata(tp, offset, ts, t.keySize(), t.valueSize());
        t.future().complete(metadata);
      } else {
        t.future().completeExceptionally(error);
      }
      if (t.callback() != null) {
        try {
          t.callback().onCompletion(metadata, error);
        } catch (RuntimeException e) {
          log.error("a producer callback for {} threw", tp, e);
        }
      }
    }
    done.complete(null);
  }

  @Override
  public String toString() {
    return "ProducerBatch(" + tp + ", records=" + thunks.size() + ", baseSequence=" + baseSequence + ")";
  }
}
