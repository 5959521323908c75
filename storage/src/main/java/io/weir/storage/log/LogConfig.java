package io.weir.storage.log;

import java.util.Map;

/**
 * Per-partition log settings under Kafka's topic-config names and defaults. Immutable; a config
 * change replaces the whole value ({@link Log#updateConfig}).
 *
 * @param segmentBytes {@code segment.bytes}: roll when the active segment would grow past this
 * @param segmentMs {@code segment.ms}: roll when the active segment's first batch is this old
 * @param retentionMs {@code retention.ms}: delete inactive segments whose newest timestamp is this
 *     old; -1 keeps them forever
 * @param retentionBytes {@code retention.bytes}: delete oldest inactive segments while the log
 *     stays at least this big without them; -1 means no limit
 * @param cleanupPolicy {@code cleanup.policy}: delete, compact or both
 * @param deleteRetentionMs {@code delete.retention.ms}: how long compaction keeps tombstones
 * @param flushMessages {@code flush.messages}: fsync after this many unflushed records
 * @param flushMs {@code flush.ms}: fsync when the last flush is this old
 * @param indexIntervalBytes {@code index.interval.bytes}: log bytes between sparse index entries
 * @param maxIndexSize {@code segment.index.bytes}: size an active segment's index files may reach
 */
public record LogConfig(
    int segmentBytes,
    long segmentMs,
    long retentionMs,
    long retentionBytes,
    CleanupPolicy cleanupPolicy,
    long deleteRetentionMs,
    long flushMessages,
    long flushMs,
    int indexIntervalBytes,
    int maxIndexSize) {

  public static final String SEGMENT_BYTES = "segment.bytes";
  public static final String SEGMENT_MS = "segment.ms";
  public static final String RETENTION_MS = "retention.ms";
  public static final String RETENTION_BYTES = "retention.bytes";
  public static final String CLEANUP_POLICY = "cleanup.policy";
  public static final String DELETE_RETENTION_MS = "delete.retention.ms";
  public static final String FLUSH_MESSAGES = "flush.messages";
  public static final String FLUSH_MS = "flush.ms";
  public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
  public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";

  /** Kafka's smallest segment.bytes: one legacy record's overhead. */
  public static final int MIN_SEGMENT_BYTES = 14;

  /** Which retention mechanisms run, as Kafka's {@code cleanup.policy} list. */
  public enum CleanupPolicy {
    DELETE,
    COMPACT,
    COMPACT_DELETE;

    public boolean deletes() {
      return this != COMPACT;
    }

    public boolean compacts() {
      return this != DELETE;
    }

    /** Parses {@code delete}, {@code compact} or both comma-separated, in either order. */
    public static CleanupPolicy parse(String value) {
      boolean delete = false;
      boolean compact = false;
      for (String part : value.split(",", -1)) {
        switch (part.trim()) {
          case "delete" -> delete = true;
          case "compact" -> compact = true;
          default ->
              throw new IllegalArgumentException(
                  CLEANUP_POLICY + " must be delete, compact or compact,delete, was '" + value + "'");
        }
      }
      return delete && compact ? COMPACT_DELETE : compact ? COMPACT : DELETE;
    }
  }

  public LogConfig {
    if (segmentBytes < MIN_SEGMENT_BYTES) {
      throw invalid(SEGMENT_BYTES, "at least " + MIN_SEGMENT_BYTES, segmentBytes);
    }
    if (segmentMs < 1) {
      throw invalid(SEGMENT_MS, "at least 1", segmentMs);
    }
    if (retentionMs < -1) {
      throw invalid(RETENTION_MS, "-1 or at least 0", retentionMs);
    }
    if (retentionBytes < -1) {
      throw invalid(RETENTION_BYTES, "-1 or at least 0", retentionBytes);
    }
    if (cleanupPolicy == null) {
      throw new IllegalArgumentException(CLEANUP_POLICY + " must be set");
    }
    if (deleteRetentionMs < 0) {
      throw invalid(DELETE_RETENTION_MS, "at least 0", deleteRetentionMs);
    }
    if (flushMessages < 1) {
      throw invalid(FLUSH_MESSAGES, "at least 1", flushMessages);
    }
    if (flushMs < 0) {
      throw invalid(FLUSH_MS, "at least 0", flushMs);
    }
    if (indexIntervalBytes < 0) {
      throw invalid(INDEX_INTERVAL_BYTES, "at least 0", indexIntervalBytes);
    }
    if (maxIndexSize < TimeIndex.ENTRY_SIZE * 2) {
      // Room for at least one entry plus the final one written when the segment rolls.
      throw invalid(SEGMENT_INDEX_BYTES, "at least " + TimeIndex.ENTRY_SIZE * 2, maxIndexSize);
    }
  }

  private static IllegalArgumentException invalid(String key, String rule, long value) {
    return new IllegalArgumentException(key + " must be " + rule + ", was " + value);
  }

  /** Kafka's defaults: 1 GiB / 7 day segments, 7 day retention, no size limit, page-cache flushing. */
  public static LogConfig defaults() {
    return new LogConfig(
        1 << 30,
        7 * 24 * 3600_000L,
        7 * 24 * 3600_000L,
        -1L,
        CleanupPolicy.DELETE,
        24 * 3600_000L,
        Long.MAX_VALUE,
        Long.MAX_VALUE,
        4096,
        10 * 1024 * 1024);
  }

  /**
   * Defaults overridden by the given topic configs (Kafka key names). Unknown keys are ignored, as
   * they belong to other layers (e.g. {@code min.insync.replicas}); bad values name their key.
   */
  public static LogConfig fromMap(Map<String, String> props) {
    LogConfig d = defaults();
    return new LogConfig(
        (int) longValue(props, SEGMENT_BYTES, d.segmentBytes, Integer.MAX_VALUE),
        longValue(props, SEGMENT_MS, d.segmentMs, Long.MAX_VALUE),
        longValue(props, RETENTION_MS, d.retentionMs, Long.MAX_VALUE),
        longValue(props, RETENTION_BYTES, d.retentionBytes, Long.MAX_VALUE),
        props.containsKey(CLEANUP_POLICY)
            ? CleanupPolicy.parse(props.get(CLEANUP_POLICY))
            : d.cleanupPolicy,
        longValue(props, DELETE_RETENTION_MS, d.deleteRetentionMs, Long.MAX_VALUE),
        longValue(props, FLUSH_MESSAGES, d.flushMessages, Long.MAX_VALUE),
        longValue(props, FLUSH_MS, d.flushMs, Long.MAX_VALUE),
        (int) longValue(props, INDEX_INTERVAL_BYTES, d.indexIntervalBytes, Integer.MAX_VALUE),
        (int) longValue(props, SEGMENT_INDEX_BYTES, d.maxIndexSize, Integer.MAX_VALUE));
  }

  private static long longValue(Map<String, String> props, String key, long dflt, long max) {
    String raw = props.get(key);
    if (raw == null) {
      return dflt;
    }
    long value;
    try {
      value = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, was '" + raw + "'", e);
    }
    if (value > max) {
      throw invalid(key, "at most " + max, value);
    }
    return value;
  }

  public LogConfig withSegmentBytes(int bytes) {
    return new LogConfig(bytes, segmentMs, retentionMs, retentionBytes, cleanupPolicy,
        deleteRetentionMs, flushMessages, flushMs, indexIntervalBytes, maxIndexSize);
  }

  public LogConfig withSegmentMs(long ms) {
    return new LogConfig(segmentBytes, ms, retentionMs, retentionBytes, cleanupPolicy,
        deleteRetentionMs, flushMessages, flushMs, indexIntervalBytes, maxIndexSize);
  }

  public LogConfig withRetention(long ms, long bytes) {
    return new LogConfig(segmentBytes, segmentMs, ms, bytes, cleanupPolicy,
        deleteRetentionMs, flushMessages, flushMs, indexIntervalBytes, maxIndexSize);
  }

  public LogConfig withCleanupPolicy(CleanupPolicy policy, long deleteRetention) {
    return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, policy,
        deleteRetention, flushMessages, flushMs, indexIntervalBytes, maxIndexSize);
  }

  public LogConfig withFlush(long messages, long ms) {
    return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, cleanupPolicy,
        deleteRetentionMs, messages, ms, indexIntervalBytes, maxIndexSize);
  }

  public LogConfig withIndex(int intervalBytes, int maxSize) {
    return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, cleanupPolicy,
        deleteRetentionMs, flushMessages, flushMs, intervalBytes, maxSize);
  }
}
