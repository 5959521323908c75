package io.weir.broker;

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
 * @param highWatermarkCheckpointIntervalMs {@code replica.high.watermark.checkpoint.interval.ms}
 * @param logRetentionCheckIntervalMs {@code log.retention.check.interval.ms}
 * @param logCleanerBackoffMs {@code log.cleaner.backoff.ms}
 * @param defaultLogConfig log settings for topics without overrides
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
    long highWatermarkCheckpointIntervalMs,
    long logRetentionCheckIntervalMs,
    long logCleanerBackoffMs,
    LogConfig defaultLogConfig) {

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
    if (replicaLagTimeMaxMs < 1) {
      throw new IllegalArgumentException(
          "replica.lag.time.max.ms must be at least 1, was " + replicaLagTimeMaxMs);
    }
  }

  public static BrokerConfig defaults(int nodeId) {
    return new BrokerConfig(
        nodeId,
        Optional.empty(),
        DEFAULT_LISTENER,
        30_000,
        1,
        1_048_588,
        55 * 1024 * 1024,
        false,
        500,
        1_048_576,
        1_000,
        8,
        5_000,
        300_000,
        15_000,
        LogConfig.defaults());
  }

  public BrokerConfig withRack(String newRack) {
    return new BrokerConfig(nodeId, Optional.ofNullable(newRack), listenerName, replicaLagTimeMaxMs,
        minInsyncReplicas, messageMaxBytes, fetchMaxBytes, autoCreateTopicsEnable, replicaFetchWaitMaxMs,
        replicaFetchMaxBytes, replicaFetchBackoffMs, numIoThreads, highWatermarkCheckpointIntervalMs,
        logRetentionCheckIntervalMs, logCleanerBackoffMs, defaultLogConfig);
  }

  public BrokerConfig withReplicaLagTimeMaxMs(long ms) {
    return new BrokerConfig(nodeId, rack, listenerName, ms, minInsyncReplicas, messageMaxBytes,
        fetchMaxBytes, autoCreateTopicsEnable, replicaFetchWaitMaxMs, replicaFetchMaxBytes,
        replicaFetchBackoffMs, numIoThreads, highWatermarkCheckpointIntervalMs,
        logRetentionCheckIntervalMs, logCleanerBackoffMs, defaultLogConfig);
  }

  public BrokerConfig withAutoCreateTopics(boolean enable) {
    return new BrokerConfig(nodeId, rack, listenerName, replicaLagTimeMaxMs, minInsyncReplicas,
        messageMaxBytes, fetchMaxBytes, enable, replicaFetchWaitMaxMs, replicaFetchMaxBytes,
        replicaFetchBackoffMs, numIoThreads, highWatermarkCheckpointIntervalMs,
        logRetentionCheckIntervalMs, logCleanerBackoffMs, defaultLogConfig);
  }

  public BrokerConfig withReplicaFetchBackoffMs(long ms) {
    return new BrokerConfig(nodeId, rack, listenerName, replicaLagTimeMaxMs, minInsyncReplicas,
        messageMaxBytes, fetchMaxBytes, autoCreateTopicsEnable, replicaFetchWaitMaxMs,
        replicaFetchMaxBytes, ms, numIoThreads, highWatermarkCheckpointIntervalMs,
        logRetentionCheckIntervalMs, logCleanerBackoffMs, defaultLogConfig);
  }
}
