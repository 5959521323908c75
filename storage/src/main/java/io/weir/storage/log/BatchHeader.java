package io.weir.storage.log;

import io.weir.common.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The header fields of one batch in a log file, read without its records: enough to walk a
 * segment batch by batch (index lookups, reads, truncation, time search).
 */
record BatchHeader(
    long position,
    long baseOffset,
    int sizeInBytes,
    int lastOffsetDelta,
    long maxTimestamp,
    int partitionLeaderEpoch) {

  long lastOffset() {
    return baseOffset + lastOffsetDelta;
  }

  long nextOffset() {
    return lastOffset() + 1;
  }

  long endPosition() {
    return position + sizeInBytes;
  }

  static ByteBuffer scratch() {
    return ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
  }

  /**
   * Reads the header of the batch at {@code position}, or null if no whole batch lies before
   * {@code limit} (end of data, or a torn or garbled length: the caller decides which).
   */
  static BatchHeader read(FileChannel channel, long position, long limit, ByteBuffer scratch)
      throws IOException {
    if (limit - position < RecordBatch.HEADER_SIZE) {
      return null;
    }
    scratch.clear();
    while (scratch.hasRemaining()) {
      if (channel.read(scratch, position + scratch.position()) < 0) {
        return null;
      }
    }
    int size = RecordBatch.sizeFromLength(scratch.getInt(RecordBatch.LENGTH_OFFSET));
    if (size < RecordBatch.HEADER_SIZE || size > limit - position) {
      return null;
    }
    return new BatchHeader(
        position,
        scratch.getLong(RecordBatch.BASE_OFFSET_OFFSET),
        size,
        scratch.getInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET),
        scratch.getLong(RecordBatch.MAX_TIMESTAMP_OFFSET),
        scratch.getInt(RecordBatch.PARTITION_LEADER_EPOCH_OFFSET));
  }
}
