package io.weir.storage.log;

import static io.weir.storage.log.TestRecords.batch;
import static io.weir.storage.log.TestRecords.offsets;
import static io.weir.storage.log.TestRecords.readAll;
import static io.weir.storage.log.TestRecords.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.common.record.Record;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages real segment, index and checkpoint files between a "crash" (files closed without
 * flushing, trimming or the clean-shutdown marker, as after kill -9) and the next open.
 */
class LogRecoveryTest {
  @TempDir Path tmp;
  final AtomicLong clock = new AtomicLong(5_000L);
  final LogConfig config = LogConfig.defaults().withSegmentBytes(2048).withIndex(200, 4096);

  Path dir() {
    return tmp.resolve("t-3");
  }

  Log open() {
    return Log.open(dir(), config, clock::get);
  }

  /** Positions of each batch in its segment: base offset -> (segment base, position, size). */
  record Placed(long baseOffset, long segmentBase, long position, int size) {}

  /** Writes {@code n} batches of 3 records (epochs rising every 10) and crashes. */
  List<Placed> writeAndCrash(int n) throws IOException {
    Log log = open();
    for (int i = 0; i < n; i++) {
      log.appendAsLeader(batch(100 + i, 3, "b" + i + "-"), i / 10);
    }
    List<Placed> placed = placements(log);
    crash(log);
    return placed;
  }

  static List<Placed> placements(Log log) throws IOException {
    List<Placed> out = new ArrayList<>();
    for (LogSegment s : log.segmentsForTest().values()) {
      ByteBuffer scratch = BatchHeader.scratch();
      long pos = 0;
      BatchHeader h;
      while ((h = BatchHeader.read(s.channel(), pos, s.sizeInBytes(), scratch)) != null) {
        out.add(new Placed(h.baseOffset(), s.baseOffset, pos, h.sizeInBytes()));
        pos = h.endPosition();
      }
    }
    return out;
  }

  static void crash(Log log) throws IOException {
    for (LogSegment s : log.segmentsForTest().values()) {
      s.channel().close();
    }
  }

  Path indexFile(long segmentBase) {
    return LogSegment.files(dir(), segmentBase, "").get(1);
  }

  Path timeIndexFile(long segmentBase) {
    return LogSegment.files(dir(), segmentBase, "").get(2);
  }

  Path logFile(long segmentBase) {
    return dir().resolve(LogSegment.fileName(segmentBase, ".log"));
  }

