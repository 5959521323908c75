package io.weir.metadata.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The log as the core sees it: the persisted part behind {@link RaftStorage} plus the unstable suffix (and
 * possibly a received snapshot) that the next {@link Ready} hands to the runtime to persist. Unstable
 * entries shadow persisted entries at the same indexes: they replace them once persisted.
 * Confined to the thread that drives the owning {@link RaftNode}.
 */
final class RaftLog {

    static final long UNAVAILABLE = -1;

    private final RaftStorage storage;
    private Snapshot unstableSnapshot;
    private final ArrayList<Entry> unstable = new ArrayList<>();
    private long unstableOffset;
    private long committed;
    private long applied;

    RaftLog(RaftStorage storage) {
        this.storage = storage;
        this.unstableOffset = storage.lastIndex() + 1;
        this.applied = storage.snapshot().index();
        long commit = Math.max(storage.hardState().commit(), applied);
        if (commit > storage.lastIndex()) {
            throw new IllegalArgumentException("persisted commit index " + commit
                    + " is beyond the persisted log, which ends at " + storage.lastIndex());
        }
        if (applied < storage.firstIndex() - 1) {
            throw new IllegalArgumentException("persisted snapshot at " + applied
                    + " is older than the compacted log, which starts at " + storage.firstIndex());
        }
        this.committed = commit;
    }

    long committed() {
        return committed;
    }

    long applied() {
        return applied;
    }

    long firstIndex() {
        return unstableSnapshot != null ? unstableSnapshot.index() + 1 : storage.firstIndex();
    }

    long lastIndex() {
        if (!unstable.isEmpty()) {
            return unstableOffset + unstable.size() - 1;
        }
        return unstableSnapshot != null ? unstableSnapshot.index() : storage.lastIndex();
    }

    long lastTerm() {
        return term(lastIndex());
    }

    /** The term at {@code index}, or {@link #UNAVAILABLE} if compacted away or beyond the end. */
    long term(long index) {
        if (unstableSnapshot != null && index == unstableSnapshot.index()) {
            return unstableSnapshot.term();
        }
        if (index >= unstableOffset) {
            long i = index - unstableOffset;
            return i < unstable.size() ? unstable.get((int) i).term() : UNAVAILABLE;
        }
        if (unstableSnapshot != null || index < storage.firstIndex() - 1 || index > storage.lastIndex()) {
            return UNAVAILABLE;
        }
        return storage.term(index);
    }

    boolean matchTerm(long index, long term) {
        return term(index) == term;
    }

    /** Raft §5.4.1: a log is at least as up to date if its last term is higher, or equal with a longer log. */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        long myTerm = lastTerm();
        return lastTerm > myTerm || (lastTerm == myTerm && lastIndex >= lastIndex());
    }

    /**
     * The last index at or below {@code index} whose term is at most {@code term}, never going below
     * {@code floor} (an index known to match). Both sides of fast backoff use it: entries above the result
     * cannot match a log whose entry at {@code index} has {@code term}.
     */
    long findConflictByTerm(long index, long term, long floor) {
        for (; index > floor; index--) {
            long t = term(index);
            if (t == UNAVAILABLE || t <= term) {
                return index;
            }
        }
        return floor;
    }

    /** Entries {@code [from, toExclusive)} cut at {@code maxBytes} (at least one), {@code from >= firstIndex()}. */
    List<Entry> entries(long from, long toExclusive, long maxBytes) {
        if (from < firstIndex() || toExclusive > lastIndex() + 1) {
            throw new IllegalStateException("entries [" + from + ", " + toExclusive + ") outside the log ["
                    + firstIndex() + ", " + lastIndex() + "]");
        }
        List<Entry> out = new ArrayList<>();
        if (from >= toExclusive) {
            return out;
        }
        long bytes = 0;
        if (from < unstableOffset) {
            out.addAll(storage.entries(from, Math.min(toExclusive, unstableOffset), maxBytes));
            for (Entry e : out) {
                bytes += e.sizeBytes();
            }
            if (bytes >= maxBytes || toExclusive <= unstableOffset) {
                return out;
            }
        }
        for (long i = Math.max(from, unstableOffset); i < toExclusive && bytes < maxBytes; i++) {
            Entry e = unstable.get((int) (i - unstableOffset));
            out.add(e);
            bytes += e.sizeBytes();
        }
        return out;
    }

    /**
     * A follower's append: if the entry at {@code prevIndex} has {@code prevTerm}, writes {@code entries}
     * after it (truncating only from the first conflicting entry, so a stale or duplicated request never
     * drops newer entries) and advances the commit index. Returns the last index now known to match the
     * leader, or -1 if {@code prevIndex} does not match.
     */
    long maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<Entry> entries) {
        if (!matchTerm(prevIndex, prevTerm)) {
            return -1;
        }
        long lastNew = prevIndex + entries.size();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (!matchTerm(e.index(), e.term())) {
                if (e.index() <= committed) {
                    throw new IllegalStateException("entry " + e + " conflicts with committed index " + committed);
                }
                append(entries.subList(i, entries.size()));
                break;
            }
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return lastNew;
    }

    void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        long after = entries.get(0).index();
        if (after <= committed) {
            throw new IllegalStateException("cannot overwrite committed index " + committed + " with " + entries.get(0));
        }
        if (after > lastIndex() + 1) {
            throw new IllegalStateException("gap: appending " + entries.get(0) + " after last index " + lastIndex());
        }
        if (after <= unstableOffset) {
            unstable.clear();
            unstableOffset = after;
        } else {
            unstable.subList((int) (after - unstableOffset), unstable.size()).clear();
        }
        unstable.addAll(entries);
    }

    void commitTo(long index) {
        if (index > committed) {
            if (index > lastIndex()) {
                throw new IllegalStateException("commit index " + index + " is beyond the last index " + lastIndex());
            }
            committed = index;
        }
    }

    boolean hasNextCommittedEntries() {
        return committed > Math.max(applied, firstIndex() - 1);
    }

    List<Entry> nextCommittedEntries(long maxBytes) {
        long from = Math.max(applied + 1, firstIndex());
        return entries(from, committed + 1, maxBytes);
    }

    void appliedTo(long index) {
        if (index > committed) {
            throw new IllegalStateException("applied " + index + " beyond committed " + committed);
        }
        applied = Math.max(applied, index);
    }

    boolean hasUnstableEntries() {
        return !unstable.isEmpty();
    }

    List<Entry> unstableEntries() {
        return List.copyOf(unstable);
    }

    Snapshot unstableSnapshot() {
        return unstableSnapshot;
    }

    /** The runtime persisted entries up to {@code (index, term)}; ignores it if they were replaced since. */
    void stableTo(long index, long term) {
        if (index >= unstableOffset && matchTerm(index, term) && index < unstableOffset + unstable.size()) {
            unstable.subList(0, (int) (index + 1 - unstableOffset)).clear();
            unstableOffset = index + 1;
        }
    }

    void stableSnapshotTo(long index) {
        if (unstableSnapshot != null && unstableSnapshot.index() == index) {
            unstableSnapshot = null;
        }
        applied = Math.max(applied, index);
    }

    /** The snapshot the leader sends to a follower that needs compacted entries. */
    Snapshot snapshot() {
        return unstableSnapshot != null ? unstableSnapshot : storage.snapshot();
    }

    /** Replaces the whole log with a snapshot received from the leader. */
    void restore(Snapshot s) {
        committed = s.index();
        unstableSnapshot = s;
        unstable.clear();
        unstableOffset = s.index() + 1;
    }
}
