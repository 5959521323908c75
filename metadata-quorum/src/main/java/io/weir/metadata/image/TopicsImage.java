package io.weir.metadata.image;

import java.util.HashMap;
import java.util.Map;

/** All topics, by id and by name. */
public record TopicsImage(Map<String, TopicImage> byId, Map<String, TopicImage> byName) {
    public static final TopicsImage EMPTY = new TopicsImage(Map.of(), Map.of());

    public TopicsImage {
        byId = Map.copyOf(byId);
        byName = Map.copyOf(byName);
    }

    /** Builds both indexes from the topics by id. */
    public static TopicsImage of(Map<String, TopicImage> byId) {
        Map<String, TopicImage> byName = new HashMap<>();
        for (TopicImage t : byId.values()) {
            byName.put(t.name(), t);
        }
        return new TopicsImage(byId, byName);
    }

    public TopicImage topic(String name) {
        return byName.get(name);
    }

    public TopicImage topicById(String id) {
        return byId.get(id);
    }

    public PartitionRegistration partition(String topicId, int partition) {
        TopicImage t = byId.get(topicId);
        return t == null ? null : t.partition(partition);
    }
}
