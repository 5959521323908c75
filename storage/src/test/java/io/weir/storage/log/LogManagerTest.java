package io.weir.storage.log;

import static io.weir.storage.log.TestRecords.batch;
import static io.weir.storage.log.TestRecords.keyed;
import static io.weir.storage.log.TestRecords.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.common.TopicPartition;
import io.weir.storage.log.LogConfig.CleanupPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest {
  @TempDir Path tmp;
  final AtomicLong clock = new AtomicLong(10_000L);
  final LogConfig config = LogConfig.defaults().withSegmentBytes(1024).withIndex(150, 4096);
  final TopicPartition a0 = new TopicPartition("orders-eu", 0);
  final TopicPartition a1 = new TopicPartition("orders-eu", 1);

  LogManager load() {
    return LogManager.load(tmp, tp -> config, clock::get);
  }

  @Test
  void topicPartitionDirectoryNames() {
    assertEquals(new TopicPartition("my-topic", 12), PartitionDir.parse("my-topic-12"));
    assertEquals("my-topic-12", PartitionDir.name(new TopicPartition("my-topic", 12)));
    assertThrows(IllegalArgumentException.class, () -> PartitionDir.parse("nodash"));
    assertThrows(IllegalArgumentException.class, () -> PartitionDir.parse("topic-x"));
    assertThrows(IllegalArgumentException.class, () -> PartitionDir.parse("..-0"));
    assertThrows(IllegalArgumentException.class, () -> PartitionDir.name(new TopicPartition("a/b", 0)));
    assertThrows(IllegalArgumentException.class, () -> PartitionDir.name(new TopicPartition("a", -1)));
  }

  @Test
  void logsSurviveAReload() {
    try (LogManager m = load()) {
      m.getOrCreateLog(a0, config).appendAsLeader(batch(1, 3, "x"), 0);
      m.getOrCreateLog(a1, config).appendAsLeader(batch(1, 5, "y"), 0);
    }
    try (LogManager m = load()) {
      assertEquals(Set.of(a0, a1), m.logs().keySet());
      assertEquals(3, m.getLog(a0).orElseThrow().logEndOffset());
      assertEquals(5, m.getLog(a1).orElseThrow().logEndOffset());
      assertFalse(m.getLog(a0).orElseThrow().recoveredFromUncleanShutdown());
    }
  }

  @Test
  void theMetadataLogDirectoryBesideThePartitionsIsNotLoadedAsOne() throws Exception {
    Path metadata = Files.createDirectories(tmp.resolve(LogManager.METADATA_DIR_NAME));
    Files.writeString(metadata.resolve("CURRENT"), "MANIFEST-000001\n");
    try (LogManager m = load()) {
      m.getOrCreateLog(a0, config).appendAsLeader(batch(1, 3, "x"), 0);
    }
    try (LogManager m = load()) {
      assertEquals(Set.of(a0), m.logs().keySet());
      assertTrue(m.offlinePartitions().isEmpty());
    }
    assertEquals("MANIFEST-000001\n", Files.readString(metadata.resolve("CURRENT")), "left untouched");
  }

  @Test
  void aPartitionThatCannotOpenIsOfflineAndTheOthersLoad() throws Exception {
    try (LogManager m = load()) {
      m.getOrCreateLog(a0, config).appendAsLeader(batch(1, 3, "x"), 0);
      m.getOrCreateLog(a1, config).appendAsLeader(batch(1, 3, "y"), 0);
    }
    // A directory where a segment file should be: opening it fails with an I/O error.
    Path broken = tmp.resolve(PartitionDir.name(a1));
    Files.createDirectory(broken.resolve(LogSegment.fileName(100, ".log")));
    try (LogManager m = load()) {
      assertEquals(Set.of(a0), m.logs().keySet());
      assertEquals(Set.of(a1), m.offlinePartitions().keySet());
      assertTrue(m.offlinePartitions().get(a1).getMessage().contains(broken.toString()));
      LogStorageException e =
          assertThrows(LogStorageException.class, () -> m.getOrCreateLog(a1, config));
      assertTrue(e.getMessage().contains("offline"), e.getMessage());
      assertEquals(3, m.getLog(a0).orElseThrow().logEndOffset());
    }
  }

  @Test
  void retentionRoundIsolatesAFailingLog() throws Exception {
    LogConfig tight = config.withRetention(-1, 0);
    try (LogManager m = LogManager.load(tmp, tp -> tight, clock::get)) {
      Log good = m.getOrCreateLog(a0, tight);
      Log doomed = m.getOrCreateLog(a1, tight);
      for (int i = 0; i < 40; i++) {
        good.appendAsLeader(batch(1, 2, "g"), 0);
        doomed.appendAsLeader(batch(1, 2, "d"), 0);
      }
      LogIoErrorTest.deleteRecursively(doomed.dir());
      m.runRetentionAndFlush();
      assertEquals(Set.of(a1), m.offlinePartitions().keySet());
      assertEquals(Set.of(a0), m.logs().keySet());
      assertEquals(1, good.segmentBaseOffsets().size());
      assertEquals(good.segmentBaseOffsets().get(0), good.logStartOffset());
      assertEquals(good.segmentBaseOffsets().get(0), good.recoveryPoint());
    }
  }

  @Test
  void cleanerRoundCompactsOnlyCompactedLogs() {
    LogConfig compacted = config.withCleanupPolicy(CleanupPolicy.COMPACT, 0);
    try (LogManager m = LogManager.load(tmp, tp -> tp.equals(a0) ? compacted : config, clock::get)) {
      Log c = m.getOrCreateLog(a0, compacted);
      Log d = m.getOrCreateLog(a1, config);
      for (int i = 0; i < 40; i++) {
        c.appendAsLeader(keyed(clock.get(), "k", "v" + i), 0);
        d.appendAsLeader(keyed(clock.get(), "k", "v" + i), 0);
      }
      Map<TopicPartition, LogCleaner.CleanerStats> stats = m.runCleaner(tp -> Long.MAX_VALUE);
      assertEquals(Set.of(a0), stats.keySet());
      assertTrue(readAll(c).size() < 40);
      assertEquals(40, readAll(d).size());
    }
  }

  @Test
  void deleteLogRemovesItsDirectory() {
    try (LogManager m = load()) {
      Log l = m.getOrCreateLog(a0, config);
      l.appendAsLeader(batch(1, 1, "x"), 0);
      m.deleteLog(a0);
      assertFalse(Files.exists(tmp.resolve(PartitionDir.name(a0))));
      assertTrue(m.getLog(a0).isEmpty());
      assertEquals(0, m.getOrCreateLog(a0, config).logEndOffset());
    }
  }
}
