package io.weir.storage.log;

import static io.weir.storage.log.TestRecords.batch;
import static io.weir.storage.log.TestRecords.readAll;
import static io.weir.storage.log.TestRecords.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class LogIoErrorTest {
  @TempDir Path tmp;
  final AtomicLong clock = new AtomicLong(1_000L);
  final LogConfig config = LogConfig.defaults().withSegmentBytes(1024).withIndex(150, 4096);

  @Test
  void diskFullOnAppendTakesOnlyThatLogOfflineAndLosesNoAcknowledgedBatch() throws Exception {
    FaultyFileChannel.Faults faults = new FaultyFileChannel.Faults();
    Path badDir = tmp.resolve("bad-0");
    Log bad = Log.open(badDir, config, clock::get, faults.factory());
    Log good = Log.open(tmp.resolve("good-0"), config, clock::get);
    for (int i = 0; i < 5; i++) {
      bad.appendAsLeader(batch(1, 2, "ok" + i + "-"), 0);
      good.appendAsLeader(batch(1, 2, "ok" + i + "-"), 0);
    }
    List<String> acknowledged = values(readAll(bad));

    faults.failWrites.set(true);
    LogStorageException e =
        assertThrows(LogStorageException.class, () -> bad.appendAsLeader(batch(1, 2, "lost"), 0));
    assertTrue(e.getMessage().contains(badDir.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("append"), e.getMessage());
    assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    assertTrue(bad.isOffline());
    faults.failWrites.set(false);

    // Every later call fails fast with the original cause, even if the disk recovered.
    for (Executable call :
        List.<Executable>of(
            () -> bad.appendAsLeader(batch(1, 1, "x"), 0),
            () -> bad.read(0, 100, Long.MAX_VALUE, true),
            () -> bad.truncateTo(1),
            bad::roll,
            bad::flush,
            bad::deleteOldSegments,
            () -> bad.offsetForTimestamp(0),
            () -> bad.endOffsetForEpoch(0))) {
      LogStorageException later = assertThrows(LogStorageException.class, call);
      assertTrue(later.getMessage().contains("is offline"), later.getMessage());
      assertSame(e.getCause(), later.getCause().getCause());
    }
    // The other partition carries on.
    good.appendAsLeader(batch(1, 2, "more"), 0);
    assertEquals(12, good.logEndOffset());
    assertFalse(good.isOffline());
    good.close();

    // Closing an offline log does not throw and leaves no clean-shutdown marker, so the next
    // open recovers: the half-written batch goes, every acknowledged one stays.
    bad.close();
    assertFalse(Files.exists(badDir.resolve(Log.CLEAN_SHUTDOWN_FILE)));
    try (Log reopened = Log.open(badDir, config, clock::get)) {
      assertTrue(reopened.recoveredFromUncleanShutdown());
      assertEquals(acknowledged, values(readAll(reopened)));
      assertEquals(10, reopened.logEndOffset());
    }
  }

  @Test
  void readErrorTakesTheLogOffline() throws Exception {
    FaultyFileChannel.Faults faults = new FaultyFileChannel.Faults();
    try (Log log = Log.open(tmp.resolve("r-0"), config, clock::get, faults.factory())) {
      log.appendAsLeader(batch(1, 2, "a"), 0);
      faults.failReads.set(true);
      LogStorageException e =
          assertThrows(LogStorageException.class, () -> log.read(0, 100, Long.MAX_VALUE, true));
      assertTrue(e.getMessage().contains("during read"), e.getMessage());
      assertTrue(log.isOffline());
    }
  }

  @Test
  void deletedDirectoryTakesTheLogOfflineAtTheNextFileOperation() throws Exception {
    Path dir = tmp.resolve("gone-0");
    try (Log log = Log.open(dir, config, clock::get)) {
      log.appendAsLeader(batch(1, 2, "a"), 0);
      deleteRecursively(dir);
      // Rolling needs a new segment file in the missing directory.
      LogStorageException e = assertThrows(LogStorageException.class, log::roll);
      assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
      assertTrue(log.isOffline());
      assertThrows(LogStorageException.class, () -> log.appendAsLeader(batch(1, 1, "b"), 0));
    }
  }

  @Test
  void openingAPathThatIsAFileFailsWithAStorageError() throws Exception {
    Path notADir = tmp.resolve("file-0");
    Files.writeString(notADir, "x");
    LogStorageException e =
        assertThrows(LogStorageException.class, () -> Log.open(notADir, config, clock::get));
    assertTrue(e.getMessage().contains(notADir.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("open"), e.getMessage());
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
