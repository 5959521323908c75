package io.weir.storage.log;

import static io.weir.storage.log.TestRecords.bytes;
import static io.weir.storage.log.TestRecords.keyed;
import static io.weir.storage.log.TestRecords.readAll;
import static io.weir.storage.log.TestRecords.string;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.common.record.CompressionType;
import io.weir.common.record.MemoryRecordsBuilder;
import io.weir.common.record.Record;
import io.weir.common.record.RecordBatch;
import io.weir.common.record.TimestampType;
import io.weir.storage.log.LogConfig.CleanupPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCleanerTest {
  static final long DAY = 24 * 3600_000L;

  @TempDir Path tmp;
  final AtomicLong clock = new AtomicLong(1000 * DAY);
  final LogConfig config =
      LogConfig.defaults()
          .withSegmentBytes(1024)
          .withIndex(150, 4096)
          .withCleanupPolicy(CleanupPolicy.COMPACT, DAY);
  final LogCleaner cleaner = new LogCleaner();

  Log open() {
    return Log.open(tmp.resolve("compacted-0"), config, clock::get);
  }

  /** offset -> "key=value" of everything written, for checking that offsets never change. */
  final Map<Long, String> written = new HashMap<>();

  void put(Log log, String... keysAndValues) {
    LogAppendInfo info = log.appendAsLeader(keyed(clock.get(), keysAndValues), 0);
    for (int i = 0; i < keysAndValues.length / 2; i++) {
      written.put(info.firstOffset() + i, keysAndValues[2 * i] + "=" + keysAndValues[2 * i + 1]);
    }
  }

  static Map<String, String> latestByKey(List<Record> records) {
    Map<String, String> latest = new LinkedHashMap<>();
    for (Record r : records) {
      latest.put(string(r.key()), string(r.value()));
    }
    return latest;
  }

  @Test
  void keepsTheLatestRecordPerKeyAtItsOriginalOffset() throws Exception {
    try (Log log = open()) {
      for (int i = 0; i < 100; i++) {
        put(log, "k" + i % 5, "v" + i, "k" + (i + 1) % 5, "w" + i);
      }
      List<Record> before = readAll(log);
      LogSegment active = log.segmentsForTest().lastEntry().getValue();
      byte[] activeBytes = Files.readAllBytes(active.logFile());
      long activeBase = active.baseOffset;

      LogCleaner.CleanerStats stats = cleaner.clean(log, Long.MAX_VALUE);

      assertTrue(stats.segmentsCleaned() > 3, stats.toString());
      assertTrue(stats.bytesAfter() < stats.bytesBefore(), stats.toString());
      List<Record> after = readAll(log);
      // Nothing moved: every surviving record sits at the offset it was written at.
      for (Record r : after) {
        assertEquals(written.get(r.offset()), string(r.key()) + "=" + string(r.value()));
      }
      // The log still says the same thing per key.
      assertEquals(latestByKey(before), latestByKey(after));
      // In the cleaned part each key appears at most once.
      Map<String, Integer> counts = new HashMap<>();
      for (Record r : after) {
        if (r.offset() < activeBase) {
          counts.merge(string(r.key()), 1, Integer::sum);
        }
      }
      counts.values().forEach(c -> assertEquals(1, c));
      // The active segment is neither read for keys nor touched.
      assertSame(active, log.segmentsForTest().lastEntry().getValue());
      assertArrayEquals(activeBytes, Files.readAllBytes(active.logFile()));
      assertEquals(200, log.logEndOffset());
      // A second pass finds nothing to drop and rewrites nothing.
      LogSegment firstSegment = log.segmentsForTest().firstEntry().getValue();
      assertEquals(0, cleaner.clean(log, Long.MAX_VALUE).segmentsCleaned());
      assertSame(firstSegment, log.segmentsForTest().firstEntry().getValue());
      assertEquals(200, log.appendAsLeader(keyed(clock.get(), "k0", "new"), 0).firstOffset());
    }
  }

  @Test
  void compactedLogSurvivesCleanAndUncleanReopen() throws Exception {
    List<Record> after;
    Log log = open();
    for (int i = 0; i < 60; i++) {
      put(log, "k" + i % 3, "v" + i);
    }
    cleaner.clean(log, Long.MAX_VALUE);
    after = readAll(log);
    log.close();
    Log reopened = open();
    assertEquals(TestRecords.offsets(after), TestRecords.offsets(readAll(reopened)));
    LogRecoveryTest.crash(reopened);
    // No clean-shutdown marker: recovery scans batches with gaps between their offsets.
    try (Log recovered = open()) {
      assertTrue(recovered.recoveredFromUncleanShutdown());
      assertEquals(TestRecords.offsets(after), TestRecords.offsets(readAll(recovered)));
      assertEquals(60, recovered.logEndOffset());
    }
  }

  @Test
  void tombstonesStayForDeleteRetentionThenGo() throws Exception {
    try (Log log = open()) {
      put(log, "a", "1", "b", "1");
      put(log, "a", null);
      for (int i = 0; i < 30; i++) {
        put(log, "c", "filler-" + i);
      }
      cleaner.clean(log, Long.MAX_VALUE);
      Map<String, String> view = latestByKey(readAll(log));
      assertTrue(view.containsKey("a"), "tombstone kept within delete.retention.ms");
      assertNull(view.get("a"));
      assertEquals(1, readAll(log).stream().filter(r -> string(r.key()).equals("a")).count());

      clock.addAndGet(DAY + 1);
      LogCleaner.CleanerStats stats = cleaner.clean(log, Long.MAX_VALUE);
      assertEquals(1, stats.tombstonesDropped());
      view = latestByKey(readAll(log));
      assertTrue(!view.containsKey("a"), "expired tombstone dropped: " + view);
      assertEquals("1", view.get("b"));
    }
  }

  @Test
  void compressedBatchesAreRebuiltKeepingTheirOffsetSpan() throws Exception {
    try (Log log = open()) {
      MemoryRecordsBuilder b =
          new MemoryRecordsBuilder(CompressionType.GZIP, TimestampType.CREATE_TIME, 0, 1 << 20);
      for (int i = 0; i < 10; i++) {
        b.append(clock.get(), bytes("k" + i % 4), bytes("v" + i), List.of());
      }
      log.appendAsLeader(TestRecords.copy(b.build()), 3);
      for (int i = 0; i < 30; i++) {
        put(log, "other", "x" + i);
      }
      cleaner.clean(log, Long.MAX_VALUE);
      RecordBatch first =
          TestRecords.batches(log.read(0, 1 << 20, Long.MAX_VALUE, true).records()).get(0);
      first.validateRecords();
      assertEquals(CompressionType.GZIP, first.compressionType());
      assertEquals(0, first.baseOffset());
      assertEquals(9, first.lastOffset());
      assertEquals(3, first.partitionLeaderEpoch());
      List<Long> kept = new ArrayList<>();
      first.records().forEach(r -> kept.add(r.offset()));
      assertEquals(List.of(6L, 7L, 8L, 9L), kept);
    }
  }

  @Test
  void nothingAtOrAboveTheUncleanableOffsetIsCleaned() throws Exception {
    try (Log log = open()) {
      for (int i = 0; i < 60; i++) {
        put(log, "k", "v" + i);
      }
      List<Long> bases = log.segmentBaseOffsets();
      long bound = bases.get(2);
      cleaner.clean(log, bound);
      for (Record r : readAll(log)) {
        if (r.offset() >= bound) {
          assertEquals("k=v" + r.offset(), written.get(r.offset()));
        }
      }
      assertEquals(60 - bound + 1, readAll(log).size());
    }
  }

  @Test
  void aBoundedKeyMapCleansOnlyTheSegmentsItCovers() throws Exception {
    try (Log log = open()) {
      for (int i = 0; i < 60; i++) {
        put(log, "k" + i % 2, "v" + i);
      }
      List<Long> bases = log.segmentBaseOffsets();
      assertTrue(bases.size() > 3);
      LogCleaner.CleanerStats stats = new LogCleaner(2).clean(log, Long.MAX_VALUE);
      assertEquals(1, stats.segmentsCleaned());
      List<Record> after = readAll(log);
      assertEquals(2, after.stream().filter(r -> r.offset() < bases.get(1)).count());
      assertEquals(60 - bases.get(1), after.stream().filter(r -> r.offset() >= bases.get(1)).count());
    }
  }

  @Test
  void deletePolicyLogsAreLeftAlone() throws Exception {
    try (Log log = Log.open(tmp.resolve("plain-0"), config.withCleanupPolicy(CleanupPolicy.DELETE, DAY), clock::get)) {
      for (int i = 0; i < 40; i++) {
        log.appendAsLeader(keyed(clock.get(), "k", "v" + i), 0);
      }
      assertEquals(0, cleaner.clean(log, Long.MAX_VALUE).segmentsCleaned());
      assertEquals(40, readAll(log).size());
    }
  }
}
