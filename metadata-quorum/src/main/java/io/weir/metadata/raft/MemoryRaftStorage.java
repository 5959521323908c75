package io.weir.metadata.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link RaftStorage} in memory, for tests and the simulation. Whatever was written here counts as
 * persisted: a simulated crash keeps this object and loses only the Ready the node had not handed over.
 * Confined to the thread that drives the node.
 */
public final class MemoryRaftStorage implements RaftStorage {

    private HardState hardState = HardState.EMPTY;
    private Snapshot snapshot = Snapshot.EMPTY;
    // The compacted prefix ends at (offsetIndex, offsetTerm); entries.get(i) has index offsetIndex + 1 + i.
    private long offsetIndex;
    private long offsetTerm;
    private final ArrayList<Entry> entries = new ArrayList<>();

    @Override
    public HardState hardState() {
        return hardState;
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public long firstIndex() {
        return offsetIndex + 1;
    }

    @Override
    public long lastIndex() {
        return offsetIndex + entries.size();
    }

    @Override
    public long term(long index) {
        if (index == offsetIndex) {
            return offsetTerm;
        }
        checkRange(index, index + 1);
        return entries.get((int) (index - offsetIndex - 1)).term();
    }

    @Override
    public List<Entry> entries(long from, long toExclusive, long maxBytes) {
        checkRange(from, toExclusive);
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i < toExclusive; i++) {
            Entry e = entries.get((int) (i - offsetIndex - 1));
            out.add(e);
            bytes += e.sizeBytes();
            if (bytes >= maxBytes) {
                break;
            }
        }
        return out;
    }

    public void setHardState(HardState state) {
        this.hardState = state;
    }

    /**
     * Appends entries that must follow on from the log: an entry at index i replaces the entry at i and
     * everything after it.
     */
    public void append(List<Entry> newEntries) {
        if (newEntries.isEmpty()) {
            return;
        }
        long first = newEntries.get(0).index();
        if (first <= offsetIndex || first > lastIndex() + 1) {
            throw new IllegalArgumentException("cannot append at index " + first + " to a log covering ["
                    + firstIndex() + ", " + lastIndex() + "]");
        }
        for (int i = 1; i < newEntries.size(); i++) {
            if (newEntries.get(i).index() != first + i) {
                throw new IllegalArgumentException("entries to append are not contiguous: " + newEntries);
            }
        }
        entries.subList((int) (first - offsetIndex - 1), entries.size()).clear();
        entries.addAll(newEntries);
    }

    /** Replaces the whole log with a snapshot received from the leader. */
    public void applySnapshot(Snapshot s) {
        if (s.index() < snapshot.index()) {
            throw new IllegalArgumentException("snapshot at " + s.index() + " is older than the stored one at "
                    + snapshot.index());
        }
        snapshot = s;
        offsetIndex = s.index();
        offsetTerm = s.term();
        entries.clear();
    }

    /**
     * Records a snapshot of the application's state at {@code index}; the application must have applied
     * {@code index}. The log is left intact: {@link #compact} drops entries separately, so a leader can keep
     * a tail for followers that are only slightly behind.
     */
    public Snapshot createSnapshot(long index, List<Integer> voters, byte[] data) {
        if (index <= snapshot.index() || index > lastIndex()) {
            throw new IllegalArgumentException("cannot snapshot at index " + index + ": stored snapshot is at "
                    + snapshot.index() + ", log covers [" + firstIndex() + ", " + lastIndex() + "]");
        }
        snapshot = new Snapshot(index, term(index), voters, data);
        return snapshot;
    }

    /** Discards entries up to and including {@code index}, which a snapshot must already cover. */
    public void compact(long index) {
        if (index > snapshot.index()) {
            throw new IllegalArgumentException("cannot compact to " + index + " beyond the snapshot at "
                    + snapshot.index());
        }
        if (index <= offsetIndex) {
            return;
        }
        long t = term(index);
        entries.subList(0, (int) (index - offsetIndex)).clear();
        offsetIndex = index;
        offsetTerm = t;
    }

    private void checkRange(long from, long toExclusive) {
        if (from < firstIndex() || toExclusive > lastIndex() + 1 || from > toExclusive) {
            throw new IllegalArgumentException("entries [" + from + ", " + toExclusive
                    + ") outside the stored log [" + firstIndex() + ", " + lastIndex() + "]");
        }
    }
}
