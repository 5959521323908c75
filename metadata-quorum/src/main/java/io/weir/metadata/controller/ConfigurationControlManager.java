package io.weir.metadata.controller;

import io.weir.metadata.image.ConfigResource;
import io.weir.metadata.image.MetadataImage;
import io.weir.proto.v1.MetadataRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Topic configs and their cluster-wide defaults. A topic's effective value is
 * its override, else the dynamic cluster default (broker resource "", under the
 * broker-level key), else the static default. Broker resources accept only the
 * broker-level keys of topic configs, the ones the controller can validate.
 */
final class ConfigurationControlManager {
    private final ControllerConfig config;

    ConfigurationControlManager(ControllerConfig config) {
        this.config = config;
    }

    /** Why the topic overrides are invalid (every bad key named), or null when valid. */
    String validateTopicConfigs(Map<String, String> configs) {
        List<String> problems = new ArrayList<>();
        configs.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            TopicConfigDef def = TopicConfigs.DEFS.get(e.getKey());
            if (def == null) {
                problems.add("Unknown topic config name: " + e.getKey());
            } else {
                String reason = def.validate(e.getValue());
                if (reason != null) {
                    problems.add(reason);
                }
            }
        });
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    ControllerResult<Map<ConfigResource, ApiError>> incrementalAlterConfigs(
            MetadataImage image, Map<ConfigResource, List<AlterConfigOp>> changes) {
        List<MetadataRecord> records = new ArrayList<>();
        Map<ConfigResource, ApiError> results = new LinkedHashMap<>();
        changes.forEach((resource, ops) -> {
            List<MetadataRecord> out = new ArrayList<>();
            ApiError error = alterResource(image, resource, ops, out);
            results.put(resource, error);
            if (error.isSuccess()) {
                records.addAll(out);
            }
        });
        return ControllerResult.of(records, results);
    }

    private ApiError alterResource(MetadataImage image, ConfigResource resource, List<AlterConfigOp> ops,
                                   List<MetadataRecord> out) {
        Map<String, TopicConfigDef> defs;
        if (resource.type() == ConfigResource.Type.TOPIC) {
            if (image.topics().topic(resource.name()) == null) {
                return ApiError.of(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        "Topic '" + resource.name() + "' does not exist.");
            }
            defs = TopicConfigs.DEFS;
        } else {
            if (!resource.name().isEmpty() && !resource.name().matches("\\d{1,9}")) {
                return ApiError.of(Errors.INVALID_REQUEST,
                        "Broker resource name must be a broker id or empty (cluster default): " + resource.name());
            }
            defs = TopicConfigs.BY_BROKER_SYNONYM;
        }
        Map<String, String> current = new HashMap<>(image.configs().configs(resource));
        Set<String> touched = new HashSet<>();
        for (AlterConfigOp op : ops) {
            TopicConfigDef def = defs.get(op.name());
            if (def == null) {
                return ApiError.of(Errors.INVALID_CONFIG, resource.type() == ConfigResource.Type.TOPIC
                        ? "Unknown topic config name: " + op.name()
                        : "Unknown or not dynamically updatable broker config: " + op.name());
            }
            if (!touched.add(op.name())) {
                return ApiError.of(Errors.INVALID_REQUEST, "Config " + op.name() + " appears more than once.");
            }
            String next;
            switch (op.type()) {
                case SET -> {
                    if (op.value() == null) {
                        return ApiError.of(Errors.INVALID_REQUEST, "Null value not supported for SET of " + op.name()
                                + "; use DELETE to remove an override.");
                    }
                    next = op.value();
                }
                case DELETE -> next = null;
                case APPEND, SUBTRACT -> {
                    if (def.type() != TopicConfigDef.Type.LIST) {
                        return ApiError.of(Errors.INVALID_CONFIG, "Config value " + op.type().name().toLowerCase()
                                + " is not allowed for config key: " + op.name());
                    }
                    next = appendOrSubtract(op, current.getOrDefault(op.name(), def.defaultValue()));
                }
                default -> throw new IllegalStateException("unhandled " + op.type());
            }
            if (next != null) {
                String reason = def.validate(op.name(), next);
                if (reason != null) {
                    return ApiError.of(Errors.INVALID_CONFIG, reason);
                }
                current.put(op.name(), next);
            } else {
                current.remove(op.name());
            }
            out.add(MetadataRecords.config(resource, op.name(), next));
        }
        return ApiError.NONE;
    }

    private static String appendOrSubtract(AlterConfigOp op, String currentValue) {
        Set<String> values = new LinkedHashSet<>(TopicConfigDef.splitList(currentValue));
        List<String> operands = op.value() == null ? List.of() : TopicConfigDef.splitList(op.value());
        if (op.type() == AlterConfigOp.OpType.APPEND) {
            values.addAll(operands);
        } else {
            operands.forEach(values::remove);
        }
        return String.join(",", values);
    }

    DescribeConfigsResult describeConfigs(MetadataImage image, ConfigResource resource) {
        if (resource.type() != ConfigResource.Type.TOPIC) {
            List<ConfigEntry> entries = new ArrayList<>();
            Map<String, String> own = image.configs().configs(resource);
            own.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> entries.add(new ConfigEntry(
                    e.getKey(), e.getValue(), resource.name().isEmpty()
                            ? ConfigEntry.Source.DYNAMIC_DEFAULT_BROKER_CONFIG
                            : ConfigEntry.Source.DYNAMIC_BROKER_CONFIG)));
            return new DescribeConfigsResult(ApiError.NONE, entries);
        }
        if (image.topics().topic(resource.name()) == null) {
            return new DescribeConfigsResult(ApiError.of(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "Topic '" + resource.name() + "' does not exist."), List.of());
        }
        List<ConfigEntry> entries = new ArrayList<>();
        for (TopicConfigDef def : TopicConfigs.DEFS.values()) {
            entries.add(effective(image, resource.name(), def));
        }
        return new DescribeConfigsResult(ApiError.NONE, entries);
    }

    private ConfigEntry effective(MetadataImage image, String topic, TopicConfigDef def) {
        String override = image.configs().configs(ConfigResource.topic(topic)).get(def.name());
        if (override != null) {
            return new ConfigEntry(def.name(), override, ConfigEntry.Source.TOPIC_CONFIG);
        }
        String clusterDefault = image.configs().configs(ConfigResource.CLUSTER_DEFAULT).get(def.brokerSynonym());
        if (clusterDefault != null) {
            return new ConfigEntry(def.name(), clusterDefault, ConfigEntry.Source.DYNAMIC_DEFAULT_BROKER_CONFIG);
        }
        String dflt = def.name().equals(TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE)
                ? Boolean.toString(config.uncleanLeaderElectionEnable()) : def.defaultValue();
        return new ConfigEntry(def.name(), dflt, ConfigEntry.Source.DEFAULT_CONFIG);
    }

    boolean uncleanLeaderElectionEnabled(MetadataImage image, String topic) {
        return Boolean.parseBoolean(effective(image, topic,
                TopicConfigs.DEFS.get(TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE)).value().trim());
    }
}
