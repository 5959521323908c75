package io.weir.broker.replica;

/**
 * The leader's view of one follower, updated from the follower's fetches (Kafka's Replica).
 *
 * <p>Mutable; guarded by the owning {@link Partition}'s monitor.
 */
final class ReplicaState {
  long logEndOffset = -1; // unknown until the first fetch
  long lastCaughtUpTimeMs;
  long lastFetchLeaderLogEndOffset;
  long lastFetchTimeMs;
  String expansionBlockedBy; // why a caught-up follower was last kept out of the ISR, for logging

  ReplicaState(long lastCaughtUpTimeMs) {
    this.lastCaughtUpTimeMs = lastCaughtUpTimeMs;
  }

  /** Kafka's rule: caught up if it fetched from the leader's end, or past the end of its last fetch. */
  void updateFetchState(long fetchOffset, long leaderEndOffset, long nowMs) {
    if (fetchOffset >= leaderEndOffset) {
      lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, nowMs);
    } else if (fetchOffset >= lastFetchLeaderLogEndOffset) {
      lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, lastFetchTimeMs);
    }
    logEndOffset = fetchOffset;
    lastFetchLeaderLogEndOffset = leaderEndOffset;
    lastFetchTimeMs = nowMs;
  }
}
