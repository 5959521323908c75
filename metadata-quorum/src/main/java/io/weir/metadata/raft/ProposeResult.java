package io.weir.metadata.raft;

/** The outcome of {@link RaftNode#propose}. */
public sealed interface ProposeResult permits ProposeResult.Accepted, NotLeader {

    /**
     * The leader appended the proposals at {@code [firstIndex, lastIndex]} in {@code term}. They are
     * committed once an applied entry at {@code lastIndex} has this term; an entry of another term there
     * means they were lost with a leadership change.
     */
    record Accepted(long term, long firstIndex, long lastIndex) implements ProposeResult {
    }
}
