package io.weir.metadata.image;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A registered broker as the metadata log knows it. The epoch identifies this
 * registration: requests carrying an older epoch come from a previous
 * incarnation and are refused.
 */
public record BrokerRegistration(
        int id,
        long epoch,
        String incarnationId,
        List<Endpoint> listeners,
        Optional<String> rack,
        boolean fenced,
        boolean inControlledShutdown) {

    public BrokerRegistration {
        Objects.requireNonNull(incarnationId, "incarnationId");
        listeners = List.copyOf(listeners);
        Objects.requireNonNull(rack, "rack");
    }

    /** Unfenced and not shutting down: may lead partitions and receive new replicas. */
    public boolean isActive() {
        return !fenced && !inControlledShutdown;
    }

    public BrokerRegistration withFenced(boolean newFenced) {
        return new BrokerRegistration(id, epoch, incarnationId, listeners, rack, newFenced, inControlledShutdown);
    }

    public BrokerRegistration withInControlledShutdown(boolean flag) {
        return new BrokerRegistration(id, epoch, incarnationId, listeners, rack, fenced, flag);
    }
}
