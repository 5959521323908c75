package io.weir.metadata.raft;

/**
 * A confirmed linearizable read: once the local state machine has applied {@code readIndex}, the read with
 * context {@code requestCtx} may be answered from it.
 */
public record ReadState(long requestCtx, long readIndex) {
}
