package io.weir.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weir.metadata.image.ConfigResource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfigurationControlTest {
    private final ControllerTestEnv env = new ControllerTestEnv();
    private final ConfigResource topic = ConfigResource.topic("t");

    @BeforeEach
    void topicOnOneBroker() {
        env.startBrokers(1, 0);
        env.createTopic("t", 1, 1, Map.of("retention.ms", "1000"));
    }

    private ApiError alter(ConfigResource resource, AlterConfigOp... ops) {
        return env.commit(env.logic.incrementalAlterConfigs(env.image, Map.of(resource, List.of(ops))))
                .get(resource);
    }

    private ConfigEntry describe(String key) {
        DescribeConfigsResult r = env.logic.describeConfigs(env.image, topic);
        return r.entries().stream().filter(e -> e.name().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void setAndDeleteOverrides() {
        assertEquals(ApiError.NONE, alter(topic, AlterConfigOp.set("segment.ms", "60000"),
                AlterConfigOp.delete("retention.ms")));
        assertEquals(Map.of("segment.ms", "60000"), env.image.configs().configs(topic));
    }

    @Test
    void describeShowsEffectiveValueAndSource() {
        assertEquals(new ConfigEntry("retention.ms", "1000", ConfigEntry.Source.TOPIC_CONFIG), describe("retention.ms"));
        assertEquals(new ConfigEntry("segment.bytes", "1073741824", ConfigEntry.Source.DEFAULT_CONFIG),
                describe("segment.bytes"));
        assertEquals(new ConfigEntry("cleanup.policy", "delete", ConfigEntry.Source.DEFAULT_CONFIG),
                describe("cleanup.policy"));
        assertEquals(ApiError.NONE, alter(ConfigResource.CLUSTER_DEFAULT, AlterConfigOp.set("log.segment.bytes",
                "2097152")));
        assertEquals(new ConfigEntry("segment.bytes", "2097152", ConfigEntry.Source.DYNAMIC_DEFAULT_BROKER_CONFIG),
                describe("segment.bytes"));
        assertEquals(TopicConfigs.DEFS.size(), env.logic.describeConfigs(env.image, topic).entries().size());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                env.logic.describeConfigs(env.image, ConfigResource.topic("x")).error().error());
    }

    @Test
    void appendAndSubtractOnListConfigsOnly() {
        assertEquals(ApiError.NONE, alter(topic, new AlterConfigOp("cleanup.policy", AlterConfigOp.OpType.APPEND,
                "compact")));
        assertEquals("delete,compact", env.image.configs().configs(topic).get("cleanup.policy"));
        assertEquals(ApiError.NONE, alter(topic, new AlterConfigOp("cleanup.policy", AlterConfigOp.OpType.SUBTRACT,
                "delete")));
        assertEquals("compact", env.image.configs().configs(topic).get("cleanup.policy"));
        assertEquals(ApiError.of(Errors.INVALID_CONFIG, "Config value append is not allowed for config key:"
                + " retention.ms"), alter(topic, new AlterConfigOp("retention.ms", AlterConfigOp.OpType.APPEND, "1")));
    }

    @Test
    void refusalsNameTheProblemAndWriteNothing() {
        Map<ConfigResource, List<AlterConfigOp>> changes = new LinkedHashMap<>();
        changes.put(topic, List.of(AlterConfigOp.set("segment.ms", "1"), AlterConfigOp.set("retention.ms", "x")));
        ControllerResult<Map<ConfigResource, ApiError>> r = env.logic.incrementalAlterConfigs(env.image, changes);
        assertEquals(ApiError.of(Errors.INVALID_CONFIG,
                "Invalid value x for configuration retention.ms: Not a number of type LONG"), r.response().get(topic));
        assertEquals(List.of(), r.records(), "a refused resource changes nothing, not even its valid keys");

        assertEquals(ApiError.of(Errors.INVALID_CONFIG, "Unknown topic config name: retention"),
                alter(topic, AlterConfigOp.set("retention", "1")));
        assertEquals(ApiError.of(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic 'x' does not exist."),
                alter(ConfigResource.topic("x"), AlterConfigOp.set("retention.ms", "1")));
        assertEquals(ApiError.of(Errors.INVALID_CONFIG, "Unknown or not dynamically updatable broker config:"
                + " retention.ms"), alter(ConfigResource.CLUSTER_DEFAULT, AlterConfigOp.set("retention.ms", "1")));
        assertEquals(ApiError.of(Errors.INVALID_REQUEST, "Broker resource name must be a broker id or empty"
                + " (cluster default): b1"), alter(new ConfigResource(ConfigResource.Type.BROKER, "b1"),
                AlterConfigOp.set("log.retention.ms", "1")));
        assertEquals(ApiError.of(Errors.INVALID_CONFIG, "Invalid value -5 for configuration log.retention.ms:"
                + " Value must be at least -1"), alter(ConfigResource.CLUSTER_DEFAULT,
                AlterConfigOp.set("log.retention.ms", "-5")));
        assertEquals(ApiError.of(Errors.INVALID_REQUEST, "Null value not supported for SET of segment.ms; use DELETE"
                + " to remove an override."), alter(topic, AlterConfigOp.set("segment.ms", null)));
        assertEquals(ApiError.of(Errors.INVALID_REQUEST, "Config segment.ms appears more than once."),
                alter(topic, AlterConfigOp.set("segment.ms", "1"), AlterConfigOp.delete("segment.ms")));
    }

    @Test
    void brokerScopeConfigsAreDescribedWithTheirSource() {
        ConfigResource broker0 = new ConfigResource(ConfigResource.Type.BROKER, "0");
        assertEquals(ApiError.NONE, alter(broker0, AlterConfigOp.set("log.retention.ms", "5")));
        assertEquals(ApiError.NONE, alter(ConfigResource.CLUSTER_DEFAULT, AlterConfigOp.set("log.retention.ms", "7")));
        assertEquals(List.of(new ConfigEntry("log.retention.ms", "5", ConfigEntry.Source.DYNAMIC_BROKER_CONFIG)),
                env.logic.describeConfigs(env.image, broker0).entries());
        assertEquals(List.of(new ConfigEntry("log.retention.ms", "7",
                ConfigEntry.Source.DYNAMIC_DEFAULT_BROKER_CONFIG)),
                env.logic.describeConfigs(env.image, ConfigResource.CLUSTER_DEFAULT).entries());
        // A per-broker value does not change a topic's effective value; the cluster default does.
        assertEquals(new ConfigEntry("retention.ms", "1000", ConfigEntry.Source.TOPIC_CONFIG), describe("retention.ms"));
        alter(topic, AlterConfigOp.delete("retention.ms"));
        assertEquals(new ConfigEntry("retention.ms", "7", ConfigEntry.Source.DYNAMIC_DEFAULT_BROKER_CONFIG),
                describe("retention.ms"));
    }
}
