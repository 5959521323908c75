package io.weir.storage.log;

/**
 * The result of {@link Log#read}: whole batches, the first of which contains or follows {@code
 * fetchOffset} (it may start before it, as a batch is never split).
 */
public record FetchDataInfo(long fetchOffset, FileRecords records) {}
