package io.weir.metadata.image;

import io.weir.proto.v1.ConfigRecord;
import io.weir.proto.v1.MetadataRecord;
import io.weir.proto.v1.MetadataSnapshot;
import io.weir.proto.v1.ProducerIdsRecord;
import io.weir.proto.v1.RegisterBrokerRecord;
import io.weir.proto.v1.TopicRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The cluster metadata after applying the log up to {@code offset} (-1: nothing
 * applied). Immutable, so readers share it freely while the next image is built.
 */
public record MetadataImage(
        long offset,
        ClusterImage cluster,
        TopicsImage topics,
        ConfigurationsImage configs,
        ProducerIdsImage producerIds) {

    public static final MetadataImage EMPTY = new MetadataImage(
            -1, ClusterImage.EMPTY, TopicsImage.EMPTY, ConfigurationsImage.EMPTY, ProducerIdsImage.EMPTY);

    public MetadataImage {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(configs, "configs");
        Objects.requireNonNull(producerIds, "producerIds");
    }

    public MetadataImage apply(MetadataRecord record, long recordOffset) {
        return new MetadataDelta(this).replay(record).apply(recordOffset);
    }

    /** Applies a batch that ends at {@code lastOffset} (e.g. one Raft entry). */
    public MetadataImage apply(List<MetadataRecord> records, long lastOffset) {
        return new MetadataDelta(this).replayAll(records).apply(lastOffset);
    }

    /**
     * Records that rebuild this image from {@link #EMPTY}, in a fixed order so that
     * equal images give equal snapshots.
     */
    public List<MetadataRecord> toSnapshotRecords() {
        List<MetadataRecord> out = new ArrayList<>();
        cluster.brokers().values().stream()
                .sorted(Comparator.comparingInt(BrokerRegistration::id))
                .forEach(b -> out.add(MetadataRecord.newBuilder().setRegisterBroker(registerRecord(b)).build()));
        topics.byId().values().stream()
                .sorted(Comparator.comparing(TopicImage::name))
                .forEach(t -> {
                    out.add(MetadataRecord.newBuilder()
                            .setTopic(TopicRecord.newBuilder().setName(t.name()).setTopicId(t.id())).build());
                    t.partitions().entrySet().stream()
                            .sorted(Map.Entry.comparingByKey())
                            .forEach(p -> out.add(MetadataRecord.newBuilder()
                                    .setPartition(p.getValue().toRecord(t.id(), p.getKey())).build()));
                });
        configs.resources().entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<ConfigResource, Map<String, String>> e) -> e.getKey().type())
                        .thenComparing(e -> e.getKey().name()))
                .forEach(e -> e.getValue().entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .forEach(kv -> out.add(MetadataRecord.newBuilder().setConfig(ConfigRecord.newBuilder()
                                .setResourceType(e.getKey().type().toProto())
                                .setResourceName(e.getKey().name())
                                .setName(kv.getKey())
                                .setValue(kv.getValue())).build())));
        if (producerIds.nextProducerId() != 0) {
            out.add(MetadataRecord.newBuilder().setProducerIds(ProducerIdsRecord.newBuilder()
                    .setBrokerId(-1).setBrokerEpoch(-1)
                    .setNextProducerId(producerIds.nextProducerId())).build());
        }
        return out;
    }

    public MetadataSnapshot toSnapshot() {
        return MetadataSnapshot.newBuilder().setLastOffset(offset).addAllRecords(toSnapshotRecords()).build();
    }

    public static MetadataImage fromSnapshot(MetadataSnapshot snapshot) {
        return EMPTY.apply(snapshot.getRecordsList(), snapshot.getLastOffset());
    }

    private static RegisterBrokerRecord registerRecord(BrokerRegistration b) {
        RegisterBrokerRecord.Builder r = RegisterBrokerRecord.newBuilder()
                .setBrokerId(b.id())
                .setBrokerEpoch(b.epoch())
                .setIncarnationId(b.incarnationId())
                .setRack(b.rack().orElse(""))
                .setFenced(b.fenced())
                .setInControlledShutdown(b.inControlledShutdown());
        b.listeners().forEach(l -> r.addListenersBuilder().setName(l.name()).setHost(l.host()).setPort(l.port()));
        return r.build();
    }
}
