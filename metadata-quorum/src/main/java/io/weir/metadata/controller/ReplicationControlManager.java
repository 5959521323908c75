package io.weir.metadata.controller;

import io.weir.common.TopicPartition;
import io.weir.metadata.controller.PartitionChangeBuilder.Election;
import io.weir.metadata.image.BrokerRegistration;
import io.weir.metadata.image.ClusterImage;
import io.weir.metadata.image.ConfigResource;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.image.TopicImage;
import io.weir.proto.v1.MetadataRecord;
import io.weir.proto.v1.PartitionChangeRecord;
import io.weir.proto.v1.PartitionChangeRecord.BrokerIds;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Topics, partitions, leaders and ISRs: topic creation and deletion, partition
 * increases, AlterPartition, leader elections, and what fencing or unfencing a
 * broker does to the partitions it hosts.
 */
final class ReplicationControlManager {
    private final ControllerConfig config;
    private final ConfigurationControlManager configs;
    private final RandomGenerator random; // topic ids; used only on the controller's event thread

    ReplicationControlManager(ControllerConfig config, ConfigurationControlManager configs, RandomGenerator random) {
        this.config = config;
        this.configs = configs;
        this.random = random;
    }

    // ---- topics ----

    ControllerResult<List<CreateTopicResult>> createTopics(MetadataImage image, List<CreatableTopic> topics,
                                                           boolean validateOnly) {
        RecordBuffer buffer = new RecordBuffer(image);
        List<CreateTopicResult> results = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (CreatableTopic topic : topics) {
            if (!seen.add(topic.name())) {
                results.add(CreateTopicResult.failed(topic.name(), Errors.INVALID_REQUEST, "Duplicate topic name."));
                continue;
            }
            results.add(createTopic(buffer, topic, validateOnly));
        }
        return validateOnly ? ControllerResult.noRecords(results) : buffer.result(results);
    }

    private CreateTopicResult createTopic(RecordBuffer buffer, CreatableTopic topic, boolean validateOnly) {
        MetadataImage image = buffer.image();
        String name = topic.name();
        String invalid = TopicNames.invalidReason(name);
        if (invalid != null) {
            return CreateTopicResult.failed(name, Errors.INVALID_TOPIC_EXCEPTION, invalid);
        }
        if (image.topics().topic(name) != null) {
            return CreateTopicResult.failed(name, Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        String colliding = TopicNames.collidingName(name, image.topics().byName().keySet());
        if (colliding != null) {
            return CreateTopicResult.failed(name, Errors.INVALID_TOPIC_EXCEPTION,
                    "Topic '" + name + "' collides with existing topic: " + colliding);
        }
        if (topic.numPartitions() == 0 || topic.numPartitions() < CreatableTopic.DEFAULT) {
            return CreateTopicResult.failed(name, Errors.INVALID_PARTITIONS,
                    "Number of partitions was set to an invalid non-positive value: " + topic.numPartitions() + ".");
        }
        if (topic.replicationFactor() == 0 || topic.replicationFactor() < CreatableTopic.DEFAULT) {
            return CreateTopicResult.failed(name, Errors.INVALID_REPLICATION_FACTOR,
                    "Replication factor was set to an invalid non-positive value: " + topic.replicationFactor() + ".");
        }
        String badConfigs = configs.validateTopicConfigs(topic.configs());
        if (badConfigs != null) {
            return CreateTopicResult.failed(name, Errors.INVALID_CONFIG, badConfigs);
        }
        int numPartitions = topic.numPartitions() == CreatableTopic.DEFAULT
                ? config.numPartitions() : topic.numPartitions();
        short rf = topic.replicationFactor() == CreatableTopic.DEFAULT
                ? config.defaultReplicationFactor() : topic.replicationFactor();
        List<BrokerRegistration> usable = image.cluster().activeBrokers();
        if (rf > usable.size()) {
            return CreateTopicResult.failed(name, Errors.INVALID_REPLICATION_FACTOR,
                    "Replication factor: " + rf + " larger than available brokers: " + usable.size() + ".");
        }
        Optional<String> warning = TopicNames.hasCollisionChars(name)
                ? Optional.of(TopicNames.COLLISION_WARNING) : Optional.empty();
        String topicId = newTopicId(image);
        CreateTopicResult ok = new CreateTopicResult(name, ApiError.NONE, topicId, numPartitions, rf, warning);
        if (validateOnly) {
            return ok;
        }
        List<MetadataRecord> records = new ArrayList<>();
        records.add(MetadataRecords.topic(name, topicId));
        addPartitions(records, image, name, topicId, 0, numPartitions, rf, usable);
        topic.configs().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                records.add(MetadataRecords.config(ConfigResource.topic(name), e.getKey(), e.getValue())));
        buffer.addAll(records);
        return ok;
    }

    private String newTopicId(MetadataImage image) {
        while (true) {
            UUID id = new UUID(random.nextLong() & ~0xf000L | 0x4000L,
                    random.nextLong() & 0x3fffffffffffffffL | 0x8000000000000000L);
            if (image.topics().topicById(id.toString()) == null) {
                return id.toString();
            }
        }
    }

    private static void addPartitions(List<MetadataRecord> records, MetadataImage image, String name, String topicId,
                                      int start, int count, int rf, List<BrokerRegistration> usable) {
        List<List<Integer>> placement = ReplicaPlacer.place(name, start, count, rf, usable,
                preferredLeaderCounts(image));
        for (int i = 0; i < count; i++) {
            List<Integer> replicas = placement.get(i);
            // Every replica is active, so the whole set starts in sync with the first one leading.
            PartitionRegistration p = new PartitionRegistration(replicas, replicas, replicas.get(0), 0, 0);
            records.add(MetadataRecord.newBuilder().setPartition(p.toRecord(topicId, start + i)).build());
        }
    }

    private static Map<Integer, Integer> preferredLeaderCounts(MetadataImage image) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (TopicImage t : image.topics().byId().values()) {
            for (PartitionRegistration p : t.partitions().values()) {
                counts.merge(p.preferredLeader(), 1, Integer::sum);
            }
        }
        return counts;
    }

