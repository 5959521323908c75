/** Follower replication: one fetcher thread per leader broker, long-poll fetches with divergence truncation, over gRPC or any LeaderEndpoint. */
package io.weir.broker.fetcher;
