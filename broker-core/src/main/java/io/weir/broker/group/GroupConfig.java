package io.weir.broker.group;

/**
 * Group coordinator settings with Kafka's names and defaults.
 *
 * @param offsetsTopicNumPartitions {@code offsets.topic.num.partitions}
 * @param offsetsTopicReplicationFactor {@code offsets.topic.replication.factor}, capped at the live
 *     brokers when the topic is created
 * @param offsetsRetentionMs {@code offsets.retention.minutes} in ms: committed offsets of an empty
 *     group older than this are deleted
 * @param offsetsRetentionCheckIntervalMs {@code offsets.retention.check.interval.ms}
 * @param groupMinSessionTimeoutMs {@code group.min.session.timeout.ms}
 * @param groupMaxSessionTimeoutMs {@code group.max.session.timeout.ms}
 * @param groupInitialRebalanceDelayMs {@code group.initial.rebalance.delay.ms}: how long the first
 *     rebalance of an empty group waits for more members
 * @param offsetCommitTimeoutMs {@code offsets.commit.timeout.ms}: how long a commit waits for the
 *     replicas
 */
public record GroupConfig(
    int offsetsTopicNumPartitions,
    short offsetsTopicReplicationFactor,
    long offsetsRetentionMs,
    long offsetsRetentionCheckIntervalMs,
    int groupMinSessionTimeoutMs,
    int groupMaxSessionTimeoutMs,
    int groupInitialRebalanceDelayMs,
    int offsetCommitTimeoutMs) {

  public static final String OFFSETS_TOPIC = "__consumer_offsets";
  public static final GroupConfig DEFAULTS =
      new GroupConfig(50, (short) 3, 7L * 24 * 3600 * 1000, 600_000, 6_000, 1_800_000, 3_000, 5_000);

  public GroupConfig {
    if (offsetsTopicNumPartitions < 1) {
      throw new IllegalArgumentException("offsets.topic.num.partitions must be at least 1, was " + offsetsTopicNumPartitions);
    }
    if (offsetsTopicReplicationFactor < 1) {
      throw new IllegalArgumentException(
          "offsets.topic.replication.factor must be at least 1, was " + offsetsTopicReplicationFactor);
    }
    if (groupMinSessionTimeoutMs > groupMaxSessionTimeoutMs) {
      throw new IllegalArgumentException("group.min.session.timeout.ms " + groupMinSessionTimeoutMs
          + " exceeds group.max.session.timeout.ms " + groupMaxSessionTimeoutMs);
    }
    if (offsetsRetentionMs < 1 || offsetsRetentionCheckIntervalMs < 1 || offsetCommitTimeoutMs < 1 || groupInitialRebalanceDelayMs < 0) {
      throw new IllegalArgumentException("offsets.retention.minutes, offsets.retention.check.interval.ms and "
          + "offsets.commit.timeout.ms must be positive and group.initial.rebalance.delay.ms not negative");
    }
  }

  /** For tests and small clusters: short session bounds and no initial rebalance delay. */
  public GroupConfig withSessionBounds(int minSessionTimeoutMs, int initialRebalanceDelayMs) {
    return new GroupConfig(offsetsTopicNumPartitions, offsetsTopicReplicationFactor, offsetsRetentionMs,
        offsetsRetentionCheckIntervalMs, minSessionTimeoutMs, groupMaxSessionTimeoutMs, initialRebalanceDelayMs,
        offsetCommitTimeoutMs);
  }

  public GroupConfig withOffsetsRetention(long retentionMs, long checkIntervalMs) {
    return new GroupConfig(offsetsTopicNumPartitions, offsetsTopicReplicationFactor, retentionMs, checkIntervalMs,
        groupMinSessionTimeoutMs, groupMaxSessionTimeoutMs, groupInitialRebalanceDelayMs, offsetCommitTimeoutMs);
  }

  /** Kafka's partitioning of groups: {@code Utils.abs(groupId.hashCode()) % partitions}. */
  public int partitionFor(String groupId) {
    int h = groupId.hashCode();
    return (h == Integer.MIN_VALUE ? 0 : Math.abs(h)) % offsetsTopicNumPartitions;
  }
}
