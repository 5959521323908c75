package io.weir.metadata.raft;

public enum Role {
    FOLLOWER,
    /** Polls voters with a pre-vote before incrementing its term, so a partitioned node cannot disrupt. */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER,
    /** A non-voting member (a broker): follows the committed log, never campaigns, votes or counts. */
    OBSERVER
}
