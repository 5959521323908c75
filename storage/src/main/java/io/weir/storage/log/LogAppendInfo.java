package io.weir.storage.log;

/**
 * What one append wrote.
 *
 * @param firstOffset base offset of the first batch
 * @param lastOffset last offset of the last batch
 * @param maxTimestamp largest batch max timestamp, or -1 if no batch carries one
 * @param recordCount records in all batches
 * @param batchCount batches appended
 * @param sizeInBytes bytes written to the log file
 */
public record LogAppendInfo(
    long firstOffset,
    long lastOffset,
    long maxTimestamp,
    int recordCount,
    int batchCount,
    int sizeInBytes) {}
