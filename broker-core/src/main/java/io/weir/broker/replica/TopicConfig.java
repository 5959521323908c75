package io.weir.broker.replica;

import io.weir.broker.BrokerConfig;
import io.weir.common.record.TimestampType;
import io.weir.storage.log.LogConfig;
import java.util.Map;

/**
 * A topic's settings as the broker applies them: the log's, plus the produce-path ones the log does
 * not know (Kafka's topic config names).
 *
 * @param minInsyncReplicas {@code min.insync.replicas}
 * @param maxMessageBytes {@code max.message.bytes}: the largest batch accepted
 * @param timestampType {@code message.timestamp.type}
 * @param timestampBeforeMaxMs {@code message.timestamp.before.max.ms}: how far in the past a
 *     CreateTime timestamp may be
 * @param timestampAfterMaxMs {@code message.timestamp.after.max.ms}: how far in the future
 */
public record TopicConfig(
    LogConfig log,
    int minInsyncReplicas,
    int maxMessageBytes,
    TimestampType timestampType,
    long timestampBeforeMaxMs,
    long timestampAfterMaxMs) {

  public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
  public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
  public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
  public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
  public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";

  /** The broker's defaults overridden by the topic's configs; a bad value names its key. */
  public static TopicConfig from(Map<String, String> overrides, BrokerConfig broker) {
    Map<String, String> merged = overrides;
    LogConfig log =
        merged.isEmpty() ? broker.defaultLogConfig() : LogConfig.fromMap(merged);
    return new TopicConfig(
        log,
        (int) number(merged, MIN_INSYNC_REPLICAS, broker.minInsyncReplicas(), 1, Integer.MAX_VALUE),
        (int) number(merged, MAX_MESSAGE_BYTES, broker.messageMaxBytes(), 0, Integer.MAX_VALUE),
        merged.containsKey(MESSAGE_TIMESTAMP_TYPE)
            ? TimestampType.forConfigValue(merged.get(MESSAGE_TIMESTAMP_TYPE))
            : TimestampType.CREATE_TIME,
        number(merged, MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Long.MAX_VALUE, 0, Long.MAX_VALUE),
        number(merged, MESSAGE_TIMESTAMP_AFTER_MAX_MS, 3_600_000L, 0, Long.MAX_VALUE));
  }

  private static long number(Map<String, String> props, String key, long dflt, long min, long max) {
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
    if (value < min || value > max) {
      throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "], was " + value);
    }
    return value;
  }
}
