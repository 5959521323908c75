package io.weir.metadata.raft;

/**
 * The durable part of a node's Raft state besides its log, persisted before any message that depends on
 * it is sent.
 *
 * @param term the latest term this node has seen
 * @param votedFor the candidate voted for in {@code term}, or {@link #NO_VOTE}
 * @param commit the highest log index known to be committed (persisting it is an optimisation that lets a
 *     restarted node re-apply without waiting for the leader; safety does not depend on it)
 */
public record HardState(long term, int votedFor, long commit) {

    public static final int NO_VOTE = -1;
    public static final HardState EMPTY = new HardState(0, NO_VOTE, 0);

    public HardState {
        if (term < 0 || commit < 0) {
            throw new IllegalArgumentException("term and commit must be >= 0, was term " + term + " commit " + commit);
        }
    }
}
