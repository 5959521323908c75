package io.weir.broker.producer;

/** Where one idempotent batch landed: enough to answer its retry with the original offsets. */
public record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {}
