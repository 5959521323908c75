package io.weir.metadata.controller;

import io.weir.common.TopicPartition;
import io.weir.metadata.image.ConfigResource;
import io.weir.metadata.image.MetadataImage;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The decisions of the active controller, with no Raft, threads or I/O: each
 * operation maps (image, request, time) to the records to commit and the
 * response to send once they are committed.
 *
 * <p>Contract with the caller (the future {@code QuorumController} wiring):
 * <ul>
 *   <li>Call from one thread only (the controller's event thread); this object
 *       holds the soft heartbeat state and the topic-id generator.</li>
 *   <li>Pass the image that already includes every record this object returned
 *       before (committed or still in flight), so decisions never race with
 *       their own effects. On losing leadership, discard that speculative image;
 *       on gaining it, create a new {@code ControllerLogic}.</li>
 *   <li>Commit a result's records atomically (one Raft entry): invariants such
 *       as "an online leader is unfenced" hold between results, not between the
 *       records inside one.</li>
 *   <li>Send a response only once every record returned up to and including
 *       its result has committed, even when its own result has no records: a
 *       decision may rest on earlier, still uncommitted records (e.g. a broker
 *       is let go because its leaderships moved in an earlier result).</li>
 *   <li>Call {@link #fenceStaleBrokers} and {@link #maybeBalancePartitionLeaders}
 *       periodically (Kafka: about every second and every
 *       {@code leader.imbalance.check.interval.seconds}).</li>
 * </ul>
 */
public final class ControllerLogic {
    private final ControllerConfig config;
    private final ConfigurationControlManager configuration;
    private final ReplicationControlManager replication;
    private final ClusterControlManager cluster;
    private final ProducerIdControlManager producerIds = new ProducerIdControlManager();

    /** @param random source of topic ids: a {@code SecureRandom} in production, seeded in simulations */
    public ControllerLogic(ControllerConfig config, RandomGenerator random) {
        this.config = config;
        this.configuration = new ConfigurationControlManager(config);
        this.replication = new ReplicationControlManager(config, configuration, random);
        this.cluster = new ClusterControlManager(replication,
                new BrokerHeartbeatManager(config.brokerSessionTimeoutMs()));
    }

    public ControllerConfig config() {
        return config;
    }

    public ControllerResult<RegisterBrokerReply> registerBroker(MetadataImage image, RegisterBrokerRequest request,
                                                                long nowMs) {
        return cluster.registerBroker(image, request, nowMs);
    }

    public ControllerResult<BrokerHeartbeatReply> brokerHeartbeat(MetadataImage image, BrokerHeartbeatRequest request,
                                                                  long nowMs) {
        return cluster.brokerHeartbeat(image, request, nowMs);
    }

    /** Fences brokers silent for {@code broker.session.timeout.ms}; the response lists them. */
    public ControllerResult<List<Integer>> fenceStaleBrokers(MetadataImage image, long nowMs) {
        return cluster.fenceStaleBrokers(image, nowMs);
    }

    public ControllerResult<ApiError> unregisterBroker(MetadataImage image, int brokerId) {
        return cluster.unregisterBroker(image, brokerId);
    }

    public ControllerResult<AlterPartitionResponse> alterPartition(MetadataImage image, AlterPartitionRequest request) {
        return replication.alterPartition(image, request);
    }

    public ControllerResult<List<CreateTopicResult>> createTopics(MetadataImage image, List<CreatableTopic> topics,
                                                                  boolean validateOnly) {
        return replication.createTopics(image, topics, validateOnly);
    }

    public ControllerResult<Map<String, ApiError>> deleteTopics(MetadataImage image, Collection<String> names) {
        return replication.deleteTopics(image, names);
    }

    /** {@code counts}: topic name to the requested total number of partitions. */
    public ControllerResult<Map<String, ApiError>> createPartitions(MetadataImage image, Map<String, Integer> counts) {
        return replication.createPartitions(image, counts);
    }

    public ControllerResult<Map<ConfigResource, ApiError>> incrementalAlterConfigs(
            MetadataImage image, Map<ConfigResource, List<AlterConfigOp>> changes) {
        return configuration.incrementalAlterConfigs(image, changes);
    }

    public DescribeConfigsResult describeConfigs(MetadataImage image, ConfigResource resource) {
        return configuration.describeConfigs(image, resource);
    }

    public ControllerResult<ProducerIdsBlock> allocateProducerIds(MetadataImage image, int brokerId, long brokerEpoch) {
        return producerIds.allocateProducerIds(image, brokerId, brokerEpoch);
    }

    /** {@code partitions} null: every partition the election applies to. */
    public ControllerResult<Map<TopicPartition, ApiError>> electLeaders(MetadataImage image, ElectionType type,
                                                                        Collection<TopicPartition> partitions) {
        return replication.electLeaders(image, type, partitions);
    }

    public ControllerResult<List<TopicPartition>> maybeBalancePartitionLeaders(MetadataImage image) {
        return replication.maybeBalancePartitionLeaders(image);
    }
}
