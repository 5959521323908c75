package io.weir.client.admin;

import io.weir.client.common.TopicPartition;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Cluster administration (Kafka's {@code Admin}): metadata and offsets from the brokers, topic,
 * config, leader and quorum administration through the brokers' AdminService (which forwards to the
 * active controller). Errors fail the future with an {@code ApiException} carrying Kafka's code and
 * the controller's message. Calls return at once; the futures complete on the admin's own thread.
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
