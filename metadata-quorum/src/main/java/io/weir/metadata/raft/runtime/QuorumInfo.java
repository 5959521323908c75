package io.weir.metadata.raft.runtime;

import java.util.List;

/**
 * The leader's view of the quorum, what {@code weir quorum describe} prints (Kafka's {@code QuorumInfo}).
 *
 * @param leaderId the leader's node id
 * @param term the leader's term (Kafka's leader epoch)
 * @param highWatermark the commit index
 * @param voters every voter, the leader included, ascending by id
 * @param observers every observer that fetched from this leader recently, ascending by id
 */
public record QuorumInfo(int leaderId, long term, long highWatermark, List<ReplicaState> voters,
                         List<ReplicaState> observers) {

    public QuorumInfo {
        voters = List.copyOf(voters);
        observers = List.copyOf(observers);
    }

    /**
     * @param logEndOffset the replica's last index as far as the leader knows
     * @param lag entries the replica is behind the leader's log end
     * @param lastContactTimestampMs wall-clock time the leader last heard from it, -1 if never in this term
     */
    public record ReplicaState(int replicaId, long logEndOffset, long lag, long lastContactTimestampMs) {
    }
}
