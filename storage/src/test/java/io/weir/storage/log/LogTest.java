package io.weir.storage.log;

import static io.weir.storage.log.TestRecords.batch;
import static io.weir.storage.log.TestRecords.batches;
import static io.weir.storage.log.TestRecords.offsets;
import static io.weir.storage.log.TestRecords.readAll;
import static io.weir.storage.log.TestRecords.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.common.record.CorruptRecordException;
import io.weir.common.record.MemoryRecords;
import io.weir.common.record.Record;
import io.weir.common.record.RecordBatch;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTest {
  @TempDir Path tmp;
  final AtomicLong clock = new AtomicLong(1_000_000L);

  Log open(LogConfig config) {
    return Log.open(tmp.resolve("topic-0"), config, clock::get);
  }

  static LogConfig small() {
    return LogConfig.defaults().withSegmentBytes(1024).withIndex(100, 4096);
  }

  @Test
  void appendAssignsOffsetsFromLogEndAndStampsEpoch() throws Exception {
    try (Log log = open(LogConfig.defaults())) {
      LogAppendInfo first = log.appendAsLeader(batch(10, 3, "a"), 7);
      LogAppendInfo second = log.appendAsLeader(batch(20, 2, "b"), 7);
      assertEquals(0, first.firstOffset());
      assertEquals(2, first.lastOffset());
      assertEquals(3, first.recordCount());
      assertEquals(3, second.firstOffset());
      assertEquals(4, second.lastOffset());
      assertEquals(5, log.logEndOffset());
      List<RecordBatch> read = batches(log.read(0, 1 << 20, Long.MAX_VALUE, true).records());
      assertEquals(2, read.size());
      assertEquals(0, read.get(0).baseOffset());
      assertEquals(3, read.get(1).baseOffset());
      for (RecordBatch b : read) {
        assertEquals(7, b.partitionLeaderEpoch());
        b.validate();
      }
      assertEquals(List.of("a0", "a1", "a2", "b0", "b1"), values(readAll(log)));
      assertEquals(7, log.leaderEpochCache().latestEpoch());
    }
  }

  @Test
  void appendWritesTheCallersBytesUnchangedApartFromStamps() throws Exception {
    try (Log log = open(LogConfig.defaults())) {
      log.appendAsLeader(batch(1, 1, "x"), 0);
      MemoryRecords records = batch(5, 4, "y");
      log.appendAsLeader(records, 3);
      // The caller's buffer was stamped in place, and the file holds exactly those bytes.
      FileRecords slice = log.read(1, 1 << 20, Long.MAX_VALUE, true).records();
      ByteBuffer onDisk = ByteBuffer.allocate(slice.sizeInBytes());
      slice.readInto(onDisk);
      assertArrayEquals(bytesOf(records.buffer()), onDisk.array());
      assertEquals(1, records.iterator().next().baseOffset());
    }
  }

  @Test
  void appendAndReadAcrossManySegments() throws Exception {
    try (Log log = open(small())) {
      for (int i = 0; i < 200; i++) {
        log.appendAsLeader(batch(i, 1 + i % 3, "m" + i + "-"), 1);
      }
      assertTrue(log.segmentBaseOffsets().size() > 10, "segments: " + log.segmentBaseOffsets());
      List<Record> all = readAll(log);
      assertEquals(LongStream.range(0, log.logEndOffset()).boxed().toList(), offsets(all));
      // Every offset reads back its own batch, from whichever segment holds it.
      for (long offset = 0; offset < log.logEndOffset(); offset += 7) {
        RecordBatch b = batches(log.read(offset, 1, Long.MAX_VALUE, true).records()).get(0);
        assertTrue(b.baseOffset() <= offset && offset <= b.lastOffset(), b + " for " + offset);
      }
      for (long base : log.segmentBaseOffsets()) {
        Path file = log.dir().resolve(LogSegment.fileName(base, ".log"));
        assertTrue(Files.exists(file), file + " exists");
        assertTrue(Files.size(file) <= 1024 || base == log.segmentBaseOffsets().get(0));
      }
    }
  }

  @Test
  void fileRecordsSendStraightFromTheFile() throws Exception {
    try (Log log = open(LogConfig.defaults())) {
      MemoryRecords records = batch(5, 4, "y");
      log.appendAsLeader(records, 3);
      FileRecords slice = log.read(0, 1 << 20, Long.MAX_VALUE, true).records();
      Path out = tmp.resolve("sent");
      try (java.nio.channels.FileChannel target =
          java.nio.channels.FileChannel.open(
              out, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
        assertEquals(slice.sizeInBytes(), slice.writeTo(target));
      }
      assertArrayEquals(bytesOf(records.buffer()), Files.readAllBytes(out));
    }
  }

  @Test
  void readFromTheMiddleOfABatchReturnsTheWholeBatch() throws Exception {
    try (Log log = open(LogConfig.defaults())) {
      log.appendAsLeader(batch(1, 5, "a"), 0);
      log.appendAsLeader(batch(1, 5, "b"), 0);
      List<RecordBatch> read = batches(log.read(7, 1 << 20, Long.MAX_VALUE, true).records());
      assertEquals(1, read.size());
      assertEquals(5, read.get(0).baseOffset());
      assertEquals(9, read.get(0).lastOffset());
    }
  }

  @Test
  void readHonoursMaxBytesWithWholeBatchesAndAtLeastOne() throws Exception {
    try (Log log = open(LogConfig.defaults())) {
      for (int i = 0; i < 10; i++) {
        log.appendAsLeader(batch(1, 2, "v"), 0);
      }
      int batchSize = batches(log.read(0, 1, Long.MAX_VALUE, true).records()).get(0).sizeInBytes();
      FileRecords three = log.read(0, batchSize * 3 + batchSize / 2, Long.MAX_VALUE, true).records();
      assertEquals(batchSize * 3, three.sizeInBytes());
      assertEquals(3, batches(three).size());
      // The first batch comes whole even when larger than maxBytes, unless asked not to.
      assertEquals(batchSize, log.read(4, 10, Long.MAX_VALUE, true).records().sizeInBytes());
      assertEquals(0, log.read(4, 10, Long.MAX_VALUE, false).records().sizeInBytes());
    }
  }

  @Test
  void readStopsBeforeTheUpperBound() throws Exception {
    try (Log log = open(LogConfig.defaults())) {
      for (int i = 0; i < 5; i++) {
        log.appendAsLeader(batch(1, 2, "v"), 0);
      }
      List<RecordBatch> read = batches(log.read(0, 1 << 20, 6, true).records());
      assertEquals(List.of(0L, 2L, 4L), read.stream().map(RecordBatch::baseOffset).toList());
      assertEquals(0, log.read(6, 1 << 20, 6, true).records().sizeInBytes());
    }
  }

  @Test
  void readOutsideTheLogIsOutOfRangeAndAtTheEndIsEmpty() {
    try (Log log = open(LogConfig.defaults())) {
      log.appendAsLeader(batch(1, 3, "v"), 0);
      assertEquals(0, log.read(3, 100, Long.MAX_VALUE, true).records().sizeInBytes());
      OffsetOutOfRangeException e =
          assertThrows(OffsetOutOfRangeException.class, () -> log.read(4, 100, Long.MAX_VALUE, true));
      assertTrue(e.getMessage().contains("offset 4 is outside [0, 3]"), e.getMessage());
      assertThrows(OffsetOutOfRangeException.class, () -> log.read(-1, 100, Long.MAX_VALUE, true));
    }
  }

  @Test
  void offsetForTimestampFindsTheFirstRecordAtOrAfterIt() {
    try (Log log = open(small())) {
      for (int i = 0; i < 100; i++) {
        // Two records per batch, timestamps 1000 + 10*i and 1000 + 10*i + 5.
        MemoryRecords b = TestRecords.copy(twoTimestamps(1000 + 10L * i));
        log.appendAsLeader(b, 0);
      }
      assertTrue(log.segmentBaseOffsets().size() > 3);
      assertEquals(OptionalLong.of(0), log.offsetForTimestamp(0));
      assertEquals(OptionalLong.of(0), log.offsetForTimestamp(1000));
      assertEquals(OptionalLong.of(1), log.offsetForTimestamp(1003));
      assertEquals(OptionalLong.of(2), log.offsetForTimestamp(1006));
      assertEquals(OptionalLong.of(2 * 57), log.offsetForTimestamp(1000 + 570));
      assertEquals(OptionalLong.of(2 * 57 + 1), log.offsetForTimestamp(1000 + 571));
      assertEquals(OptionalLong.of(199), log.offsetForTimestamp(1000 + 995));
      assertEquals(OptionalLong.empty(), log.offsetForTimestamp(1000 + 996));
    }
  }

  private static MemoryRecords twoTimestamps(long t) {
    io.weir.common.record.MemoryRecordsBuilder b =
        new io.weir.common.record.MemoryRecordsBuilder(
            io.weir.common.record.CompressionType.NONE,
            io.weir.common.record.TimestampType.CREATE_TIME,
            0,
            1 << 20);
    b.append(t, null, TestRecords.bytes("a"), List.of());
    b.append(t + 5, null, TestRecords.bytes("b"), List.of());
    return b.build();
  }

  @Test
  void segmentRollsOnSegmentMsWithTheInjectedClock() {
    try (Log log = open(LogConfig.defaults().withSegmentMs(60_000))) {
      log.appendAsLeader(batch(clock.get(), 1, "a"), 0);
      clock.addAndGet(59_999);
      log.appendAsLeader(batch(clock.get(), 1, "b"), 0);
      assertEquals(List.of(0L), log.segmentBaseOffsets());
      clock.addAndGet(1);
      log.appendAsLeader(batch(clock.get(), 1, "c"), 0);
      assertEquals(List.of(0L, 2L), log.segmentBaseOffsets());
      assertEquals(List.of("a0", "b0", "c0"), values(readAll(log)));
    }
  }

  @Test
  void corruptBatchIsRejectedAndNothingOfTheRequestIsWritten() {
    try (Log log = open(LogConfig.defaults())) {
      MemoryRecords good = batch(1, 2, "g");
      MemoryRecords bad = batch(1, 2, "b");
      ByteBuffer raw = bad.buffer();
      raw.put(raw.limit() - 1, (byte) (raw.get(raw.limit() - 1) ^ 0x5a));
      CorruptRecordException e =
          assertThrows(
              CorruptRecordException.class,
              () -> log.appendAsLeader(TestRecords.concat(good, bad), 0));
      assertTrue(e.getMessage().contains("CRC"), e.getMessage());
      assertEquals(0, log.logEndOffset());
      assertEquals(0, log.size());
    }
  }

  @Test
  void trailingPartialBatchIsRejected() {
    try (Log log = open(LogConfig.defaults())) {
      ByteBuffer raw = batch(1, 2, "g").buffer();
      MemoryRecords cut = MemoryRecords.readableRecords(raw.limit(raw.limit() - 3));
      assertThrows(CorruptRecordException.class, () -> log.appendAsLeader(cut, 0));
      assertEquals(0, log.size());
    }
  }

  @Test
  void followerAppendKeepsLeaderOffsetsAndRejectsGoingBackwards() {
    try (Log log = open(LogConfig.defaults())) {
      log.appendAsFollower(TestRecords.withOffsets(0, 1, 5, 0, 1, 2));
      // A compacted leader sends gaps: kept as they are.
      LogAppendInfo info = log.appendAsFollower(TestRecords.withOffsets(10, 2, 5, 10, 14));
      assertEquals(10, info.firstOffset());
      assertEquals(14, info.lastOffset());
      assertEquals(15, log.logEndOffset());
      assertEquals(List.of(0L, 1L, 2L, 10L, 14L), offsets(readAll(log)));
      assertEquals(
          List.of(
              new LeaderEpochFileCache.EpochEntry(1, 0), new LeaderEpochFileCache.EpochEntry(2, 10)),
          log.leaderEpochCache().entries());
      CorruptRecordException e =
          assertThrows(
              CorruptRecordException.class,
              () -> log.appendAsFollower(TestRecords.withOffsets(12, 2, 5, 12)));
      assertTrue(e.getMessage().contains("below the expected next offset 15"), e.getMessage());
      assertEquals(15, log.logEndOffset());
    }
  }

  @Test
  void cleanCloseAndReopenKeepsEverythingWithoutRecovery() throws Exception {
    List<Record> before;
    LogConfig config = small();
    try (Log log = open(config)) {
      for (int i = 0; i < 50; i++) {
        log.appendAsLeader(batch(i, 3, "r" + i), i / 10);
      }
      before = readAll(log);
    }
    assertTrue(Files.exists(tmp.resolve("topic-0").resolve(Log.CLEAN_SHUTDOWN_FILE)));
    try (Log log = open(config)) {
      assertFalse(log.recoveredFromUncleanShutdown());
      assertFalse(Files.exists(log.dir().resolve(Log.CLEAN_SHUTDOWN_FILE)));
      assertEquals(150, log.logEndOffset());
      assertEquals(150, log.recoveryPoint());
      assertEquals(values(before), values(readAll(log)));
      assertEquals(4, log.leaderEpochCache().latestEpoch());
      // Appends continue at the end, in the reopened active segment.
      assertEquals(150, log.appendAsLeader(batch(1, 1, "z"), 5).firstOffset());
      assertEquals(OptionalLong.of(0), log.offsetForTimestamp(0));
      assertEquals(OptionalLong.of(147), log.offsetForTimestamp(49));
    }
  }

  @Test
  void segmentsWithEmptyIndexesReopen() throws Exception {
    try (Log log = open(LogConfig.defaults())) {
      log.appendAsLeader(batch(1, 1, "a"), 0);
      log.roll();
      log.appendAsLeader(batch(2, 1, "b"), 0);
      log.roll();
      log.roll(); // the active segment is empty: no new segment
    }
    assertEquals(0, Files.size(tmp.resolve("topic-0").resolve(LogSegment.fileName(0, ".index"))));
    try (Log log = open(LogConfig.defaults())) {
      assertEquals(List.of(0L, 1L, 2L), log.segmentBaseOffsets());
      assertEquals(List.of("a0", "b0"), values(readAll(log)));
      assertEquals(OptionalLong.of(1), log.offsetForTimestamp(2));
    }
  }

  @Test
  void concurrentReaderSeesOnlyWholeBatches() throws Exception {
    try (Log log = open(small())) {
      List<Throwable> failures = new ArrayList<>();
      Thread reader =
          new Thread(
              () -> {
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (log.logEndOffset() < 3000 && System.nanoTime() < deadline) {
                  try {
                    long end = log.logEndOffset();
                    long from = Math.max(0, end - 5);
                    for (RecordBatch b : batches(log.read(from, 4096, Long.MAX_VALUE, true).records())) {
                      b.validate();
                      if (b.lastOffset() >= log.logEndOffset()) {
                        throw new AssertionError("read past the end: " + b);
                      }
                    }
                  } catch (Throwable t) {
                    failures.add(t);
                    return;
                  }
                }
              });
      reader.start();
      for (int i = 0; i < 1000; i++) {
        log.appendAsLeader(batch(i, 3, "c"), 0);
      }
      reader.join(10_000);
      assertFalse(reader.isAlive());
      assertEquals(List.of(), failures);
    }
  }

  static byte[] bytesOf(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
