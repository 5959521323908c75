package io.weir.metadata.raft;

/** The outcome of {@link RaftNode#propose}. */
public sealed interface ProposeResult permits ProposeResult.Accepted, ProposeResult.Throttled, NotLeader {

    /**
     * The leader appended the proposals at {@code [firstIndex, lastIndex]} in {@code term}. They are
     * committed once an applied entry at {@code lastIndex} has this term; an entry of another term there
     * means they were lost with a leadership change.
     */
    record Accepted(long term, long firstIndex, long lastIndex) implements ProposeResult {
    }

    /**
     * The leader already holds {@code uncommittedBytes} of entries its followers have not confirmed, at or
     * above {@link RaftConfig#maxUncommittedBytes()}: retry once commits catch up.
     */
    record Throttled(long uncommittedBytes) implements ProposeResult {
    }
}
