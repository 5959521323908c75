package io.weir.metadata.raft.sim;

import io.weir.metadata.raft.Entry;
import io.weir.metadata.raft.MemoryRaftStorage;
import io.weir.metadata.raft.Snapshot;
import java.util.HashMap;
import java.util.Map;

/**
 * Raft's safety properties (§5.2 and §5.4), checked incrementally as the simulation persists and applies.
 * Owned by the simulation thread.
 */
final class SafetyChecker {

    private record LogKey(long index, long term) {
    }

    private record LogRecord(Entry entry, long prevTerm) {
    }

    private record Applied(Entry entry, int stateHash) {
    }

    /** Election safety: the leader of each term. */
    private final Map<Long, Integer> leaders = new HashMap<>();
    /**
     * Log matching, incrementally: every persisted (index, term) must carry the same entry and the same
     * previous term on every node. By induction two logs holding one (index, term) then agree before it.
     */
    private final Map<LogKey, LogRecord> persisted = new HashMap<>();
    /** State machine safety: the entry applied at each index and the state right after it. */
    private final Map<Long, Applied> applied = new HashMap<>();
    private long maxApplied;

    void onLeader(int nodeId, long term, MemoryRaftStorage storage) {
        Integer previous = leaders.putIfAbsent(term, nodeId);
        if (previous != null) {
            if (previous != nodeId) {
                throw new AssertionError("election safety: nodes " + previous + " and " + nodeId
                        + " are both leader of term " + term);
            }
            return;
        }
        // Leader completeness, checked when the leader is first seen: its log (persisted before it could
        // collect votes) holds every entry committed so far.
        if (storage.lastIndex() < maxApplied) {
            throw new AssertionError("leader completeness: leader " + nodeId + " of term " + term
                    + " has log end " + storage.lastIndex() + " below committed index " + maxApplied);
        }
        for (long i = storage.firstIndex(); i <= maxApplied; i++) {
            Applied a = applied.get(i);
            if (a != null && storage.term(i) != a.entry().term()) {
                throw new AssertionError("leader completeness: leader " + nodeId + " of term " + term
                        + " has term " + storage.term(i) + " at committed index " + i + ", committed "
                        + a.entry());
            }
        }
    }

    void onPersisted(int nodeId, MemoryRaftStorage storage, java.util.List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        long prevTerm = storage.term(entries.get(0).index() - 1);
        for (Entry e : entries) {
            LogRecord rec = new LogRecord(e, prevTerm);
            LogRecord existing = persisted.putIfAbsent(new LogKey(e.index(), e.term()), rec);
            if (existing != null && !existing.equals(rec)) {
                throw new AssertionError("log matching: node " + nodeId + " persisted " + e + " after term "
                        + prevTerm + " but another node has " + existing.entry() + " after term "
                        + existing.prevTerm());
            }
            prevTerm = e.term();
        }
    }

    void onApplied(int nodeId, Entry e, int stateHash) {
        Applied rec = new Applied(e, stateHash);
        Applied existing = applied.putIfAbsent(e.index(), rec);
        if (existing != null && !existing.equals(rec)) {
            throw new AssertionError("state machine safety: node " + nodeId + " applied " + e + " (state "
                    + stateHash + ") at an index where another node applied " + existing.entry() + " (state "
                    + existing.stateHash() + ")");
        }
        maxApplied = Math.max(maxApplied, e.index());
    }

    void onSnapshotInstalled(int nodeId, Snapshot s, int stateHash) {
        Applied a = applied.get(s.index());
        if (a == null) {
            throw new AssertionError("node " + nodeId + " installed " + s + " at an index nobody applied");
        }
        if (a.entry().term() != s.term() || a.stateHash() != stateHash) {
            throw new AssertionError("state machine safety: node " + nodeId + " installed " + s
                    + " (state " + stateHash + ") but " + a.entry() + " (state " + a.stateHash()
                    + ") was applied there");
        }
    }

    /** Full log matching over two persisted logs: from the highest index where they agree, all agree. */
    static void checkLogMatching(int idA, MemoryRaftStorage a, int idB, MemoryRaftStorage b) {
        long lo = Math.max(a.firstIndex(), b.firstIndex());
        long hi = Math.min(a.lastIndex(), b.lastIndex());
        boolean agreed = false;
        for (long i = hi; i >= lo; i--) {
            long ta = a.term(i);
            long tb = b.term(i);
            if (ta == tb) {
                agreed = true;
                Entry ea = a.entries(i, i + 1, Long.MAX_VALUE).get(0);
                Entry eb = b.entries(i, i + 1, Long.MAX_VALUE).get(0);
                if (!ea.equals(eb)) {
                    throw new AssertionError("log matching: nodes " + idA + " and " + idB + " hold " + ea
                            + " and " + eb + " at index " + i);
                }
            } else if (agreed) {
                throw new AssertionError("log matching: nodes " + idA + " and " + idB + " agree above index "
                        + i + " but hold terms " + ta + " and " + tb + " there");
            }
        }
    }

    long maxApplied() {
        return maxApplied;
    }
}
