package io.weir.metadata.raft.runtime;

/**
 * A request was refused to bound memory: the driver's input queue is full, or the leader holds too many
 * uncommitted bytes (the followers are slow or unreachable). Nothing was appended; retry later.
 */
public final class QuorumOverloadedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QuorumOverloadedException(String message) {
        super(message);
    }
}
