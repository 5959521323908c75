package io.weir.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.metadata.image.ConfigResource;
import io.weir.metadata.image.PartitionRegistration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CreateTopicsTest {
    private final ControllerTestEnv env = new ControllerTestEnv();

    @BeforeEach
    void threeBrokers() {
        env.startBrokers(3, 0);
    }

    private CreateTopicResult refused(CreatableTopic topic, Errors code, String message) {
        ControllerResult<List<CreateTopicResult>> r = env.logic.createTopics(env.image, List.of(topic), false);
        CreateTopicResult result = r.response().get(0);
        assertEquals(ApiError.of(code, message), result.error());
        assertEquals(List.of(), r.records(), "a refused topic writes nothing");
        return result;
    }

    private static CreatableTopic topic(String name, int partitions, int rf) {
        return new CreatableTopic(name, partitions, (short) rf, Map.of());
    }

    @Test
    void createsPartitionsWithFullIsrAndFirstReplicaLeading() {
        CreateTopicResult r = env.createTopic("orders", 4, 3, Map.of("retention.ms", "1000"));
        assertEquals(ApiError.NONE, r.error());
        assertEquals(4, r.numPartitions());
        assertEquals(3, r.replicationFactor());
        assertEquals(Optional.empty(), r.warning());
        assertEquals(r.topicId(), env.topic("orders").id());
        for (int i = 0; i < 4; i++) {
            PartitionRegistration p = env.partition("orders", i);
            assertEquals(3, p.replicas().size());
            assertEquals(p.replicas(), p.isr());
            assertEquals(p.replicas().get(0), p.leader());
            assertEquals(0, p.leaderEpoch());
            assertEquals(0, p.partitionEpoch());
        }
        assertEquals(Map.of("retention.ms", "1000"), env.image.configs().configs(ConfigResource.topic("orders")));
    }

    @Test
    void defaultsComeFromNumPartitionsAndDefaultReplicationFactor() {
        ControllerTestEnv custom = new ControllerTestEnv(ControllerConfig.fromProperties(
                Map.of("num.partitions", "5", "default.replication.factor", "2")));
        custom.startBrokers(2, 0);
        List<CreateTopicResult> r = custom.commit(custom.logic.createTopics(custom.image,
                List.of(CreatableTopic.withDefaults("d")), false));
        assertEquals(5, r.get(0).numPartitions());
        assertEquals(2, r.get(0).replicationFactor());
        assertEquals(5, custom.topic("d").partitions().size());
        assertEquals(2, custom.partition("d", 0).replicas().size());

        List<CreateTopicResult> kafkaDefaults = env.commit(env.logic.createTopics(env.image,
                List.of(CreatableTopic.withDefaults("k")), false));
        assertEquals(1, kafkaDefaults.get(0).numPartitions());
        assertEquals(1, kafkaDefaults.get(0).replicationFactor());
    }

    @Test
    void replicationFactorLargerThanAvailableBrokers() {
        refused(topic("t", 1, 4), Errors.INVALID_REPLICATION_FACTOR,
                "Replication factor: 4 larger than available brokers: 3.");
    }

    @Test
    void fencedBrokersAreNotAvailable() {
        env.fenceBySessionTimeout(2);
        refused(topic("t", 1, 3), Errors.INVALID_REPLICATION_FACTOR,
                "Replication factor: 3 larger than available brokers: 2.");
    }

    @Test
    void topicAlreadyExists() {
        env.createTopic("t", 1, 1, Map.of());
        refused(topic("t", 1, 1), Errors.TOPIC_ALREADY_EXISTS, "Topic 't' already exists.");
    }

    @Test
    void illegalNames() {
        refused(topic("", 1, 1), Errors.INVALID_TOPIC_EXCEPTION, "Topic name is illegal, it can't be empty");
        refused(topic(".", 1, 1), Errors.INVALID_TOPIC_EXCEPTION, "Topic name cannot be \".\" or \"..\"");
        refused(topic("..", 1, 1), Errors.INVALID_TOPIC_EXCEPTION, "Topic name cannot be \".\" or \"..\"");
        String longName = "a".repeat(250);
        refused(topic(longName, 1, 1), Errors.INVALID_TOPIC_EXCEPTION,
                "Topic name is illegal, it can't be longer than 249 characters, topic name: " + longName);
        refused(topic("a b", 1, 1), Errors.INVALID_TOPIC_EXCEPTION, "Topic name \"a b\" is illegal, it contains a"
                + " character other than ASCII alphanumerics, '.', '_' and '-'");
        refused(topic("ü", 1, 1), Errors.INVALID_TOPIC_EXCEPTION, "Topic name \"ü\" is illegal, it contains a"
                + " character other than ASCII alphanumerics, '.', '_' and '-'");
        assertEquals(ApiError.NONE, env.createTopic("a".repeat(249), 1, 1, Map.of()).error());
        assertEquals(ApiError.NONE, env.createTopic("Az09._-", 1, 1, Map.of()).error());
    }

    @Test
    void periodOrUnderscoreWarnsAndCollidingNameIsRefused() {
        CreateTopicResult r = env.createTopic("metrics.cpu", 1, 1, Map.of());
        assertEquals(ApiError.NONE, r.error());
        assertEquals(Optional.of(TopicNames.COLLISION_WARNING), r.warning());
        refused(topic("metrics_cpu", 1, 1), Errors.INVALID_TOPIC_EXCEPTION,
                "Topic 'metrics_cpu' collides with existing topic: metrics.cpu");
    }

    @Test
    void nonPositivePartitionsAndReplicationFactorAreNamed() {
        refused(topic("t", 0, 1), Errors.INVALID_PARTITIONS,
                "Number of partitions was set to an invalid non-positive value: 0.");
        refused(topic("t", -2, 1), Errors.INVALID_PARTITIONS,
                "Number of partitions was set to an invalid non-positive value: -2.");
        refused(topic("t", 1, 0), Errors.INVALID_REPLICATION_FACTOR,
                "Replication factor was set to an invalid non-positive value: 0.");
        refused(topic("t", 1, -3), Errors.INVALID_REPLICATION_FACTOR,
                "Replication factor was set to an invalid non-positive value: -3.");
    }

    @Test
    void everyInvalidConfigIsNamed() {
        refused(new CreatableTopic("t", 1, (short) 1, Map.of("retention.ms", "-2", "cleanup.policy", "shred",
                        "no.such.config", "1", "segment.bytes", "many", "unclean.leader.election.enable", "maybe")),
                Errors.INVALID_CONFIG,
                "Invalid value shred for configuration cleanup.policy: String must be one of: compact, delete; "
                        + "Unknown topic config name: no.such.config; "
                        + "Invalid value -2 for configuration retention.ms: Value must be at least -1; "
                        + "Invalid value many for configuration segment.bytes: Not a number of type INT; "
                        + "Invalid value maybe for configuration unclean.leader.election.enable: "
                        + "Expected value to be either true or false");
    }

    @Test
    void eachTopicConfigRuleRefusesABadValue() {
        Map<String, String> bad = Map.ofEntries(
                Map.entry("compression.type", "brotli"),
                Map.entry("delete.retention.ms", "-1"),
                Map.entry("flush.messages", "0"),
                Map.entry("flush.ms", "-1"),
                Map.entry("max.message.bytes", "-1"),
                Map.entry("message.timestamp.type", "WallClock"),
                Map.entry("min.cleanable.dirty.ratio", "1.5"),
                Map.entry("min.insync.replicas", "0"),
                Map.entry("retention.bytes", "ten"),
                Map.entry("segment.bytes", "1000"),
                Map.entry("segment.ms", "0"));
        bad.forEach((key, value) -> {
            ControllerResult<List<CreateTopicResult>> r = env.logic.createTopics(env.image,
                    List.of(new CreatableTopic("t", 1, (short) 1, Map.of(key, value))), false);
            ApiError e = r.response().get(0).error();
            assertEquals(Errors.INVALID_CONFIG, e.error(), key);
            assertTrue(e.message().startsWith("Invalid value " + value + " for configuration " + key + ": "),
                    e.message());
        });
    }

    @Test
    void duplicateNameInOneRequestAndValidateOnly() {
        ControllerResult<List<CreateTopicResult>> r = env.logic.createTopics(env.image,
                List.of(topic("t", 1, 1), topic("t", 2, 1)), true);
        assertEquals(List.of(), r.records(), "validateOnly writes nothing");
        assertEquals(ApiError.NONE, r.response().get(0).error());
        assertEquals(ApiError.of(Errors.INVALID_REQUEST, "Duplicate topic name."), r.response().get(1).error());
    }

    @Test
    void laterTopicsOfOneRequestSeeEarlierOnes() {
        List<CreateTopicResult> r = env.commit(env.logic.createTopics(env.image,
                List.of(topic("a.b", 1, 1), topic("a_b", 1, 1), topic("ok", 2, 2)), false));
        assertEquals(ApiError.NONE, r.get(0).error());
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION, r.get(1).error().error());
        assertEquals(ApiError.NONE, r.get(2).error());
        assertNotNull(env.topic("ok"));
        assertEquals(2, env.image.topics().byId().size());
    }
}
