package io.weir.metadata.image;

import java.util.Objects;

/** One listener a broker advertises, e.g. {@code PLAINTEXT://host:9092}. */
public record Endpoint(String name, String host, int port) {
    public Endpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
    }
}
