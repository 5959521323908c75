package io.weir.broker;

import io.weir.broker.group.GroupConfig;
import io.weir.storage.log.LogConfig;
import java.util.Optional;

/**
 * The broker settings the data plane uses, with Kafka's names and defaults. Parsing {@code
 * server.properties} into this comes with the node entry point.
 *
 * @param nodeId {@code node.id}
 * @param rack {@code broker.rack}
 * @param listenerName the listener clients and followers connect to
 * @param replicaLagTimeMaxMs {@code replica.lag.time.max.ms}: a follower not caught up for this long
 *     leaves the ISR
 * @param minInsyncReplicas {@code min.insync.replicas} for topics without an override
 * @param messageMaxBytes {@code message.max.bytes}: largest batch, for topics without {@code
 *     max.message.bytes}
 * @param fetchMaxBytes {@code fetch.max.bytes}: the largest fetch response the broker builds
 * @param autoCreateTopicsEnable {@code auto.create.topics.enable}
 * @param replicaFetchWaitMaxMs {@code replica.fetch.wait.max.ms}
 * @param replicaFetchMaxBytes {@code replica.fetch.max.bytes} (per partition)
 * @param replicaFetchBackoffMs {@code replica.fetch.backoff.ms}
 * @param numIoThreads {@code num.io.threads}: request handlers, so no Netty event loop blocks
 * @param queuedMaxRequests {@code queued.max.requests}: calls the listener holds at once (each
 *     connection's HTTP/2 stream limit, and the admission limit across connections)
 * @param highWatermarkCheckpointIntervalMs {@code replica.high.watermark.checkpoint.interval.ms}
 * @param logRetentionCheckIntervalMs {@code log.retention.check.interval.ms}
 * @param logCleanerBackoffMs {@code log.cleaner.backoff.ms}
 * @param producerSnapshotIntervalMs how often producer state is snapshotted (Kafka snapshots at
 *     segment roll; a period bounds the replay after a restart the same way)
 * @param defaultLogConfig log settings for topics without overrides
 * @param groupConfig the group coordinator's {@code offsets.*} and {@code group.*} settings
 */
public record BrokerConfig(
    int nodeId,
    Optional<String> rack,
    String listenerName,
    long replicaLagTimeMaxMs,
    int minInsyncReplicas,
    int messageMaxBytes,
    int fetchMaxBytes,
    boolean autoCreateTopicsEnable,
    int replicaFetchWaitMaxMs,
    int replicaFetchMaxBytes,
    long replicaFetchBackoffMs,
    int numIoThreads,
    int queuedMaxRequests,
    long highWatermarkCheckpointIntervalMs,
    long logRetentionCheckIntervalMs,
    long logCleanerBackoffMs,
    long producerSnapshotIntervalMs,
    LogConfig defaultLogConfig,
    GroupConfig groupConfig) {

  public static final String DEFAULT_LISTENER = "PLAINTEXT";

  public BrokerConfig {
    if (nodeId < 0) {
      throw new IllegalArgumentException("node.id must be at least 0, was " + nodeId);
    }
    if (minInsyncReplicas < 1) {
      throw new IllegalArgumentException("min.insync.replicas must be at least 1, was " + minInsyncReplicas);
    }
    if (numIoThreads < 1) {
      throw new IllegalArgumentException("num.io.threads must be at least 1, was " + numIoThreads);
    }
    if (queuedMaxRequests < 1) {
      throw new IllegalArgumentException("queued.max.requests must be at least 1, was " + queuedMaxRequests);
    }
    positive("replica.lag.time.max.ms", replicaLagTimeMaxMs);
    positive("replica.high.watermark.checkpoint.interval.ms", highWatermarkCheckpointIntervalMs);
    positive("log.retention.check.interval.ms", logRetentionCheckIntervalMs);
    positive("log.cleaner.backoff.ms", logCleanerBackoffMs);
    positive("producer snapshot interval", producerSnapshotIntervalMs);
  }

  private static void positive(String key, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, was " + value);
    }
  }

  /** Kafka's defaults. */
  public static BrokerConfig defaults(int nodeId) {
    return builder(nodeId).build();
  }

  public static Builder builder(int nodeId) {
    return new Builder(nodeId);
  }

  /** Kafka's defaults, each settable. Not thread-safe; build once. */
  public static final class Builder {
    private final int nodeId;
    private String rack;
    private long replicaLagTimeMaxMs = 30_000;
    private int minInsyncReplicas = 1;
    private boolean autoCreateTopicsEnable;
    private long logRetentionCheckIntervalMs = 300_000;
    private long producerSnapshotIntervalMs = 60_000;
    private long logCleanerBackoffMs = 15_000;
    private int queuedMaxRequests = 500;
    private LogConfig defaultLogConfig = LogConfig.defaults();
    private GroupConfig groupConfig = GroupConfig.DEFAULTS;

    private Builder(int nodeId) {
      this.nodeId = nodeId;
    }

    public Builder rack(String value) {
      rack = value;
      return this;
    }

    public Builder replicaLagTimeMaxMs(long value) {
      replicaLagTimeMaxMs = value;
      return this;
    }

    public Builder minInsyncReplicas(int value) {
      minInsyncReplicas = value;
      return this;
    }

    public Builder autoCreateTopicsEnable(boolean value) {
      autoCreateTopicsEnable = value;
      return this;
    }

    public Builder logRetentionCheckIntervalMs(long value) {
      logRetentionCheckIntervalMs = value;
      return this;
    }

    public Builder logCleanerBackoffMs(long value) {
      logCleanerBackoffMs = value;
      return this;
    }

    public Builder queuedMaxRequests(int value) {
      queuedMaxRequests = value;
      return this;
    }

    public Builder producerSnapshotIntervalMs(long value) {
      producerSnapshotIntervalMs = value;
      return this;
    }

    public Builder defaultLogConfig(LogConfig value) {
      defaultLogConfig = value;
      return this;
    }

    public Builder groupConfig(GroupConfig value) {
      groupConfig = value;
      return this;
    }

    public BrokerConfig build() {
      return new BrokerConfig(
          nodeId,
          Optional.ofNullable(rack),
          DEFAULT_LISTENER,
          replicaLagTimeMaxMs,
          minInsyncReplicas,
          1_048_588,
          55 * 1024 * 1024,
          autoCreateTopicsEnable,
          500,
          1_048_576,
          1_000,
          8,
          queuedMaxRequests,
          5_000,
          logRetentionCheckIntervalMs,
          logCleanerBackoffMs,
          producerSnapshotIntervalMs,
          defaultLogConfig,
          groupConfig);
    }
  }
}
