package io.weir.metadata.raft.runtime;

import io.weir.metadata.raft.RaftNode;

/**
 * A request only the leader serves reached another node. Carries the leader this node knows of, so the
 * caller can redirect: {@code leaderId} is {@link RaftNode#NO_LEADER} and {@code leaderEndpoint} null while
 * none is known (an election is under way).
 */
public final class NotLeaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int leaderId;
    private final transient Endpoint leaderEndpoint;

    public NotLeaderException(int nodeId, int leaderId, Endpoint leaderEndpoint) {
        super("node " + nodeId + " is not the Raft leader; "
                + (leaderId == RaftNode.NO_LEADER ? "no leader is known" : "the leader is " + leaderId + " at "
                + leaderEndpoint));
        this.leaderId = leaderId;
        this.leaderEndpoint = leaderEndpoint;
    }

    public int leaderId() {
        return leaderId;
    }

    public Endpoint leaderEndpoint() {
        return leaderEndpoint;
    }
}
