package io.weir.metadata.raft;

/**
 * A request that only the leader can serve reached another node.
 *
 * @param leaderHint the leader this node currently follows, or {@link RaftNode#NO_LEADER}
 */
public record NotLeader(int leaderHint) implements ProposeResult, ReadIndexResult {
}
