package io.weir.storage.log;

import static io.weir.storage.log.TestRecords.batch;
import static io.weir.storage.log.TestRecords.offsets;
import static io.weir.storage.log.TestRecords.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.storage.log.LeaderEpochFileCache.EpochEndOffset;
import io.weir.storage.log.LeaderEpochFileCache.EpochEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTruncationTest {
  @TempDir Path tmp;
  final AtomicLong clock = new AtomicLong(1_000L);
  final LogConfig config = LogConfig.defaults().withSegmentBytes(1024).withIndex(150, 4096);

  Log open() {
    return Log.open(tmp.resolve("t-1"), config, clock::get);
  }

  /** 60 batches of 2 records; epoch e covers batches 20e..20e+19, i.e. offsets 40e..40e+39. */
  static void fill(Log log) {
    for (int i = 0; i < 60; i++) {
      log.appendAsLeader(batch(100 + i, 2, "v"), i / 20);
    }
  }

  @Test
  void truncateToAcrossSegmentsRemovesLaterSegmentsAndEpochs() throws Exception {
    try (Log log = open()) {
      fill(log);
      List<Long> basesBefore = log.segmentBaseOffsets();
      assertTrue(basesBefore.size() > 4);
      assertTrue(log.truncateTo(50));
      assertEquals(50, log.logEndOffset());
      assertEquals(LongStream.range(0, 50).boxed().toList(), offsets(readAll(log)));
      for (long base : basesBefore) {
        assertEquals(base < 50, Files.exists(log.dir().resolve(LogSegment.fileName(base, ".log"))));
      }
      assertEquals(List.of(new EpochEntry(0, 0), new EpochEntry(1, 40)), log.leaderEpochCache().entries());
      assertEquals(new EpochEndOffset(1, 50), log.endOffsetForEpoch(1));
      // Appends continue at the truncation point in the old segment, now active again.
      assertEquals(50, log.appendAsLeader(batch(1, 2, "n"), 5).firstOffset());
      assertEquals(new EpochEndOffset(1, 50), log.endOffsetForEpoch(1));
      assertEquals(new EpochEndOffset(5, 52), log.endOffsetForEpoch(5));
      assertFalse(log.truncateTo(52));
    }
  }

  @Test
  void truncatingToTheEndDropsAnEpochThatStartsThereWithoutRecords() throws Exception {
    try (Log log = open()) {
      log.appendAsLeader(batch(1, 2, "v"), 3);
      // A leader of epoch 4 records its start, then loses leadership before appending anything.
      log.leaderEpochCache().assign(4, log.logEndOffset());
      assertEquals(4, log.leaderEpochCache().latestEpoch());
      assertFalse(log.truncateTo(log.logEndOffset()), "no record goes");
      assertEquals(List.of(new EpochEntry(3, 0)), log.leaderEpochCache().entries());
      assertEquals(2, log.logEndOffset());
      // A target past the end drops the same, and keeps the epochs of the records that stay.
      log.leaderEpochCache().assign(5, log.logEndOffset());
      assertFalse(log.truncateTo(10));
      assertEquals(List.of(new EpochEntry(3, 0)), log.leaderEpochCache().entries());
    }
  }

  @Test
  void timestampSearchStaysExactAfterTruncatingIntoAnOldSegment() throws Exception {
    // No sparse entries: the time index holds only the final entry written at roll.
    LogConfig sparse = LogConfig.defaults().withSegmentBytes(1024).withIndex(1 << 20, 4096);
    try (Log log = Log.open(tmp.resolve("t-9"), sparse, clock::get)) {
      for (int i = 0; i < 40; i++) {
        log.appendAsLeader(batch(100 + i, 2, "v"), 0);
      }
      long secondBase = log.segmentBaseOffsets().get(1);
      assertTrue(secondBase > 6);
      log.truncateTo(secondBase - 4);
      long lastBatch = (secondBase - 4) / 2 - 1;
      assertEquals(java.util.OptionalLong.of(2 * lastBatch), log.offsetForTimestamp(100 + lastBatch));
      assertEquals(java.util.OptionalLong.empty(), log.offsetForTimestamp(100 + lastBatch + 1));
    }
  }

  @Test
  void truncationSurvivesReopen() throws Exception {
    try (Log log = open()) {
      fill(log);
      log.flush();
      log.truncateTo(30);
      assertEquals(30, log.recoveryPoint());
    }
    try (Log log = open()) {
      assertEquals(30, log.logEndOffset());
      assertEquals(LongStream.range(0, 30).boxed().toList(), offsets(readAll(log)));
      assertEquals(List.of(new EpochEntry(0, 0)), log.leaderEpochCache().entries());
    }
  }

  @Test
  void truncateToASegmentBaseEmptiesThatSegment() throws Exception {
    try (Log log = open()) {
      fill(log);
      long base = log.segmentBaseOffsets().get(2);
      log.truncateTo(base);
      assertEquals(base, log.logEndOffset());
      assertEquals(base, (long) log.segmentBaseOffsets().get(log.segmentBaseOffsets().size() - 1));
      assertEquals(base, log.appendAsLeader(batch(1, 1, "x"), 9).firstOffset());
    }
  }

  @Test
  void truncateFullyRestartsTheLogAtAnOffset() throws Exception {
    try (Log log = open()) {
      fill(log);
      log.truncateFullyAndStartAt(500);
      assertEquals(500, log.logStartOffset());
      assertEquals(500, log.logEndOffset());
      assertEquals(List.of(500L), log.segmentBaseOffsets());
      assertEquals(List.of(), log.leaderEpochCache().entries());
      log.appendAsFollower(TestRecords.withOffsets(500, 7, 1, 500, 501));
    }
    try (Log log = open()) {
      assertEquals(500, log.logStartOffset());
      assertEquals(List.of(500L, 501L), offsets(readAll(log)));
      assertEquals(List.of(new EpochEntry(7, 500)), log.leaderEpochCache().entries());
    }
  }

  @Test
  void truncateBelowTheLogStartOffsetStartsOverThere() throws Exception {
    try (Log log = open()) {
      fill(log);
      log.maybeIncrementLogStartOffset(70);
      assertTrue(log.truncateTo(60));
      assertEquals(60, log.logStartOffset());
      assertEquals(60, log.logEndOffset());
    }
  }
}
