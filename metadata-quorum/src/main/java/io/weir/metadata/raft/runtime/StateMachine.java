package io.weir.metadata.raft.runtime;

import io.weir.metadata.raft.Entry;

/**
 * The replicated application: the controller's metadata image, or a broker's. A {@link RaftRuntime} or
 * {@link RaftObserver} calls it from its one driving thread only, in log order.
 */
public interface StateMachine {

    /** Applies one committed entry of type {@link Entry.Type#NORMAL}; no-op entries are not passed on. */
    void apply(Entry entry);

    /** The state after every entry applied so far, to be handed back to {@link #restore}. */
    byte[] snapshot();

    /** Replaces the whole state with a snapshot's (taken here or received from the leader). */
    void restore(byte[] snapshot);
}
