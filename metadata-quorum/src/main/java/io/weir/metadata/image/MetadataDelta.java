package io.weir.metadata.image;

import io.weir.proto.v1.RegisterBrokerRecord.Listener;
import io.weir.proto.v1.BrokerRegistrationChangeRecord;
import io.weir.proto.v1.ConfigRecord;
import io.weir.proto.v1.FenceBrokerRecord;
import io.weir.proto.v1.MetadataRecord;
import io.weir.proto.v1.PartitionChangeRecord;
import io.weir.proto.v1.PartitionRecord;
import io.weir.proto.v1.ProducerIdsRecord;
import io.weir.proto.v1.RegisterBrokerRecord;
import io.weir.proto.v1.RemoveTopicRecord;
import io.weir.proto.v1.TopicRecord;
import io.weir.proto.v1.UnfenceBrokerRecord;
import io.weir.proto.v1.UnregisterBrokerRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accumulates records on top of a base image and builds the next image. Each
 * map is copied once, on its first change, so a batch of records costs one
 * copy of what it touches rather than one per record.
 *
 * <p>Owned by the single thread that replays a batch; discarded after {@link #apply}.
 * A record that contradicts the image (unknown topic, stale broker epoch, ...)
 * throws {@link IllegalStateException}: the controller never writes one, so
 * it means a corrupt or misordered log.
 */
public final class MetadataDelta {
    private final MetadataImage base;
    private Map<Integer, BrokerRegistration> brokers; // copied from base on first change
    private Map<String, TopicImage> topics; // by id; copied from base on first change
    private Map<String, String> topicIdsByName; // copied from base on first topic added or removed
    private final Map<String, Map<Integer, PartitionRegistration>> changedPartitions = new HashMap<>();
    private Map<ConfigResource, Map<String, String>> configs; // copied from base on first change
    private long nextProducerId;

    public MetadataDelta(MetadataImage base) {
        this.base = base;
        this.nextProducerId = base.producerIds().nextProducerId();
    }

    public MetadataDelta replay(MetadataRecord record) {
        switch (record.getRecordCase()) {
            case REGISTER_BROKER -> replay(record.getRegisterBroker());
            case FENCE_BROKER -> replay(record.getFenceBroker());
            case UNFENCE_BROKER -> replay(record.getUnfenceBroker());
            case BROKER_REGISTRATION_CHANGE -> replay(record.getBrokerRegistrationChange());
            case UNREGISTER_BROKER -> replay(record.getUnregisterBroker());
            case TOPIC -> replay(record.getTopic());
            case PARTITION -> replay(record.getPartition());
            case PARTITION_CHANGE -> replay(record.getPartitionChange());
            case CONFIG -> replay(record.getConfig());
            case REMOVE_TOPIC -> replay(record.getRemoveTopic());
            case PRODUCER_IDS -> replay(record.getProducerIds());
            case NO_OP -> { }
            case RECORD_NOT_SET -> throw new IllegalStateException("metadata record with no record set");
        }
        return this;
    }

    public MetadataDelta replayAll(List<MetadataRecord> records) {
        records.forEach(this::replay);
        return this;
    }

    private Map<Integer, BrokerRegistration> brokers() {
        if (brokers == null) {
            brokers = new HashMap<>(base.cluster().brokers());
        }
        return brokers;
    }

    private BrokerRegistration broker(int id, long epoch, String recordName) {
        BrokerRegistration b = (brokers != null ? brokers : base.cluster().brokers()).get(id);
        if (b == null) {
            throw new IllegalStateException(recordName + " for unregistered broker " + id);
        }
        if (b.epoch() != epoch) {
            throw new IllegalStateException(recordName + " for broker " + id + " with epoch " + epoch
                    + " but its registration has epoch " + b.epoch());
        }
        return b;
    }

    private void replay(RegisterBrokerRecord r) {
        List<Endpoint> listeners = r.getListenersList().stream()
                .map((Listener e) -> new Endpoint(e.getName(), e.getHost(), e.getPort()))
                .toList();
        Optional<String> rack = r.getRack().isEmpty() ? Optional.empty() : Optional.of(r.getRack());
        brokers().put(r.getBrokerId(), new BrokerRegistration(r.getBrokerId(), r.getBrokerEpoch(),
                r.getIncarnationId(), listeners, rack, r.getFenced(), r.getInControlledShutdown()));
    }

    private void replay(FenceBrokerRecord r) {
        BrokerRegistration b = broker(r.getBrokerId(), r.getBrokerEpoch(), "FenceBrokerRecord");
        brokers().put(b.id(), b.withFenced(true));
    }

    private void replay(UnfenceBrokerRecord r) {
        BrokerRegistration b = broker(r.getBrokerId(), r.getBrokerEpoch(), "UnfenceBrokerRecord");
        brokers().put(b.id(), b.withFenced(false));
    }

    private void replay(BrokerRegistrationChangeRecord r) {
        BrokerRegistration b = broker(r.getBrokerId(), r.getBrokerEpoch(), "BrokerRegistrationChangeRecord");
        if (r.hasInControlledShutdown()) {
            b = b.withInControlledShutdown(r.getInControlledShutdown());
        }
        brokers().put(b.id(), b);
    }

    private void replay(UnregisterBrokerRecord r) {
        broker(r.getBrokerId(), r.getBrokerEpoch(), "UnregisterBrokerRecord");
        brokers().remove(r.getBrokerId());
    }

    private Map<String, TopicImage> topics() {
        if (topics == null) {
            topics = new HashMap<>(base.topics().byId());
        }
        return topics;
    }

    private TopicImage topic(String topicId, String recordName) {
        TopicImage t = (topics != null ? topics : base.topics().byId()).get(topicId);
        if (t == null) {
            throw new IllegalStateException(recordName + " for unknown topic id " + topicId);
        }
        return t;
    }

    private Map<String, String> topicIdsByName() {
        if (topicIdsByName == null) {
            topicIdsByName = new HashMap<>();
            base.topics().byName().forEach((name, t) -> topicIdsByName.put(name, t.id()));
        }
        return topicIdsByName;
    }

    private Map<Integer, PartitionRegistration> partitionsForChange(TopicImage t) {
        return changedPartitions.computeIfAbsent(t.id(), id -> new HashMap<>(t.partitions()));
    }

    private void replay(TopicRecord r) {
        Map<String, TopicImage> all = topics();
        if (all.containsKey(r.getTopicId())) {
            throw new IllegalStateException("TopicRecord for topic id " + r.getTopicId() + " which already exists");
        }
        if (topicIdsByName().putIfAbsent(r.getName(), r.getTopicId()) != null) {
            throw new IllegalStateException("TopicRecord for topic '" + r.getName() + "' which already exists");
        }
        all.put(r.getTopicId(), new TopicImage(r.getName(), r.getTopicId(), Map.of()));
        changedPartitions.put(r.getTopicId(), new HashMap<>());
    }

    private void replay(PartitionRecord r) {
        TopicImage t = topic(r.getTopicId(), "PartitionRecord");
        partitionsForChange(t).put(r.getPartition(), PartitionRegistration.fromRecord(r));
    }

    private void replay(PartitionChangeRecord r) {
        TopicImage t = topic(r.getTopicId(), "PartitionChangeRecord");
        Map<Integer, PartitionRegistration> parts = partitionsForChange(t);
        PartitionRegistration current = parts.get(r.getPartition());
        if (current == null) {
            throw new IllegalStateException("PartitionChangeRecord for unknown partition "
                    + t.name() + "-" + r.getPartition());
        }
        parts.put(r.getPartition(), current.merge(r));
    }

    private void replay(RemoveTopicRecord r) {
        TopicImage t = topic(r.getTopicId(), "RemoveTopicRecord");
        topics().remove(t.id());
        topicIdsByName().remove(t.name());
        changedPartitions.remove(t.id());
        // A topic's overrides die with it, so a later topic of the same name starts from the defaults.
        configs().remove(ConfigResource.topic(t.name()));
    }

    private Map<ConfigResource, Map<String, String>> configs() {
        if (configs == null) {
            configs = new HashMap<>();
            base.configs().resources().forEach((k, v) -> configs.put(k, new HashMap<>(v)));
        }
        return configs;
    }

    private void replay(ConfigRecord r) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.fromProto(r.getResourceType()),
                r.getResourceName());
        Map<String, String> values = configs().computeIfAbsent(resource, k -> new HashMap<>());
        if (r.hasValue()) {
            values.put(r.getName(), r.getValue());
        } else {
            values.remove(r.getName());
        }
    }

    private void replay(ProducerIdsRecord r) {
        if (r.getNextProducerId() <= nextProducerId) {
            throw new IllegalStateException("ProducerIdsRecord moves the next producer id back from "
                    + nextProducerId + " to " + r.getNextProducerId());
        }
        nextProducerId = r.getNextProducerId();
    }

    /** The image with every replayed record applied, at {@code offset}. */
    public MetadataImage apply(long offset) {
        if (offset < base.offset()) {
            throw new IllegalStateException("metadata offset moves back from " + base.offset() + " to " + offset);
        }
        ClusterImage cluster = brokers == null ? base.cluster() : new ClusterImage(brokers);
        TopicsImage topicsImage = base.topics();
        if (topics != null || !changedPartitions.isEmpty()) {
            Map<String, TopicImage> byId = new HashMap<>(topics());
            changedPartitions.forEach((id, parts) -> {
                TopicImage t = byId.get(id);
                byId.put(id, new TopicImage(t.name(), t.id(), parts));
            });
            topicsImage = TopicsImage.of(byId);
        }
        ConfigurationsImage configsImage = configs == null ? base.configs() : new ConfigurationsImage(configs);
        ProducerIdsImage ids = nextProducerId == base.producerIds().nextProducerId()
                ? base.producerIds() : new ProducerIdsImage(nextProducerId);
        return new MetadataImage(offset, cluster, topicsImage, configsImage, ids);
    }
}