  static void flipByte(Path file, long position) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(position);
      int b = raf.read();
      raf.seek(position);
      raf.write(b ^ 0xff);
    }
  }

  /** What the log must hold after damage to the batch at {@code damaged}: all batches before it. */
  static void assertHoldsExactlyBefore(Log log, Placed damaged) {
    long end = damaged.baseOffset();
    List<Record> records = readAll(log);
    assertEquals(LongStream.range(0, end).boxed().toList(), offsets(records));
    List<String> expected = new ArrayList<>();
    for (long o = 0; o < end; o++) {
      expected.add("b" + o / 3 + "-" + o % 3);
    }
    assertEquals(expected, values(records));
    assertEquals(end, log.logEndOffset());
    assertTrue(log.recoveredFromUncleanShutdown());
  }

  @Test
  void uncleanShutdownWithIntactFilesKeepsEverything() throws IOException {
    List<Placed> placed = writeAndCrash(40);
    try (Log log = open()) {
      assertTrue(log.recoveredFromUncleanShutdown());
      assertEquals(120, log.logEndOffset());
      assertEquals(120, readAll(log).size());
      assertEquals(3, log.leaderEpochCache().latestEpoch());
      assertEquals(placed.size(), placements(log).size());
    }
  }

  @Test
  void flippedByteInTheLastBatchTruncatesOnlyThatBatch() throws IOException {
    List<Placed> placed = writeAndCrash(40);
    Placed last = placed.get(placed.size() - 1);
    flipByte(logFile(last.segmentBase()), last.position() + last.size() / 2);
    try (Log log = open()) {
      assertHoldsExactlyBefore(log, last);
      assertEquals(last.position(), Files.size(logFile(last.segmentBase())));
      // The log carries on from the truncation point.
      assertEquals(last.baseOffset(), log.appendAsLeader(batch(1, 1, "n"), 9).firstOffset());
    }
  }

  @Test
  void fileCutMidBatchTruncatesTheTornBatch() throws IOException {
    List<Placed> placed = writeAndCrash(40);
    Placed last = placed.get(placed.size() - 1);
    try (FileChannel ch = FileChannel.open(logFile(last.segmentBase()), StandardOpenOption.WRITE)) {
      ch.truncate(last.position() + last.size() - 7);
    }
    try (Log log = open()) {
      assertHoldsExactlyBefore(log, last);
    }
  }

  @Test
  void cutInsideTheLengthFieldIsATornBatchToo() throws IOException {
    List<Placed> placed = writeAndCrash(40);
    Placed last = placed.get(placed.size() - 1);
    try (FileChannel ch = FileChannel.open(logFile(last.segmentBase()), StandardOpenOption.WRITE)) {
      ch.truncate(last.position() + 10);
    }
    try (Log log = open()) {
      assertHoldsExactlyBefore(log, last);
    }
  }

  @Test
  void garbageAppendedAfterTheLastBatchIsRemoved() throws IOException {
    List<Placed> placed = writeAndCrash(40);
    Placed last = placed.get(placed.size() - 1);
    Path file = logFile(last.segmentBase());
    long validSize = Files.size(file);
    byte[] garbage = new byte[333];
    new Random(7).nextBytes(garbage);
    Files.write(file, garbage, StandardOpenOption.APPEND);
    try (Log log = open()) {
      assertEquals(120, log.logEndOffset());
      assertEquals(120, readAll(log).size());
      assertEquals(validSize, Files.size(file));
    }
  }

  @Test
  void damageInAnEarlierSegmentDropsItsTailAndEveryLaterSegment() throws IOException {
    List<Placed> placed = writeAndCrash(60);
    // A batch in the middle of the second segment.
    long secondBase = placed.stream().map(Placed::segmentBase).distinct().toList().get(1);
    List<Placed> inSecond = placed.stream().filter(p -> p.segmentBase() == secondBase).toList();
    Placed victim = inSecond.get(inSecond.size() / 2);
    flipByte(logFile(secondBase), victim.position() + victim.size() - 1);
    try (Log log = open()) {
      assertHoldsExactlyBefore(log, victim);
      assertEquals(secondBase, log.segmentBaseOffsets().get(log.segmentBaseOffsets().size() - 1));
      for (Placed p : placed) {
        if (p.segmentBase() > secondBase) {
          assertFalse(Files.exists(logFile(p.segmentBase())), "segment " + p.segmentBase());
        }
      }
      // Epochs of the dropped batches are gone too.
      long lastKeptBatch = victim.baseOffset() / 3 - 1;
      assertEquals(lastKeptBatch / 10, log.leaderEpochCache().latestEpoch());
    }
  }

  @Test
  void absurdBatchLengthIsTreatedAsDamage() throws IOException {
    List<Placed> placed = writeAndCrash(20);
    Placed victim = placed.get(placed.size() - 3);
    try (RandomAccessFile raf = new RandomAccessFile(logFile(victim.segmentBase()).toFile(), "rw")) {
      raf.seek(victim.position() + 8);
      raf.writeInt(Integer.MAX_VALUE - 20);
    }
    try (Log log = open()) {
      assertHoldsExactlyBefore(log, victim);
    }
  }

  @Test
  void recoveryStartsAtTheRecoveryPoint() throws IOException {
    Log log = open();
    for (int i = 0; i < 30; i++) {
      log.appendAsLeader(batch(100 + i, 3, "b" + i + "-"), 0);
    }
    log.flush();
    assertEquals(90, log.recoveryPoint());
    for (int i = 30; i < 40; i++) {
      log.appendAsLeader(batch(100 + i, 3, "b" + i + "-"), 0);
    }
    List<Placed> placed = placements(log);
    crash(log);
    Placed last = placed.get(placed.size() - 1);
    flipByte(logFile(last.segmentBase()), last.position() + RecordBatchOffsets.CRC);
    try (Log reopened = open()) {
      assertHoldsExactlyBefore(reopened, last);
      assertEquals(117, reopened.recoveryPoint());
    }
  }

  @Test
  void cleanShutdownSkipsRecoveryAndTheMarkerIsConsumedByTheOpen() throws IOException {
    List<Placed> placed;
    try (Log log = open()) {
      for (int i = 0; i < 40; i++) {
        log.appendAsLeader(batch(100 + i, 3, "b" + i + "-"), 0);
      }
      placed = placements(log);
    }
    Placed last = placed.get(placed.size() - 1);
    flipByte(logFile(last.segmentBase()), last.position() + last.size() - 2);
    // Trusted after a clean shutdown: the active segment is not rescanned.
    Log log = open();
    assertFalse(log.recoveredFromUncleanShutdown());
    assertEquals(120, log.logEndOffset());
    crash(log);
    // The open removed the marker, so after this crash the damage is found.
    try (Log reopened = open()) {
      assertHoldsExactlyBefore(reopened, last);
    }
  }

  @Test
  void deletedIndexesAreRebuiltAfterACleanShutdown() throws IOException {
    List<Record> before;
    try (Log log = open()) {
      for (int i = 0; i < 60; i++) {
        log.appendAsLeader(batch(100 + i, 3, "b" + i + "-"), 0);
      }
      before = readAll(log);
    }
    long first = 0;
    Files.delete(indexFile(first));
    Files.delete(timeIndexFile(first));
    try (Log log = open()) {
      assertFalse(log.recoveredFromUncleanShutdown());
      assertTrue(Files.size(indexFile(first)) > 0, "offset index rebuilt");
      assertTrue(Files.size(timeIndexFile(first)) > 0, "time index rebuilt");
      assertEquals(values(before), values(readAll(log)));
      assertEquals(OptionalLong.of(3 * 5), log.offsetForTimestamp(105));
    }
  }

  @Test
  void garbledIndexesAreDetectedAndRebuilt() throws IOException {
    List<Record> before;
    List<Long> bases;
    try (Log log = open()) {
      for (int i = 0; i < 60; i++) {
        log.appendAsLeader(batch(100 + i, 3, "b" + i + "-"), 0);
      }
      before = readAll(log);
      bases = log.segmentBaseOffsets();
    }
    Random random = new Random(42);
    Path index = indexFile(bases.get(1));
    byte[] garbage = new byte[(int) Files.size(index)];
    random.nextBytes(garbage);
    Files.write(index, garbage);
    Path timeIndex = timeIndexFile(bases.get(0));
    Files.write(timeIndex, new byte[] {1, 2, 3, 4, 5}); // not a whole entry
    try (Log log = open()) {
      assertEquals(values(before), values(readAll(log)));
      for (long offset = 0; offset < log.logEndOffset(); offset += 5) {
        var b = TestRecords.batches(log.read(offset, 1, Long.MAX_VALUE, true).records()).get(0);
        assertTrue(b.baseOffset() <= offset && offset <= b.lastOffset());
      }
      assertEquals(OptionalLong.of(3 * 2), log.offsetForTimestamp(102));
      assertEquals(0, Files.size(timeIndex) % TimeIndex.ENTRY_SIZE);
    }
  }

  @Test
  void missingCheckpointsMeanFullRecoveryAndRebuiltEpochs() throws IOException {
    writeAndCrash(45);
    Files.delete(dir().resolve(Log.RECOVERY_POINT_CHECKPOINT));
    Files.delete(dir().resolve(Log.LEADER_EPOCH_CHECKPOINT));
    Files.delete(dir().resolve(Log.LOG_START_OFFSET_CHECKPOINT));
    try (Log log = open()) {
      assertEquals(135, log.logEndOffset());
      assertEquals(0, log.logStartOffset());
      assertEquals(
          List.of(
              new LeaderEpochFileCache.EpochEntry(0, 0),
              new LeaderEpochFileCache.EpochEntry(1, 30),
              new LeaderEpochFileCache.EpochEntry(2, 60),
              new LeaderEpochFileCache.EpochEntry(3, 90),
              new LeaderEpochFileCache.EpochEntry(4, 120)),
          log.leaderEpochCache().entries());
      assertTrue(Files.exists(dir().resolve(Log.LEADER_EPOCH_CHECKPOINT)));
    }
  }

  @Test
  void epochCheckpointIsRebuiltEvenAfterACleanShutdown() throws IOException {
    try (Log log = open()) {
      for (int i = 0; i < 25; i++) {
        log.appendAsLeader(batch(100 + i, 3, "b" + i + "-"), i / 10);
      }
    }
    Files.writeString(dir().resolve(Log.LEADER_EPOCH_CHECKPOINT), "0\n5\nnot an epoch\n");
    try (Log log = open()) {
      assertEquals(
          List.of(
              new LeaderEpochFileCache.EpochEntry(0, 0),
              new LeaderEpochFileCache.EpochEntry(1, 30),
              new LeaderEpochFileCache.EpochEntry(2, 60)),
          log.leaderEpochCache().entries());
      assertEquals(75, log.logEndOffset());
    }
  }

  /** Byte offsets inside a batch header, for aiming damage. */
  static final class RecordBatchOffsets {
    static final int CRC = io.weir.common.record.RecordBatch.CRC_OFFSET;
  }
}
