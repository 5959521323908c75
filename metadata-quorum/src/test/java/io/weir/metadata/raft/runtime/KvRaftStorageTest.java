package io.weir.metadata.raft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.metadata.raft.Entry;
import io.weir.metadata.raft.HardState;
import io.weir.metadata.raft.Snapshot;
import io.weir.storage.kv.KvKeys;
import io.weir.storage.kv.KvStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvRaftStorageTest {

    @TempDir
    Path dir;

    @Test
    void emptyStorageLooksLikeAFreshLog() {
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            assertEquals(HardState.EMPTY, s.hardState());
            assertEquals(Snapshot.EMPTY, s.snapshot());
            assertEquals(1, s.firstIndex());
            assertEquals(0, s.lastIndex());
            assertEquals(0, s.term(0));
            assertEquals(List.of(), s.entries(1, 1, Long.MAX_VALUE));
        }
    }

    @Test
    void entriesAndHardStateSurviveReopen() {
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            s.persist(Optional.empty(), entries(1, 1, 5), Optional.of(new HardState(1, 2, 3)));
            s.persist(Optional.empty(), entries(2, 6, 7), Optional.empty());
        }
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            assertEquals(new HardState(1, 2, 3), s.hardState());
            assertEquals(1, s.firstIndex());
            assertEquals(7, s.lastIndex());
            assertEquals(1, s.term(5));
            assertEquals(2, s.term(7));
            List<Entry> all = s.entries(1, 8, Long.MAX_VALUE);
            assertEquals(7, all.size());
            assertEquals(entries(1, 1, 5).get(4), all.get(4));
            assertArrayEquals(data(6), all.get(5).data());
        }
    }

    @Test
    void aCommitOnlyHardStateChangeSurvivesACleanReopen() {
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            s.persist(Optional.empty(), entries(1, 1, 5), Optional.of(new HardState(1, 1, 2)));
            s.persist(Optional.empty(), List.of(), Optional.of(new HardState(1, 1, 5))); // written without fsync
            assertEquals(new HardState(1, 1, 5), s.hardState());
        }
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            assertEquals(new HardState(1, 1, 5), s.hardState());
        }
    }

    @Test
    void appendInsideTheLogTruncatesTheSuffixAndTheTruncationSurvivesReopen() {
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            s.persist(Optional.empty(), entries(1, 1, 10), Optional.of(new HardState(1, 1, 4)));
            // A new leader's log diverges from index 6 on: 6..10 of term 1 must disappear, not only 6..7.
            s.persist(Optional.empty(), entries(3, 6, 7), Optional.of(new HardState(3, 2, 4)));
            assertEquals(7, s.lastIndex());
            assertEquals(3, s.term(7));
        }
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            assertEquals(7, s.lastIndex());
            assertEquals(3, s.term(6));
            assertEquals(1, s.term(5));
            assertEquals(new HardState(3, 2, 4), s.hardState());
            assertThrows(IllegalArgumentException.class, () -> s.term(8));
            assertEquals(7, s.entries(1, 8, Long.MAX_VALUE).size());
        }
    }

    @Test
    void snapshotAndCompactionSurviveReopen() {
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            s.persist(Optional.empty(), entries(2, 1, 20), Optional.of(new HardState(2, 1, 20)));
            Snapshot snap = s.createSnapshot(15, List.of(1, 2, 3), "state@15".getBytes(StandardCharsets.UTF_8));
            assertEquals(new Snapshot(15, 2, List.of(1, 2, 3), "state@15".getBytes(StandardCharsets.UTF_8)), snap);
            s.compact(12);
            assertEquals(13, s.firstIndex());
            assertThrows(IllegalArgumentException.class, () -> s.compact(16));
        }
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            assertEquals(13, s.firstIndex());
            assertEquals(20, s.lastIndex());
            assertEquals(2, s.term(12));
            assertThrows(IllegalArgumentException.class, () -> s.term(11));
            assertThrows(IllegalArgumentException.class, () -> s.entries(12, 14, Long.MAX_VALUE));
            assertEquals(15, s.snapshot().index());
            assertArrayEquals("state@15".getBytes(StandardCharsets.UTF_8), s.snapshot().data());
            assertEquals(8, s.entries(13, 21, Long.MAX_VALUE).size());
        }
    }

    @Test
    void snapshotFromTheLeaderReplacesTheWholeLog() {
        Snapshot received = new Snapshot(50, 4, List.of(1, 2, 3), new byte[] {7, 7, 7});
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            s.persist(Optional.empty(), entries(1, 1, 30), Optional.of(new HardState(1, -1, 10)));
            s.persist(Optional.of(received), List.of(), Optional.of(new HardState(4, -1, 50)));
            assertEquals(51, s.firstIndex());
            assertEquals(50, s.lastIndex());
            s.persist(Optional.empty(), entries(4, 51, 52), Optional.empty());
        }
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            assertEquals(received, s.snapshot());
            assertEquals(51, s.firstIndex());
            assertEquals(52, s.lastIndex());
            assertEquals(4, s.term(50));
            assertEquals(new HardState(4, -1, 50), s.hardState());
        }
    }

    @Test
    void entriesAreCutAtMaxBytesButNeverEmpty() {
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            s.persist(Optional.empty(), entries(1, 1, 10), Optional.empty());
            int one = entries(1, 1, 1).get(0).sizeBytes();
            assertEquals(1, s.entries(1, 11, 1).size());
            assertEquals(3, s.entries(1, 11, 3L * one).size());
            assertEquals(10, s.entries(1, 11, Long.MAX_VALUE).size());
        }
    }

    @Test
    void appendWithAGapOrInsideTheCompactedPrefixIsRefused() {
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            s.persist(Optional.empty(), entries(1, 1, 5), Optional.empty());
            IllegalArgumentException gap = assertThrows(IllegalArgumentException.class,
                    () -> s.persist(Optional.empty(), entries(1, 7, 8), Optional.empty()));
            assertTrue(gap.getMessage().contains("index 7"), gap.getMessage());
            s.createSnapshot(4, List.of(1), new byte[0]);
            s.compact(4);
            assertThrows(IllegalArgumentException.class,
                    () -> s.persist(Optional.empty(), entries(2, 4, 4), Optional.empty()));
            assertEquals(5, s.lastIndex());
        }
    }

    @Test
    void aCorruptEntryIsReportedWithItsIndex() {
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            s.persist(Optional.empty(), entries(1, 1, 5), Optional.empty());
        }
        try (KvStore kv = KvStore.open(dir, List.of())) {
            kv.put(KvRaftStorage.LOG_CF, KvKeys.ofLong(3), new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01});
        }
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.term(3));
            assertTrue(e.getMessage().contains("index 3") && e.getMessage().contains("corrupt"), e.getMessage());
        }
    }

    @Test
    void aLogWithAHoleAtItsStartIsRefusedOnOpen() {
        try (KvRaftStorage s = KvRaftStorage.open(dir)) {
            s.persist(Optional.empty(), entries(1, 1, 5), Optional.empty());
        }
        try (KvStore kv = KvStore.open(dir, List.of())) {
            kv.delete(KvRaftStorage.LOG_CF, KvKeys.ofLong(1));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KvRaftStorage.open(dir));
        assertTrue(e.getMessage().contains("starts at index 2"), e.getMessage());
        // The failed open released the store, so it can be opened again.
        try (KvStore kv = KvStore.open(dir, List.of())) {
            assertEquals(5, KvKeys.toLong(kv.last(KvRaftStorage.LOG_CF).orElseThrow().key()));
        }
    }

    private static List<Entry> entries(long term, long from, long toInclusive) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= toInclusive; i++) {
            out.add(new Entry(term, i, Entry.Type.NORMAL, data(i)));
        }
        return out;
    }

    private static byte[] data(long i) {
        return ("entry-" + i).getBytes(StandardCharsets.UTF_8);
    }
}
