package io.weir.storage.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
  @TempDir Path tmp;

  @Test
  void writeThenReadRoundTripsAndLeavesNoTempFile() throws Exception {
    CheckpointFile f = new CheckpointFile(tmp.resolve("cp"));
    assertNull(f.read());
    f.write(List.of("a 1", "b 2"));
    assertEquals(List.of("a 1", "b 2"), f.read());
    f.writeLong(77);
    assertEquals(77L, f.readLong());
    assertEquals("0\n1\n77\n", Files.readString(tmp.resolve("cp")));
    assertFalse(Files.exists(tmp.resolve("cp.tmp")));
  }

  @Test
  void staleTempFileFromACrashIsIgnored() throws Exception {
    CheckpointFile f = new CheckpointFile(tmp.resolve("cp"));
    f.writeLong(10);
    // A crash between writing the temp file and renaming it leaves this behind.
    Files.writeString(tmp.resolve("cp.tmp"), "0\n1\n999\n");
    assertEquals(10L, f.readLong());
    f.writeLong(11);
    assertEquals(11L, f.readLong());
  }

  @Test
  void staleTempCheckpointDoesNotReachAReopenedLog() throws Exception {
    Path dir = tmp.resolve("t-0");
    AtomicLong clock = new AtomicLong();
    try (Log log = Log.open(dir, LogConfig.defaults(), clock::get)) {
      log.appendAsLeader(TestRecords.batch(1, 4, "x"), 0);
      log.maybeIncrementLogStartOffset(2);
    }
    Files.writeString(dir.resolve(Log.LOG_START_OFFSET_CHECKPOINT + ".tmp"), "0\n1\n3\n");
    try (Log log = Log.open(dir, LogConfig.defaults(), clock::get)) {
      assertEquals(2, log.logStartOffset());
      assertFalse(Files.exists(dir.resolve(Log.LOG_START_OFFSET_CHECKPOINT + ".tmp")));
    }
  }

  @Test
  void malformedFilesNameTheirFlaw() throws Exception {
    CheckpointFile f = new CheckpointFile(tmp.resolve("cp"));
    Files.writeString(tmp.resolve("cp"), "1\n1\n5\n");
    assertTrue(assertThrows(CorruptCheckpointException.class, f::read).getMessage().contains("version"));
    Files.writeString(tmp.resolve("cp"), "0\n3\n5\n");
    assertTrue(
        assertThrows(CorruptCheckpointException.class, f::read)
            .getMessage()
            .contains("declares 3 entries but holds 1"));
    Files.writeString(tmp.resolve("cp"), "0\n1\nabc\n");
    assertTrue(assertThrows(CorruptCheckpointException.class, f::readLong).getMessage().contains("'abc'"));
  }
}
