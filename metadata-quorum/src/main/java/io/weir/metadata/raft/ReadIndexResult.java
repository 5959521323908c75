package io.weir.metadata.raft;

/** The outcome of {@link RaftNode#readIndex}. */
public sealed interface ReadIndexResult permits ReadIndexResult.Pending, NotLeader {

    /**
     * The leader will emit a {@link ReadState} for the request once a heartbeat round confirms it still
     * leads. If it loses leadership first the request is dropped and the caller retries after its timeout.
     */
    record Pending(long requestCtx) implements ReadIndexResult {
    }
}
