package io.weir.broker.replica;

import io.weir.broker.ApiException;
import io.weir.common.record.MemoryRecords;
import io.weir.common.record.RecordBatch;
import io.weir.common.record.TimestampType;
import io.weir.proto.v1.ErrorCode;

/**
 * The leader's checks on produced batches before they reach the log: size, structure and CRC of
 * every batch and record, no transactions yet, and timestamps per {@code message.timestamp.type}.
 * CPU-bound, so it runs before the partition's monitor is taken.
 */
final class BatchValidator {
  private BatchValidator() {}

  /**
   * Validates in place, stamping LogAppendTime when the topic uses it.
   *
   * @return the log append time, or -1 with CreateTime
   */
  static long validate(MemoryRecords records, TopicConfig config, long nowMs) {
    if (records.sizeInBytes() == 0) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "the produce request holds no records");
    }
    boolean logAppendTime = config.timestampType() == TimestampType.LOG_APPEND_TIME;
    long bytes = 0;
    for (RecordBatch batch : records) {
      if (batch.sizeInBytes() > config.maxMessageBytes()) {
        throw new ApiException(
            ErrorCode.MESSAGE_TOO_LARGE,
            "a batch of "
                + batch.sizeInBytes()
                + " bytes is larger than max.message.bytes="
                + config.maxMessageBytes());
      }
      batch.validateRecords();
      if (batch.isTransactional() || batch.isControlBatch()) {
        throw new ApiException(
            ErrorCode.INVALID_RECORD, "transactional and control batches are not supported yet");
      }
      if (logAppendTime) {
        batch.setLogAppendTime(nowMs);
      } else {
        checkTimestamp(batch.maxTimestamp(), config, nowMs);
        checkTimestamp(batch.baseTimestamp(), config, nowMs);
      }
      bytes += batch.sizeInBytes();
    }
    if (bytes != records.sizeInBytes()) {
      throw new ApiException(
          ErrorCode.CORRUPT_MESSAGE,
          (records.sizeInBytes() - bytes) + " trailing bytes do not form a whole record batch");
    }
    return logAppendTime ? nowMs : -1;
  }

  private static void checkTimestamp(long timestamp, TopicConfig config, long nowMs) {
    if (timestamp == RecordBatch.NO_TIMESTAMP) {
      return;
    }
    if (timestamp < nowMs && nowMs - timestamp > config.timestampBeforeMaxMs()) {
      throw new ApiException(
          ErrorCode.INVALID_TIMESTAMP,
          "timestamp " + timestamp + " is more than message.timestamp.before.max.ms="
              + config.timestampBeforeMaxMs() + " before the broker's time " + nowMs);
    }
    if (timestamp > nowMs && timestamp - nowMs > config.timestampAfterMaxMs()) {
      throw new ApiException(
          ErrorCode.INVALID_TIMESTAMP,
          "timestamp " + timestamp + " is more than message.timestamp.after.max.ms="
              + config.timestampAfterMaxMs() + " after the broker's time " + nowMs);
    }
  }
}
