package io.weir.client.consumer.internals;

import io.weir.client.common.errors.SerializationException;
import io.weir.client.common.errors.WeirException;
import io.weir.client.common.serialization.Deserializer;
import io.weir.client.consumer.ConsumerRecord;
import io.weir.common.TopicPartition;
import io.weir.common.record.CorruptRecordException;
import io.weir.common.record.MemoryRecords;
import io.weir.common.record.Record;
import io.weir.common.record.RecordBatch;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FetchResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * One partition's answer from a fetch, decoded lazily as the application polls: the response's
 * bytes are read in place, whole batches are skipped below the fetch position (a fetch returns
 * whole batches), and decompression happens one batch at a time.
 *
 * <p>Created on a gRPC thread, then owned by the consumer's application thread.
 */
final class CompletedFetch {
  final TopicPartition tp;
  final long fetchOffset;
  final int sourceNode;
  final boolean fromPreferredReplica;
  final FetchResponse.PartitionData data;
  /** The offset after the answer's last whole batch; -1 without records (nothing to fetch after). */
  final long endOffset;
  private Iterator<RecordBatch> batches; // application thread from here on
  private RecordBatch currentBatch;
  private Iterator<Record> records;
  private long nextFetchOffset;
  private boolean consumed;

  CompletedFetch(TopicPartition tp, long fetchOffset, int sourceNode, boolean fromPreferredReplica, FetchResponse.PartitionData data) {
    this.tp = tp;
    this.fetchOffset = fetchOffset;
    this.sourceNode = sourceNode;
    this.fromPreferredReplica = fromPreferredReplica;
    this.data = data;
    this.nextFetchOffset = fetchOffset;
    this.endOffset = data.getErrorCode() == ErrorCode.NONE ? endOffset(data) : -1;
  }

  private static long endOffset(FetchResponse.PartitionData data) {
    try {
      return MemoryRecords.readableRecords(data.getRecords().asReadOnlyByteBuffer()).nextOffset();
    } catch (CorruptRecordException e) {
      return -1; // reported when the application reaches it
    }
  }

  long nextFetchOffset() {
    return nextFetchOffset;
  }

  boolean isConsumed() {
    return consumed;
  }

  void drain() {
    consumed = true;
  }

  /** Up to {@code max} records at or above the position, in offset order; advances the position. */
  <K, V> List<ConsumerRecord<K, V>> fetchRecords(
      SubscriptionState subscriptions, Deserializer<K> keys, Deserializer<V> values, boolean checkCrcs, int max) {
    List<ConsumerRecord<K, V>> out = new ArrayList<>();
    if (batches == null) {
      batches = MemoryRecords.readableRecords(data.getRecords().asReadOnlyByteBuffer()).iterator();
    }
    while (out.size() < max && !consumed) {
      if (records == null || !records.hasNext()) {
        if (currentBatch != null) {
          nextFetchOffset = Math.max(nextFetchOffset, currentBatch.nextOffset());
          currentBatch = null;
          records = null;
        }
        if (!batches.hasNext()) {
          consumed = true;
          break;
        }
        RecordBatch batch = batches.next();
        if (batch.nextOffset() <= nextFetchOffset) {
          continue;
        }
        if (checkCrcs) {
          try {
            batch.validate();
          } catch (CorruptRecordException e) {
            consumed = true;
            throw new WeirException("Record batch for partition " + tp + " at offset " + batch.baseOffset() + " is invalid: " + e.getMessage(), e);
          }
        }
        currentBatch = batch;
        records = batch.isControlBatch() ? null : batch.records().iterator();
        continue;
      }
      Record r = records.next();
      if (r.offset() < nextFetchOffset) {
        continue;
      }
      K key;
      V value;
      try {
        key = keys.deserialize(tp.topic(), r.headers(), r.key());
        value = values.deserialize(tp.topic(), r.headers(), r.value());
      } catch (RuntimeException e) {
        subscriptions.advance(tp, nextFetchOffset);
        consumed = true;
        throw new SerializationException("Error deserializing key/value for partition " + tp + " at offset " + r.offset()
            + ". If needed, please seek past the record to continue consumption.", e);
      }
      int leaderEpoch = currentBatch.partitionLeaderEpoch();
      out.add(new ConsumerRecord<>(
          tp.topic(), tp.partition(), r.offset(), r.timestamp(), currentBatch.timestampType(),
          r.hasKey() ? r.key().remaining() : ConsumerRecord.NULL_SIZE,
          r.hasValue() ? r.value().remaining() : ConsumerRecord.NULL_SIZE,
          key, value, r.headers(), leaderEpoch < 0 ? Optional.empty() : Optional.of(leaderEpoch)));
      nextFetchOffset = r.offset() + 1;
    }
    subscriptions.advance(tp, nextFetchOffset);
    return out;
  }
}
