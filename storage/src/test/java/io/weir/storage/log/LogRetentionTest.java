package io.weir.storage.log;

import static io.weir.storage.log.TestRecords.batch;
import static io.weir.storage.log.TestRecords.offsets;
import static io.weir.storage.log.TestRecords.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.storage.log.LeaderEpochFileCache.EpochEntry;
import io.weir.storage.log.LogConfig.CleanupPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRetentionTest {
  static final long HOUR = 3600_000L;

  @TempDir Path tmp;
  final AtomicLong clock = new AtomicLong(100 * HOUR);
  final LogConfig base = LogConfig.defaults().withSegmentBytes(1024).withIndex(150, 4096);

  Log open(LogConfig config) {
    return Log.open(tmp.resolve("t-2"), config, clock::get);
  }

  /** Appends {@code n} 2-record batches stamped with the clock, which advances an hour each. */
  void fill(Log log, int n, int epoch) {
    for (int i = 0; i < n; i++) {
      log.appendAsLeader(batch(clock.get(), 2, "v"), epoch);
      clock.addAndGet(HOUR);
    }
  }

  @Test
  void timeRetentionDeletesExpiredInactiveSegmentsAndMovesTheStartOffset() throws Exception {
    LogConfig config = base.withRetention(24 * HOUR, -1);
    try (Log log = open(config)) {
      fill(log, 30, 0);
      fill(log, 30, 1);
      List<Long> bases = log.segmentBaseOffsets();
      // Now = 160h; records of batch i carry 100h + i hours; expired: older than 136h, i.e. i < 36.
      int deleted = log.deleteOldSegments();
      assertTrue(deleted > 0);
      long start = log.logStartOffset();
      assertEquals(bases.get(deleted), start);
      assertTrue(start <= 72, "a segment holding an unexpired batch was deleted: " + start);
      for (long b : bases.subList(0, deleted)) {
        assertTrue(Files.notExists(log.dir().resolve(LogSegment.fileName(b, ".log"))));
      }
      // Offsets never change; below the start is out of range.
      assertEquals(LongStream.range(start, 120).boxed().toList(), offsets(readAll(log)));
      assertThrows(OffsetOutOfRangeException.class, () -> log.read(start - 1, 100, Long.MAX_VALUE, true));
      assertEquals(0, log.deleteOldSegments());
      // Much later every inactive segment expires, the active one stays.
      clock.addAndGet(1000 * HOUR);
      log.deleteOldSegments();
      assertEquals(1, log.segmentBaseOffsets().size());
      long activeBase = log.segmentBaseOffsets().get(0);
      assertEquals(activeBase, log.logStartOffset());
      assertEquals(List.of(new EpochEntry(1, activeBase)), log.leaderEpochCache().entries());
    }
    try (Log log = open(config)) {
      assertEquals(log.segmentBaseOffsets().get(0), log.logStartOffset());
      assertEquals(120, log.logEndOffset());
    }
  }

  @Test
  void sizeRetentionKeepsAtLeastRetentionBytes() throws Exception {
    try (Log log = open(base.withRetention(-1, 3000))) {
      fill(log, 100, 0);
      long before = log.size();
      int deleted = log.deleteOldSegments();
      assertTrue(deleted > 0);
      assertTrue(log.size() >= 3000, "size " + log.size());
      // Deleting one more segment would have gone below the limit.
      var segments = log.segmentsForTest();
      long oldest = segments.firstEntry().getValue().sizeInBytes();
      assertTrue(log.size() - oldest < 3000, "could delete more: " + log.size() + " - " + oldest);
      assertTrue(before > log.size());
      assertEquals(200, log.logEndOffset());
      assertEquals(log.segmentBaseOffsets().get(0), log.logStartOffset());
    }
  }

  @Test
  void unlimitedRetentionAndCompactPolicyDeleteNothingByTimeOrSize() throws Exception {
    try (Log log = open(base)) {
      fill(log, 50, 0);
      clock.addAndGet(10_000 * HOUR);
      log.updateConfig(base.withRetention(-1, -1));
      assertEquals(0, log.deleteOldSegments());
      log.updateConfig(base.withRetention(HOUR, 10).withCleanupPolicy(CleanupPolicy.COMPACT, 0));
      assertEquals(0, log.deleteOldSegments());
      log.updateConfig(base.withRetention(HOUR, 10).withCleanupPolicy(CleanupPolicy.COMPACT_DELETE, 0));
      assertTrue(log.deleteOldSegments() > 0);
    }
  }

  @Test
  void deleteRecordsMovesTheStartAndRetentionDropsSegmentsWhollyBelowIt() throws Exception {
    try (Log log = open(base.withRetention(-1, -1))) {
      fill(log, 50, 0);
      List<Long> bases = log.segmentBaseOffsets();
      long newStart = bases.get(2) + 1;
      assertTrue(log.maybeIncrementLogStartOffset(newStart));
      assertThrows(OffsetOutOfRangeException.class, () -> log.read(newStart - 1, 100, Long.MAX_VALUE, true));
      // The segment holding the new start stays; the two before it go.
      assertEquals(2, log.deleteOldSegments());
      assertEquals(bases.get(2), log.segmentBaseOffsets().get(0));
      assertEquals(newStart, log.logStartOffset());
      assertEquals(LongStream.range(newStart, 100).boxed().toList(), offsets(readAll(log)));
      assertThrows(OffsetOutOfRangeException.class, () -> log.maybeIncrementLogStartOffset(101));
    }
  }

  @Test
  void defaultFlushPolicyLeavesDataToThePageCache() throws Exception {
    try (Log log = open(base)) {
      fill(log, 20, 0);
      assertEquals(0, log.recoveryPoint());
      log.flush();
      assertEquals(40, log.recoveryPoint());
    }
  }

  @Test
  void flushingRolledSegmentsMovesTheRecoveryPointToTheActiveSegment() throws Exception {
    try (Log log = open(base)) {
      fill(log, 40, 0);
      long activeBase = log.segmentBaseOffsets().get(log.segmentBaseOffsets().size() - 1);
      assertTrue(activeBase > 0 && activeBase < 80);
      log.flushInactiveSegments();
      assertEquals(activeBase, log.recoveryPoint());
      assertEquals(
          activeBase,
          new CheckpointFile(log.dir().resolve(Log.RECOVERY_POINT_CHECKPOINT)).readLong());
    }
  }

  @Test
  void flushMessagesFlushesEveryNRecords() throws Exception {
    try (Log log = open(base.withFlush(5, Long.MAX_VALUE))) {
      log.appendAsLeader(batch(1, 2, "a"), 0);
      log.appendAsLeader(batch(1, 2, "a"), 0);
      assertEquals(0, log.recoveryPoint());
      log.appendAsLeader(batch(1, 2, "a"), 0);
      assertEquals(6, log.recoveryPoint());
      assertEquals(6L, new CheckpointFile(log.dir().resolve(Log.RECOVERY_POINT_CHECKPOINT)).readLong());
    }
  }

  @Test
  void flushMsFlushesWhenTheIntervalHasPassed() throws Exception {
    try (Log log = open(base.withFlush(Long.MAX_VALUE, 1000))) {
      log.appendAsLeader(batch(1, 2, "a"), 0);
      log.flushIfDue();
      assertEquals(0, log.recoveryPoint());
      clock.addAndGet(1000);
      log.flushIfDue();
      assertEquals(2, log.recoveryPoint());
      clock.addAndGet(1000);
      log.appendAsLeader(batch(1, 2, "a"), 0);
      assertEquals(4, log.recoveryPoint());
    }
  }
}
