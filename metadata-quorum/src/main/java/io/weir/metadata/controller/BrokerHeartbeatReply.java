package io.weir.metadata.controller;

/**
 * The broker's state once this heartbeat's records commit. {@code shouldShutDown}
 * is true only after its leaderships have moved away in committed metadata.
 */
public record BrokerHeartbeatReply(ApiError error, boolean isCaughtUp, boolean isFenced,
                                   boolean inControlledShutdown, boolean shouldShutDown) {
    static BrokerHeartbeatReply failed(ApiError error) {
        return new BrokerHeartbeatReply(error, false, true, false, false);
    }
}