    ControllerResult<Map<String, ApiError>> deleteTopics(MetadataImage image, Collection<String> names) {
        List<MetadataRecord> records = new ArrayList<>();
        Map<String, ApiError> results = new LinkedHashMap<>();
        for (String name : names) {
            if (results.containsKey(name)) {
                continue;
            }
            TopicImage t = image.topics().topic(name);
            if (t == null) {
                results.put(name, unknownTopic(name));
            } else {
                records.add(MetadataRecords.removeTopic(t.id()));
                results.put(name, ApiError.NONE);
            }
        }
        return ControllerResult.of(records, results);
    }

    private static ApiError unknownTopic(String name) {
        return ApiError.of(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
    }

    /** Raises partition counts; {@code counts} maps topic name to the requested total. */
    ControllerResult<Map<String, ApiError>> createPartitions(MetadataImage image, Map<String, Integer> counts) {
        RecordBuffer buffer = new RecordBuffer(image);
        Map<String, ApiError> results = new LinkedHashMap<>();
        counts.forEach((name, requested) -> results.put(name, createPartitions(buffer, name, requested)));
        return buffer.result(results);
    }

    private ApiError createPartitions(RecordBuffer buffer, String name, int requested) {
        MetadataImage image = buffer.image();
        TopicImage t = image.topics().topic(name);
        if (t == null) {
            return unknownTopic(name);
        }
        int current = t.partitions().size();
        if (requested < current) {
            return ApiError.of(Errors.INVALID_PARTITIONS, "Topic currently has " + current
                    + " partitions, which is higher than the requested " + requested + ".");
        }
        if (requested == current) {
            return ApiError.of(Errors.INVALID_PARTITIONS, "Topic already has " + current + " partitions.");
        }
        int rf = t.partition(0).replicas().size();
        List<BrokerRegistration> usable = image.cluster().activeBrokers();
        if (rf > usable.size()) {
            return ApiError.of(Errors.INVALID_REPLICATION_FACTOR,
                    "Replication factor: " + rf + " larger than available brokers: " + usable.size() + ".");
        }
        List<MetadataRecord> records = new ArrayList<>();
        addPartitions(records, image, name, t.id(), current, requested - current, rf, usable);
        buffer.addAll(records);
        return ApiError.NONE;
    }

    // ---- AlterPartition ----

    ControllerResult<AlterPartitionResponse> alterPartition(MetadataImage image, AlterPartitionRequest req) {
        ApiError brokerError = ClusterControlManager.checkBrokerEpoch(image.cluster(), req.brokerId(),
                req.brokerEpoch());
        if (!brokerError.isSuccess()) {
            return ControllerResult.noRecords(new AlterPartitionResponse(brokerError, null));
        }
        TopicImage t = image.topics().topicById(req.topicId());
        if (t == null) {
            return ControllerResult.noRecords(AlterPartitionResponse.failed(Errors.UNKNOWN_TOPIC_ID,
                    "Topic id " + req.topicId() + " does not exist."));
        }
        String tp = t.name() + "-" + req.partition();
        PartitionRegistration p = t.partition(req.partition());
        if (p == null) {
            return ControllerResult.noRecords(AlterPartitionResponse.failed(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "Partition " + tp + " does not exist."));
        }
        if (req.leaderEpoch() != p.leaderEpoch()) {
            return ControllerResult.noRecords(AlterPartitionResponse.failed(Errors.FENCED_LEADER_EPOCH,
                    "Partition " + tp + " is at leader epoch " + p.leaderEpoch() + ", the request carries "
                            + req.leaderEpoch() + "."));
        }
        if (req.brokerId() != p.leader()) {
            return ControllerResult.noRecords(AlterPartitionResponse.failed(Errors.INVALID_REQUEST,
                    "Broker " + req.brokerId() + " is not the leader of " + tp + " (leader: " + p.leader() + ")."));
        }
        if (req.partitionEpoch() != p.partitionEpoch()) {
            return ControllerResult.noRecords(AlterPartitionResponse.failed(Errors.INVALID_UPDATE_VERSION,
                    "Partition " + tp + " is at partition epoch " + p.partitionEpoch() + ", the request carries "
                            + req.partitionEpoch() + "."));
        }
        ApiError invalidIsr = validateIsr(image.cluster(), p, req.newIsr(), tp);
        if (!invalidIsr.isSuccess()) {
            return ControllerResult.noRecords(new AlterPartitionResponse(invalidIsr, null));
        }
        if (req.newIsr().equals(p.isr())) {
            return ControllerResult.noRecords(new AlterPartitionResponse(ApiError.NONE, p));
        }
        PartitionChangeRecord change = PartitionChangeRecord.newBuilder()
                .setTopicId(t.id()).setPartition(req.partition())
                .setIsr(BrokerIds.newBuilder().addAllBrokerIds(req.newIsr())).build();
        return ControllerResult.of(List.of(MetadataRecord.newBuilder().setPartitionChange(change).build()),
                new AlterPartitionResponse(ApiError.NONE, p.merge(change)));
    }

    private static ApiError validateIsr(ClusterImage cluster, PartitionRegistration p, List<Integer> isr, String tp) {
        if (!isr.contains(p.leader())) {
            return ApiError.of(Errors.INVALID_REQUEST,
                    "The new ISR " + isr + " of " + tp + " does not contain the leader " + p.leader() + ".");
        }
        if (new HashSet<>(isr).size() != isr.size()) {
            return ApiError.of(Errors.INVALID_REQUEST, "The new ISR " + isr + " of " + tp + " has duplicate replicas.");
        }
        for (int r : isr) {
            if (!p.replicas().contains(r)) {
                return ApiError.of(Errors.INVALID_REQUEST, "The new ISR " + isr + " of " + tp + " contains " + r
                        + ", which is not a replica " + p.replicas() + ".");
            }
            // A replica joining the ISR must be able to take over leadership; members already in it stay.
            if (!p.isr().contains(r) && !cluster.isActive(r)) {
                return ApiError.of(Errors.INELIGIBLE_REPLICA, "Replica " + r + " of " + tp
                        + " is not eligible to join the ISR: it is fenced or shutting down.");
            }
        }
        return ApiError.NONE;
    }

    // ---- broker lifecycle consequences ----

    /**
     * The broker can no longer lead (fenced or shutting down, already so in
     * {@code image}): it leaves every ISR that has another member, and the
     * partitions it led elect a new leader from the rest of the ISR.
     */
    List<MetadataRecord> changesForIneligibleBroker(MetadataImage image, int brokerId) {
        List<MetadataRecord> out = new ArrayList<>();
        forEachPartition(image, (t, index, p) -> {
            if (!p.isr().contains(brokerId) && p.leader() != brokerId) {
                return;
            }
            List<Integer> isr = new ArrayList<>(p.isr());
            isr.remove(Integer.valueOf(brokerId));
            // The last member stays: it holds every committed record, so it is the one to come back to.
            builder(image, t, index, p).setTargetIsr(isr.isEmpty() ? p.isr() : isr).build().ifPresent(out::add);
        });
        return out;
    }

    /** The broker became active: offline partitions it can lead get a leader again. */
    List<MetadataRecord> changesForActiveBroker(MetadataImage image, int brokerId) {
        List<MetadataRecord> out = new ArrayList<>();
        forEachPartition(image, (t, index, p) -> {
            if (p.isOffline() && p.replicas().contains(brokerId)) {
                builder(image, t, index, p).build().ifPresent(out::add);
            }
        });
        return out;
    }

    boolean leadsAnyPartition(MetadataImage image, int brokerId) {
        for (TopicImage t : image.topics().byId().values()) {
            for (PartitionRegistration p : t.partitions().values()) {
                if (p.leader() == brokerId) {
                    return true;
                }
            }
        }
        return false;
    }

    private PartitionChangeBuilder builder(MetadataImage image, TopicImage t, int index, PartitionRegistration p) {
        return new PartitionChangeBuilder(p, t.id(), index, image.cluster(),
                configs.uncleanLeaderElectionEnabled(image, t.name()));
    }

    private interface PartitionVisitor {
        void visit(TopicImage topic, int index, PartitionRegistration partition);
    }

    /** Visits partitions in (topic name, index) order so emitted records are deterministic. */
    private static void forEachPartition(MetadataImage image, PartitionVisitor visitor) {
        image.topics().byId().values().stream().sorted(Comparator.comparing(TopicImage::name)).forEach(t ->
                t.partitions().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                        visitor.visit(t, e.getKey(), e.getValue())));
    }

