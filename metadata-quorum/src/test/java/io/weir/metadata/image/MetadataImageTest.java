package io.weir.metadata.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.proto.v1.BrokerRegistrationChangeRecord;
import io.weir.proto.v1.ConfigRecord;
import io.weir.proto.v1.ConfigResourceType;
import io.weir.proto.v1.FenceBrokerRecord;
import io.weir.proto.v1.MetadataRecord;
import io.weir.proto.v1.MetadataSnapshot;
import io.weir.proto.v1.NoOpRecord;
import io.weir.proto.v1.PartitionChangeRecord;
import io.weir.proto.v1.PartitionRecord;
import io.weir.proto.v1.ProducerIdsRecord;
import io.weir.proto.v1.RegisterBrokerRecord;
import io.weir.proto.v1.RemoveTopicRecord;
import io.weir.proto.v1.PartitionChangeRecord.BrokerIds;
import io.weir.proto.v1.TopicRecord;
import io.weir.proto.v1.UnfenceBrokerRecord;
import io.weir.proto.v1.UnregisterBrokerRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetadataImageTest {
    private static MetadataRecord register(int id, long epoch, String rack) {
        return MetadataRecord.newBuilder().setRegisterBroker(RegisterBrokerRecord.newBuilder()
                .setBrokerId(id).setBrokerEpoch(epoch).setIncarnationId("inc-" + id).setRack(rack).setFenced(true)
                .addListeners(RegisterBrokerRecord.Listener.newBuilder().setName("PLAINTEXT").setHost("h" + id)
                        .setPort(9092))).build();
    }

    private static MetadataRecord unfence(int id, long epoch) {
        return MetadataRecord.newBuilder().setUnfenceBroker(UnfenceBrokerRecord.newBuilder()
                .setBrokerId(id).setBrokerEpoch(epoch)).build();
    }

    private static MetadataRecord topic(String name, String id) {
        return MetadataRecord.newBuilder().setTopic(TopicRecord.newBuilder().setName(name).setTopicId(id)).build();
    }

    private static MetadataRecord partition(String topicId, int p, List<Integer> replicas) {
        return MetadataRecord.newBuilder().setPartition(PartitionRecord.newBuilder().setTopicId(topicId)
                .setPartition(p).addAllReplicas(replicas).addAllIsr(replicas).setLeader(replicas.get(0))).build();
    }

    private static MetadataRecord config(ConfigResourceType type, String name, String key, String value) {
        ConfigRecord.Builder c = ConfigRecord.newBuilder().setResourceType(type).setResourceName(name).setName(key);
        if (value != null) {
            c.setValue(value);
        }
        return MetadataRecord.newBuilder().setConfig(c).build();
    }

    private static MetadataRecord change(String topicId, int p, Integer leader, List<Integer> isr) {
        PartitionChangeRecord.Builder c = PartitionChangeRecord.newBuilder().setTopicId(topicId).setPartition(p);
        if (leader != null) {
            c.setLeader(leader);
        }
        if (isr != null) {
            c.setIsr(BrokerIds.newBuilder().addAllBrokerIds(isr));
        }
        return MetadataRecord.newBuilder().setPartitionChange(c).build();
    }

    /** An image with brokers in every state, topics, configs and producer ids. */
    private static MetadataImage richImage() {
        MetadataImage image = MetadataImage.EMPTY;
        long offset = 0;
        for (MetadataRecord r : List.of(
                register(1, 1, "a"), register(2, 2, "b"), register(3, 3, ""),
                unfence(1, 1), unfence(2, 2),
                MetadataRecord.newBuilder().setBrokerRegistrationChange(BrokerRegistrationChangeRecord.newBuilder()
                        .setBrokerId(2).setBrokerEpoch(2).setInControlledShutdown(true)).build(),
                topic("orders", "id-orders"), partition("id-orders", 0, List.of(1, 2)),
                partition("id-orders", 1, List.of(2, 1)),
                topic("logs", "id-logs"), partition("id-logs", 0, List.of(1)),
                change("id-orders", 1, 1, List.of(1)),
                config(ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC, "orders", "retention.ms", "10"),
                config(ConfigResourceType.CONFIG_RESOURCE_TYPE_BROKER, "", "log.retention.ms", "20"),
                MetadataRecord.newBuilder().setProducerIds(ProducerIdsRecord.newBuilder().setBrokerId(1)
                        .setBrokerEpoch(1).setNextProducerId(1000)).build(),
                MetadataRecord.newBuilder().setNoOp(NoOpRecord.getDefaultInstance()).build())) {
            image = image.apply(r, offset++);
        }
        return image;
    }

    @Test
    void appliesEveryRecordKind() {
        MetadataImage image = richImage();
        assertEquals(15, image.offset());
        BrokerRegistration b1 = image.cluster().broker(1);
        assertFalse(b1.fenced());
        assertEquals(Optional.of("a"), b1.rack());
        assertEquals(List.of(new Endpoint("PLAINTEXT", "h1", 9092)), b1.listeners());
        assertTrue(image.cluster().broker(2).inControlledShutdown());
        assertFalse(image.cluster().isActive(2));
        assertTrue(image.cluster().broker(3).fenced());
        assertEquals(Optional.empty(), image.cluster().broker(3).rack());
        assertEquals(List.of(1), image.cluster().activeBrokers().stream().map(BrokerRegistration::id).toList());
        PartitionRegistration p = image.topics().topic("orders").partition(1);
        assertEquals(new PartitionRegistration(List.of(2, 1), List.of(1), 1, 1, 1), p);
        assertEquals(Map.of("retention.ms", "10"), image.configs().configs(ConfigResource.topic("orders")));
        assertEquals(Map.of("log.retention.ms", "20"), image.configs().configs(ConfigResource.CLUSTER_DEFAULT));
        assertEquals(1000, image.producerIds().nextProducerId());
        assertSame(image.topics().topic("logs"), image.topics().topicById("id-logs"));
    }

    @Test
    void snapshotRebuildsAnEqualImage() throws Exception {
        MetadataImage image = richImage();
        MetadataSnapshot snapshot = image.toSnapshot();
        MetadataImage rebuilt = MetadataImage.fromSnapshot(MetadataSnapshot.parseFrom(snapshot.toByteArray()));
        assertEquals(image, rebuilt);
        assertEquals(snapshot, rebuilt.toSnapshot(), "equal images give byte-equal snapshots");
        assertEquals(MetadataImage.EMPTY.toSnapshotRecords(), List.of());
    }

    @Test
    void partitionChangeEpochRules() {
        PartitionRegistration p = new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2, 3), 1, 4, 7);
        PartitionRegistration isrOnly = p.merge(change("x", 0, null, List.of(1, 2)).getPartitionChange());
        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2), 1, 4, 8), isrOnly);
        PartitionRegistration newLeader = isrOnly.merge(change("x", 0, 2, List.of(2)).getPartitionChange());
        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(2), 2, 5, 9), newLeader);
        assertTrue(newLeader.merge(change("x", 0, -1, null).getPartitionChange()).isOffline());
    }

    @Test
    void removingTopicDropsItsPartitionsAndConfigs() {
        MetadataImage image = richImage().apply(MetadataRecord.newBuilder()
                .setRemoveTopic(RemoveTopicRecord.newBuilder().setTopicId("id-orders")).build(), 16);
        assertNull(image.topics().topic("orders"));
        assertNull(image.topics().topicById("id-orders"));
        assertEquals(Map.of(), image.configs().configs(ConfigResource.topic("orders")));
        assertEquals(Map.of("log.retention.ms", "20"), image.configs().configs(ConfigResource.CLUSTER_DEFAULT));
    }

    @Test
    void configRemovalAndUnregister() {
        MetadataImage image = richImage().apply(List.of(
                config(ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC, "orders", "retention.ms", null),
                MetadataRecord.newBuilder().setUnregisterBroker(UnregisterBrokerRecord.newBuilder().setBrokerId(3)
                        .setBrokerEpoch(3)).build()), 16);
        assertEquals(Map.of(), image.configs().configs(ConfigResource.topic("orders")));
        assertFalse(image.configs().resources().containsKey(ConfigResource.topic("orders")));
        assertNull(image.cluster().broker(3));
    }

    @Test
    void batchOfRecordsEqualsRecordByRecord() {
        List<MetadataRecord> records = List.of(register(1, 1, "a"), unfence(1, 1), topic("t", "id-t"),
                partition("id-t", 0, List.of(1)), change("id-t", 0, -1, null), change("id-t", 0, 1, null));
        MetadataImage one = MetadataImage.EMPTY;
        for (MetadataRecord r : records) {
            one = one.apply(r, 5);
        }
        assertEquals(one, MetadataImage.EMPTY.apply(records, 5));
        assertEquals(2, one.topics().topic("t").partition(0).leaderEpoch());
    }

    @Test
    void recordsContradictingTheImageAreRefusedByName() {
        MetadataImage image = richImage();
        assertMessage(image, change("nope", 0, 1, null), "PartitionChangeRecord for unknown topic id nope");
        assertMessage(image, change("id-orders", 5, 1, null), "PartitionChangeRecord for unknown partition orders-5");
        assertMessage(image, topic("orders", "other-id"), "TopicRecord for topic 'orders' which already exists");
        assertMessage(image, topic("other", "id-orders"), "TopicRecord for topic id id-orders which already exists");
        assertMessage(image, MetadataRecord.newBuilder().setFenceBroker(FenceBrokerRecord.newBuilder()
                .setBrokerId(1).setBrokerEpoch(9)).build(),
                "FenceBrokerRecord for broker 1 with epoch 9 but its registration has epoch 1");
        assertMessage(image, unfence(8, 1), "UnfenceBrokerRecord for unregistered broker 8");
        assertMessage(image, MetadataRecord.newBuilder().setProducerIds(ProducerIdsRecord.newBuilder()
                .setNextProducerId(500)).build(), "ProducerIdsRecord moves the next producer id back from 1000 to 500");
        assertMessage(image, MetadataRecord.getDefaultInstance(), "metadata record with no record set");
        IllegalStateException back = assertThrows(IllegalStateException.class,
                () -> image.apply(unfence(1, 1), 3));
        assertEquals("metadata offset moves back from 15 to 3", back.getMessage());
    }

    private static void assertMessage(MetadataImage image, MetadataRecord r, String message) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> image.apply(r, image.offset() + 1));
        assertEquals(message, e.getMessage());
    }
}
