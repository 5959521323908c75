package io.weir.metadata.controller;

import io.weir.metadata.image.Endpoint;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A broker process announcing itself; a new process gets a new incarnation id. */
public record RegisterBrokerRequest(int brokerId, String incarnationId, List<Endpoint> listeners,
                                    Optional<String> rack) {
    public RegisterBrokerRequest {
        Objects.requireNonNull(incarnationId, "incarnationId");
        listeners = List.copyOf(listeners);
        Objects.requireNonNull(rack, "rack");
    }
}
