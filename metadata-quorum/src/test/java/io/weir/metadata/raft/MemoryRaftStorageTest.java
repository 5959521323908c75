package io.weir.metadata.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryRaftStorageTest {

    private static Entry entry(long term, long index) {
        return new Entry(term, index, Entry.Type.NORMAL, new byte[10]);
    }

    @Test
    void emptyStorageKnowsTermZeroAtIndexZero() {
        MemoryRaftStorage s = new MemoryRaftStorage();
        assertEquals(1, s.firstIndex());
        assertEquals(0, s.lastIndex());
        assertEquals(0, s.term(0));
        assertEquals(HardState.EMPTY, s.hardState());
        assertEquals(Snapshot.EMPTY, s.snapshot());
    }

    @Test
    void appendReplacesTheConflictingSuffix() {
        MemoryRaftStorage s = new MemoryRaftStorage();
        s.append(List.of(entry(1, 1), entry(1, 2), entry(1, 3)));
        s.append(List.of(entry(2, 2)));
        assertEquals(2, s.lastIndex());
        assertEquals(2, s.term(2));
        IllegalArgumentException gap = assertThrows(IllegalArgumentException.class, () -> s.append(List.of(entry(2, 5))));
        assertTrue(gap.getMessage().contains("index 5"), gap.getMessage());
    }

    @Test
    void entriesAreCutByBytesButNeverEmpty() {
        MemoryRaftStorage s = new MemoryRaftStorage();
        s.append(List.of(entry(1, 1), entry(1, 2), entry(1, 3)));
        assertEquals(1, s.entries(1, 4, 1).size());
        assertEquals(2, s.entries(1, 4, entry(1, 1).sizeBytes() + 1).size());
        assertEquals(3, s.entries(1, 4, Long.MAX_VALUE).size());
    }

    @Test
    void snapshotThenCompactKeepsTheTermBelowTheLog() {
        MemoryRaftStorage s = new MemoryRaftStorage();
        s.append(List.of(entry(1, 1), entry(1, 2), entry(2, 3), entry(2, 4)));
        Snapshot snap = s.createSnapshot(3, List.of(1), new byte[] {7});
        assertEquals(new Snapshot(3, 2, List.of(1), new byte[] {7}), snap);
        assertThrows(IllegalArgumentException.class, () -> s.compact(4), "cannot compact past the snapshot");
        s.compact(2);
        assertEquals(3, s.firstIndex());
        assertEquals(1, s.term(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.term(1));
        assertTrue(e.getMessage().contains("outside the stored log"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.entries(2, 3, Long.MAX_VALUE));
    }

    @Test
    void applyingASnapshotReplacesTheLog() {
        MemoryRaftStorage s = new MemoryRaftStorage();
        s.append(List.of(entry(1, 1), entry(1, 2)));
        s.applySnapshot(new Snapshot(10, 3, List.of(1), new byte[0]));
        assertEquals(11, s.firstIndex());
        assertEquals(10, s.lastIndex());
        assertEquals(3, s.term(10));
        assertThrows(IllegalArgumentException.class, () -> s.applySnapshot(new Snapshot(5, 3, List.of(1), new byte[0])));
    }

    @Test
    void restartRejectsACommitIndexBeyondThePersistedLog() {
        MemoryRaftStorage s = TestCluster.storageWith(1, 5, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RaftNode(RaftConfig.of(1, List.of(1), List.of()), s));
        assertTrue(e.getMessage().contains("commit index 5"), e.getMessage());
    }
}
