package io.weir.metadata.controller;

import java.util.Map;
import java.util.Objects;

/**
 * A topic to create. {@code numPartitions} and {@code replicationFactor} of -1 take
 * {@code num.partitions} and {@code default.replication.factor}.
 */
public record CreatableTopic(String name, int numPartitions, short replicationFactor, Map<String, String> configs) {
    public static final int DEFAULT = -1;

    public CreatableTopic {
        Objects.requireNonNull(name, "name");
        configs = Map.copyOf(configs);
    }

    public static CreatableTopic withDefaults(String name) {
        return new CreatableTopic(name, DEFAULT, (short) DEFAULT, Map.of());
    }
}
