package io.weir.metadata.image;

import java.util.HashMap;
import java.util.Map;

/** Config overrides per resource; keys absent here take their defaults. */
public record ConfigurationsImage(Map<ConfigResource, Map<String, String>> resources) {
    public static final ConfigurationsImage EMPTY = new ConfigurationsImage(Map.of());

    public ConfigurationsImage {
        Map<ConfigResource, Map<String, String>> copy = new HashMap<>();
        resources.forEach((k, v) -> {
            if (!v.isEmpty()) {
                copy.put(k, Map.copyOf(v));
            }
        });
        resources = Map.copyOf(copy);
    }

    /** The overrides of {@code resource}; empty when it has none. */
    public Map<String, String> configs(ConfigResource resource) {
        return resources.getOrDefault(resource, Map.of());
    }
}
