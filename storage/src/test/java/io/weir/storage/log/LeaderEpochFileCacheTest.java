package io.weir.storage.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.storage.log.LeaderEpochFileCache.EpochEndOffset;
import io.weir.storage.log.LeaderEpochFileCache.EpochEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderEpochFileCacheTest {
  @TempDir Path tmp;

  CheckpointFile file() {
    return new CheckpointFile(tmp.resolve(Log.LEADER_EPOCH_CHECKPOINT));
  }

  LeaderEpochFileCache cache(EpochEntry... entries) {
    return new LeaderEpochFileCache(file(), List.of(entries));
  }

  @Test
  void endOffsetForFollowsOffsetsForLeaderEpochSemantics() throws Exception {
    LeaderEpochFileCache c = cache();
    assertEquals(new EpochEndOffset(-1, -1), c.endOffsetFor(3, 50));
    c.assign(2, 10);
    c.assign(4, 20);
    c.assign(7, 35);
    // The latest epoch ends at the log end offset.
    assertEquals(new EpochEndOffset(7, 50), c.endOffsetFor(7, 50));
    // A known epoch ends where the next one starts.
    assertEquals(new EpochEndOffset(2, 20), c.endOffsetFor(2, 50));
    assertEquals(new EpochEndOffset(4, 35), c.endOffsetFor(4, 50));
    // An unknown epoch in between answers with the largest epoch below it.
    assertEquals(new EpochEndOffset(4, 35), c.endOffsetFor(5, 50));
    assertEquals(new EpochEndOffset(2, 20), c.endOffsetFor(3, 50));
    // Older than all: itself, ending where the first known epoch starts.
    assertEquals(new EpochEndOffset(1, 10), c.endOffsetFor(1, 50));
    // Newer than all, or undefined: undefined.
    assertEquals(new EpochEndOffset(-1, -1), c.endOffsetFor(8, 50));
    assertEquals(new EpochEndOffset(-1, -1), c.endOffsetFor(-1, 50));
  }

  @Test
  void assignIgnoresOldEpochsAndKeepsTheInvariant() throws Exception {
    LeaderEpochFileCache c = cache();
    c.assign(1, 0);
    c.assign(1, 5);
    c.assign(0, 7);
    c.assign(3, 9);
    assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(3, 9)), c.entries());
    // A newer epoch starting at or before a known start replaces what it overlaps.
    c.assign(4, 9);
    assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(4, 9)), c.entries());
    assertEquals(4, c.latestEpoch());
  }

  @Test
  void truncateFromEndAndStart() throws Exception {
    LeaderEpochFileCache c = cache();
    c.assign(1, 0);
    c.assign(2, 10);
    c.assign(3, 20);
    c.assign(4, 30);
    c.truncateFromEnd(20);
    assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(2, 10)), c.entries());
    c.truncateFromStart(15);
    assertEquals(List.of(new EpochEntry(2, 15)), c.entries());
    c.truncateFromStart(5);
    assertEquals(List.of(new EpochEntry(2, 15)), c.entries());
  }

  @Test
  void everyChangeIsCheckpointedAndReadBack() throws Exception {
    LeaderEpochFileCache c = cache();
    c.assign(1, 0);
    c.assign(5, 42);
    List<EpochEntry> read = LeaderEpochFileCache.readCheckpoint(file());
    assertEquals(c.entries(), read);
    c.truncateFromEnd(42);
    assertEquals(List.of(new EpochEntry(1, 0)), LeaderEpochFileCache.readCheckpoint(file()));
    c.clear();
    assertEquals(List.of(), LeaderEpochFileCache.readCheckpoint(file()));
  }

  @Test
  void malformedCheckpointIsRejectedNamingTheProblem() throws Exception {
    Files.writeString(file().file, "0\n2\n1 0\n1 10\n");
    CorruptCheckpointException e =
        assertThrows(CorruptCheckpointException.class, () -> LeaderEpochFileCache.readCheckpoint(file()));
    assertTrue(e.getMessage().contains("does not increase"), e.getMessage());
    Files.writeString(file().file, "0\n1\nfive 0\n");
    e = assertThrows(CorruptCheckpointException.class, () -> LeaderEpochFileCache.readCheckpoint(file()));
    assertTrue(e.getMessage().contains("'five 0'"), e.getMessage());
  }
}
