package io.weir.metadata.raft;

import java.util.List;

/**
 * Read access to a node's persisted Raft state: hard state, log and latest snapshot. The core only reads
 * through this interface; the runtime writes what each {@link Ready} asks for (see {@link Ready} for the
 * order) and creates snapshots, then compacts, on the application's behalf.
 *
 * <p>The persisted log covers {@code [firstIndex(), lastIndex()]}; the entry just below it has been
 * compacted away but its term is still known (it is the last entry the compaction or snapshot covered),
 * so {@link #term} accepts {@code firstIndex() - 1}. An empty storage has {@code firstIndex() == 1},
 * {@code lastIndex() == 0} and {@code term(0) == 0}.
 *
 * <p>Implementations are called only from the thread that drives the node.
 */
public interface RaftStorage {

    HardState hardState();

    /** The latest snapshot, {@link Snapshot#EMPTY} if none; its index is at least {@code firstIndex() - 1}. */
    Snapshot snapshot();

    long firstIndex();

    long lastIndex();

    /**
     * The term of the entry at {@code index}.
     *
     * @throws IllegalArgumentException unless {@code firstIndex() - 1 <= index <= lastIndex()}
     */
    long term(long index);

    /**
     * Entries {@code [from, toExclusive)}, cut after the entry that reaches {@code maxBytes} (counted by
     * {@link Entry#sizeBytes()}) but never empty for a non-empty range.
     *
     * @throws IllegalArgumentException unless {@code firstIndex() <= from <= toExclusive <= lastIndex() + 1}
     */
    List<Entry> entries(long from, long toExclusive, long maxBytes);
}
