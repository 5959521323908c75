package io.weir.broker.replica;

/**
 * Where a produce request's batches landed on the leader.
 *
 * @param lastOffset offset the high watermark must pass for acks=all
 * @param logAppendTime -1 with CreateTime
 * @param highWatermarkChanged whether this append moved the high watermark (an ISR of one)
 */
public record AppendResult(
    long baseOffset,
    long lastOffset,
    long logAppendTime,
    long logStartOffset,
    boolean highWatermarkChanged) {}
