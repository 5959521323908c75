package io.weir.client.admin;

import java.util.List;

/** The metadata quorum as its leader sees it (Kafka's {@code QuorumInfo}). */
public record QuorumDescription(int leaderId, long leaderEpoch, long highWatermark, List<ReplicaState> voters,
    List<ReplicaState> observers) {
  public QuorumDescription {
    voters = List.copyOf(voters);
    observers = List.copyOf(observers);
  }

  /** {@code lastContactTimestampMs} is -1 when the leader has not heard from the replica this term. */
  public record ReplicaState(int nodeId, long logEndOffset, long lag, long lastContactTimestampMs) {}
}
