package io.weir.client.admin;

import io.weir.client.consumer.OffsetAndMetadata;
import io.weir.common.TopicPartition;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Cluster administration (Kafka's {@code Admin}): metadata, offsets, records and consumer groups
 * from the brokers; topic, config, leader and quorum administration through the brokers'
 * AdminService (which forwards to the active controller). Errors fail the future with an {@code
 * ApiException} carrying Kafka's code and message. Calls return at once; the futures complete on the
 * admin's own thread.
 */
public interface Admin extends AutoCloseable {
  static Admin create(Properties props) {
    return new WeirAdmin(new AdminClientConfig(props));
  }

  static Admin create(Map<String, Object> configs) {
    return new WeirAdmin(new AdminClientConfig(configs));
  }

  CompletableFuture<ClusterDescription> describeCluster();

  /** Names of every topic. */
  CompletableFuture<Set<String>> listTopics();

  /** Fails with an {@code ApiException} (UNKNOWN_TOPIC_OR_PARTITION) naming a missing topic. */
  CompletableFuture<Map<String, TopicDescription>> describeTopics(Collection<String> topics);

  CompletableFuture<Map<TopicPartition, ListOffsetsResultInfo>> listOffsets(Map<TopicPartition, OffsetSpec> specs);

  /**
   * Kafka's DeleteRecords: each partition's log start offset moves up to the given offset (-1: the
   * high watermark), so consumers can no longer read below it; offsets never change. Completes with
   * each partition's log start offset afterwards (its low watermark); fails with OFFSET_OUT_OF_RANGE
   * for an offset past the high watermark.
   */
  CompletableFuture<Map<TopicPartition, Long>> deleteRecords(Map<TopicPartition, Long> beforeOffsets);

  /** Every group of the cluster, with its state. */
  CompletableFuture<Collection<ConsumerGroupListing>> listConsumerGroups();

  CompletableFuture<Map<String, ConsumerGroupDescription>> describeConsumerGroups(Collection<String> groupIds);

  /** Deletes empty groups with their offsets; fails with NON_EMPTY_GROUP or GROUP_ID_NOT_FOUND. */
  CompletableFuture<Void> deleteConsumerGroups(Collection<String> groupIds);

  CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> listConsumerGroupOffsets(String groupId);

  /** Sets committed offsets of a group without active members (UNKNOWN_MEMBER_ID otherwise). */
  CompletableFuture<Void> alterConsumerGroupOffsets(String groupId, Map<TopicPartition, OffsetAndMetadata> offsets);

  /** The cluster through the AdminService: every registered broker with its rack and fenced state. */
  CompletableFuture<BrokerDescription> describeBrokers();

  /** Creates the topics; completes with their ids, or fails with the first topic's error. */
  CompletableFuture<Map<String, String>> createTopics(Collection<NewTopic> topics);

  CompletableFuture<Void> deleteTopics(Collection<String> topics);

  /** Raises each topic's partition count to the given total. */
  CompletableFuture<Void> createPartitions(Map<String, Integer> totalCounts);

  /** The configs of one topic ({@code broker == false}) or one broker id. */
  CompletableFuture<List<ConfigEntry>> describeConfigs(boolean broker, String name);

  /** Sets and deletes configs of one topic or broker, atomically on the controller. */
  CompletableFuture<Void> incrementalAlterConfigs(boolean broker, String name, Map<String, String> set,
      Collection<String> delete);

  /**
   * Preferred leader election on the given partitions, or every partition when empty; completes
   * with the partitions whose leader changed (a partition already led by its preferred replica is
   * not an error).
   */
  CompletableFuture<Set<TopicPartition>> electPreferredLeaders(Collection<TopicPartition> partitions);

  CompletableFuture<QuorumDescription> describeQuorum();

  @Override
  void close();

  void close(Duration timeout);
}
