package io.weir.metadata.image;

import java.util.Map;
import java.util.Objects;

/** A topic: its name, its id (fixed for its life) and its partitions by index. */
public record TopicImage(String name, String id, Map<Integer, PartitionRegistration> partitions) {
    public TopicImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        partitions = Map.copyOf(partitions);
    }

    public PartitionRegistration partition(int index) {
        return partitions.get(index);
    }
}
