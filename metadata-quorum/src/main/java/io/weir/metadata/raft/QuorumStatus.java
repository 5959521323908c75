package io.weir.metadata.raft;

import java.util.List;

/**
 * A node's view of the quorum, for {@code weir quorum describe} and metrics. Times are in ticks; the runtime
 * converts them with its tick interval.
 *
 * @param nodeId the reporting node
 * @param role its role
 * @param leaderId the leader it knows of, or {@link RaftNode#NO_LEADER}
 * @param term the current term (Kafka's leader epoch)
 * @param commitIndex the high watermark: the highest index known to be committed
 * @param lastIndex the end of this node's log
 * @param nowTick ticks since this node started, the clock of {@code lastContactTick}
 * @param replicas on the leader, one row per voter and observer (itself included), ascending by id; empty
 *     on other nodes, which do not track replication
 */
public record QuorumStatus(int nodeId, Role role, int leaderId, long term, long commitIndex, long lastIndex,
                           long nowTick, List<Replica> replicas) {

    public QuorumStatus {
        replicas = List.copyOf(replicas);
    }

    /**
     * @param matchIndex the replica's log end as far as the leader knows: the last index matching its own
     * @param lag entries the replica is behind the leader's last index
     * @param lastContactTick when the leader last heard from it, -1 if never in this term
     */
    public record Replica(int nodeId, boolean voter, long matchIndex, long lag, long lastContactTick) {
    }
}