    // ---- elections ----

    /** Elects leaders for {@code partitions}; null means every partition whose leader is not preferred. */
    ControllerResult<Map<TopicPartition, ApiError>> electLeaders(MetadataImage image, ElectionType type,
                                                                 Collection<TopicPartition> partitions) {
        List<MetadataRecord> records = new ArrayList<>();
        Map<TopicPartition, ApiError> results = new LinkedHashMap<>();
        if (partitions == null) {
            forEachPartition(image, (t, index, p) -> {
                boolean wanted = type == ElectionType.PREFERRED ? p.leader() != p.preferredLeader() : p.isOffline();
                if (wanted) {
                    TopicPartition tp = new TopicPartition(t.name(), index);
                    results.put(tp, electLeader(image, type, tp, records));
                }
            });
        } else {
            for (TopicPartition tp : partitions) {
                results.putIfAbsent(tp, electLeader(image, type, tp, records));
            }
        }
        return ControllerResult.of(records, results);
    }

    private ApiError electLeader(MetadataImage image, ElectionType type, TopicPartition tp,
                                 List<MetadataRecord> records) {
        TopicImage t = image.topics().topic(tp.topic());
        PartitionRegistration p = t == null ? null : t.partition(tp.partition());
        if (p == null) {
            return ApiError.of(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Partition " + tp + " does not exist.");
        }
        if (type == ElectionType.PREFERRED) {
            if (p.leader() == p.preferredLeader()) {
                return ApiError.of(Errors.ELECTION_NOT_NEEDED, "Leader election not needed for topic partition.");
            }
            Optional<MetadataRecord> r = builder(image, t, tp.partition(), p).setElection(Election.PREFERRED).build();
            if (r.isEmpty() || !r.get().getPartitionChange().hasLeader()
                    || r.get().getPartitionChange().getLeader() != p.preferredLeader()) {
                return ApiError.of(Errors.PREFERRED_LEADER_NOT_AVAILABLE,
                        "Failed to elect leader for partition " + tp + " under strategy PreferredElection");
            }
            records.add(r.get());
            return ApiError.NONE;
        }
        if (!p.isOffline()) {
            return ApiError.of(Errors.ELECTION_NOT_NEEDED, "Leader election not needed for topic partition.");
        }
        Optional<MetadataRecord> r = new PartitionChangeBuilder(p, t.id(), tp.partition(), image.cluster(), true)
                .build();
        if (r.isEmpty()) {
            return ApiError.of(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE,
                    "Failed to elect leader for partition " + tp + " under strategy UncleanElection");
        }
        records.add(r.get());
        return ApiError.NONE;
    }

    /**
     * Kafka's automatic preferred-leader rebalance: for every active broker whose
     * share of preferred partitions it does not lead exceeds
     * {@code leader.imbalance.per.broker.percentage}, hands those partitions back
     * where it is in the ISR. Also retries unclean election of offline partitions
     * whose topic enables it (e.g. after the config was just turned on).
     */
    ControllerResult<List<TopicPartition>> maybeBalancePartitionLeaders(MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        List<TopicPartition> elected = new ArrayList<>();
        Map<Integer, int[]> perBroker = new HashMap<>(); // broker -> {preferred, preferred but not leading}
        forEachPartition(image, (t, index, p) -> {
            int[] c = perBroker.computeIfAbsent(p.preferredLeader(), b -> new int[2]);
            c[0]++;
            if (p.leader() != p.preferredLeader()) {
                c[1]++;
            }
        });
        forEachPartition(image, (t, index, p) -> {
            Optional<MetadataRecord> r = Optional.empty();
            if (p.isOffline()) {
                r = builder(image, t, index, p).build();
            } else if (config.autoLeaderRebalanceEnable() && p.leader() != p.preferredLeader()
                    && image.cluster().isActive(p.preferredLeader())) {
                int[] c = perBroker.get(p.preferredLeader());
                if (c[1] * 100L > (long) c[0] * config.leaderImbalancePerBrokerPercentage()) {
                    r = builder(image, t, index, p).setElection(Election.PREFERRED).build()
                            .filter(rec -> rec.getPartitionChange().hasLeader());
                }
            }
            r.ifPresent(rec -> {
                records.add(rec);
                elected.add(new TopicPartition(t.name(), index));
            });
        });
        return ControllerResult.of(records, elected);
    }
}
