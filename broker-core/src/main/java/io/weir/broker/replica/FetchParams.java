package io.weir.broker.replica;

/**
 * The request-level part of a fetch.
 *
 * @param replicaId the follower's broker id, or -1 for a consumer
 * @param rackId the consumer's {@code client.rack}, "" when unset
 */
public record FetchParams(int replicaId, long maxWaitMs, int minBytes, int maxBytes, String rackId) {
  public boolean isFromFollower() {
    return replicaId >= 0;
  }
}
