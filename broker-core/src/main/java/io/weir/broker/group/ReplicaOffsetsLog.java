package io.weir.broker.group;

import io.weir.broker.replica.Partition;
import io.weir.broker.replica.ReplicaManager;
import io.weir.common.TopicPartition;
import io.weir.common.record.CompressionType;
import io.weir.common.record.MemoryRecords;
import io.weir.common.record.MemoryRecordsBuilder;
import io.weir.common.record.Record;
import io.weir.common.record.RecordBatch;
import io.weir.common.record.TimestampType;
import io.weir.proto.v1.ErrorCode;
import io.weir.storage.log.FetchDataInfo;
import io.weir.storage.log.OffsetOutOfRangeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** {@code __consumer_offsets} through the replica manager: appends as a leader with acks=all. */
final class ReplicaOffsetsLog implements OffsetsLog {
  private static final int READ_BYTES = 1 << 20;

  private final ReplicaManager replicaManager;
  private final long commitTimeoutMs;
  private final LongSupplier clock;

  ReplicaOffsetsLog(ReplicaManager replicaManager, long commitTimeoutMs, LongSupplier clock) {
    this.replicaManager = replicaManager;
    this.commitTimeoutMs = commitTimeoutMs;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<ErrorCode> append(int partition, List<Entry> entries) {
    if (entries.isEmpty()) {
      return CompletableFuture.completedFuture(ErrorCode.NONE);
    }
    MemoryRecordsBuilder builder =
        new MemoryRecordsBuilder(CompressionType.NONE, TimestampType.CREATE_TIME, 0, Integer.MAX_VALUE);
    long now = clock.getAsLong();
    for (Entry e : entries) {
      builder.append(now, e.key(), e.value(), List.of());
    }
    TopicPartition tp = new TopicPartition(GroupConfig.OFFSETS_TOPIC, partition);
    CompletableFuture<ErrorCode> result = new CompletableFuture<>();
    replicaManager.appendRecords(-1, commitTimeoutMs, Map.of(tp, builder.build()),
        responses -> result.complete(coordinatorError(responses.get(tp).getErrorCode())));
    return result;
  }

  /** Kafka's mapping of append errors to what a group client acts on. */
  private static ErrorCode coordinatorError(ErrorCode append) {
    return switch (append) {
      case NONE -> ErrorCode.NONE;
      case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT ->
          ErrorCode.COORDINATOR_NOT_AVAILABLE;
      case NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH -> ErrorCode.NOT_COORDINATOR;
      case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE -> ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
      default -> ErrorCode.UNKNOWN_SERVER_ERROR;
    };
  }

  @Override
  public void replay(int partition, Consumer<Entry> visitor) {
    Partition p = replicaManager.hostedPartition(new TopicPartition(GroupConfig.OFFSETS_TOPIC, partition));
    long end = p.logEndOffset();
    long offset = p.logStartOffset();
    while (offset < end) {
      FetchDataInfo read;
      try {
        read = p.log().read(offset, READ_BYTES, Long.MAX_VALUE, true);
      } catch (OffsetOutOfRangeException e) {
        offset = p.logStartOffset(); // retention or compaction moved the start meanwhile
        continue;
      }
      MemoryRecords records;
      try {
        records = read.records().toMemoryRecords();
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + p.topicPartition(), e);
      }
      long before = offset;
      for (RecordBatch batch : records) {
        if (!batch.isControlBatch()) {
          for (Record r : batch.records()) {
            if (r.offset() >= offset && r.hasKey()) {
              visitor.accept(new Entry(r.keyBytes(), r.hasValue() ? r.valueBytes() : null));
            }
          }
        }
        offset = batch.nextOffset();
      }
      if (offset == before) {
        break; // nothing readable below the end: a truncation raced the load
      }
    }
  }
}
