package io.weir.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.weir.metadata.image.ConfigResource;
import io.weir.metadata.image.PartitionRegistration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TopicOperationsTest {
    private final ControllerTestEnv env = new ControllerTestEnv();

    @BeforeEach
    void threeBrokers() {
        env.startBrokers(3, 0);
    }

    @Test
    void deleteRemovesTopicAndItsConfigsAndUnknownIsNamed() {
        String oldId = env.createTopic("t", 2, 2, Map.of("retention.ms", "5")).topicId();
        Map<String, ApiError> r = env.commit(env.logic.deleteTopics(env.image, List.of("t", "missing")));
        assertEquals(ApiError.NONE, r.get("t"));
        assertEquals(ApiError.of(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic 'missing' does not exist."),
                r.get("missing"));
        assertNull(env.topic("t"));
        assertEquals(Map.of(), env.image.configs().configs(ConfigResource.topic("t")));
        String newId = env.createTopic("t", 1, 1, Map.of()).topicId();
        assertNotEquals(oldId, newId, "a recreated topic gets a new id");
    }

    @Test
    void createPartitionsIncreasesOnly() {
        env.createTopic("t", 3, 2, Map.of());
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("t", 2);
        assertEquals(ApiError.of(Errors.INVALID_PARTITIONS,
                "Topic currently has 3 partitions, which is higher than the requested 2."),
                env.logic.createPartitions(env.image, counts).response().get("t"));
        assertEquals(ApiError.of(Errors.INVALID_PARTITIONS, "Topic already has 3 partitions."),
                env.logic.createPartitions(env.image, Map.of("t", 3)).response().get("t"));
        assertEquals(ApiError.of(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic 'nope' does not exist."),
                env.logic.createPartitions(env.image, Map.of("nope", 3)).response().get("nope"));
        assertEquals(ApiError.NONE, env.commit(env.logic.createPartitions(env.image, Map.of("t", 5))).get("t"));
        assertEquals(5, env.topic("t").partitions().size());
        for (int i = 3; i < 5; i++) {
            PartitionRegistration p = env.partition("t", i);
            assertEquals(2, p.replicas().size(), "new partitions keep the replication factor");
            assertEquals(p.replicas(), p.isr());
        }
    }

    @Test
    void createPartitionsNeedsEnoughBrokers() {
        env.createTopic("t", 1, 3, Map.of());
        env.fenceBySessionTimeout(0);
        assertEquals(ApiError.of(Errors.INVALID_REPLICATION_FACTOR,
                "Replication factor: 3 larger than available brokers: 2."),
                env.logic.createPartitions(env.image, Map.of("t", 2)).response().get("t"));
    }

    @Test
    void producerIdsComeInDisjointBlocksOfAThousand() {
        long epoch0 = env.image.cluster().broker(0).epoch();
        long epoch1 = env.image.cluster().broker(1).epoch();
        ProducerIdsBlock a = env.commit(env.logic.allocateProducerIds(env.image, 0, epoch0));
        ProducerIdsBlock b = env.commit(env.logic.allocateProducerIds(env.image, 1, epoch1));
        assertEquals(new ProducerIdsBlock(ApiError.NONE, 0, 1000), a);
        assertEquals(new ProducerIdsBlock(ApiError.NONE, 1000, 1000), b);
        assertEquals(2000, env.image.producerIds().nextProducerId());
        ProducerIdsBlock stale = env.commit(env.logic.allocateProducerIds(env.image, 0, epoch0 - 1));
        assertEquals(Errors.STALE_BROKER_EPOCH, stale.error().error());
        assertEquals(2000, env.image.producerIds().nextProducerId());
    }

    @Test
    void producerIdsRunOutWithAnError() {
        env.image = env.image.apply(io.weir.proto.v1.MetadataRecord.newBuilder().setProducerIds(
                io.weir.proto.v1.ProducerIdsRecord.newBuilder().setNextProducerId(Long.MAX_VALUE - 10)).build(),
                env.image.offset() + 1);
        ControllerResult<ProducerIdsBlock> r = env.logic.allocateProducerIds(env.image, 0,
                env.image.cluster().broker(0).epoch());
        assertEquals(ApiError.of(Errors.INVALID_REQUEST, "Producer ids are exhausted."), r.response().error());
        assertEquals(List.of(), r.records());
    }
}
