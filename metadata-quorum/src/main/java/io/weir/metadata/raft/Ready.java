package io.weir.metadata.raft;

import java.util.List;
import java.util.Optional;

/**
 * Everything a {@link RaftNode} asks its runtime to do, taken with {@link RaftNode#ready()} and acknowledged
 * with {@link RaftNode#advance(Ready)}. The runtime must handle it in this order:
 * <ol>
 *   <li>Persist, atomically and durably: {@code snapshot} if present (it replaces the log up to its index),
 *       then {@code entries} (an entry at index i replaces the persisted entry at i and every entry after
 *       it, so a follower's conflicting suffix is truncated), then {@code hardState} if present.</li>
 *   <li>Only then send {@code messages}. A vote or an acknowledgement promises that the state it reports is
 *       durable, so no message may leave before the writes of the same Ready are on disk.</li>
 *   <li>Install {@code snapshot} into the state machine, then apply {@code committedEntries} in order.</li>
 *   <li>Hand {@code readStates} to their waiting reads: each may be served once the state machine has applied
 *       its index.</li>
 *   <li>Call {@link RaftNode#advance(Ready)}.</li>
 * </ol>
 * A crash anywhere before step 1 completes loses the whole Ready, which is safe because nothing that
 * depends on it has left the node.
 */
public record Ready(
        Optional<HardState> hardState,
        List<Entry> entries,
        Optional<Snapshot> snapshot,
        List<RaftMessage> messages,
        List<Entry> committedEntries,
        List<ReadState> readStates) {

    public Ready {
        entries = List.copyOf(entries);
        messages = List.copyOf(messages);
        committedEntries = List.copyOf(committedEntries);
        readStates = List.copyOf(readStates);
    }

    /** Whether step 1 has anything to write (a runtime may skip the fsync otherwise). */
    public boolean mustPersist() {
        return hardState.isPresent() || !entries.isEmpty() || snapshot.isPresent();
    }
}
