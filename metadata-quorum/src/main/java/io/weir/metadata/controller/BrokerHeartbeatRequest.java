package io.weir.metadata.controller;

/**
 * A broker's periodic heartbeat: the metadata offset it has applied (to judge
 * whether it caught up) and whether it wants to shut down.
 */
public record BrokerHeartbeatRequest(int brokerId, long brokerEpoch, long currentMetadataOffset,
                                     boolean wantShutdown) {
}
