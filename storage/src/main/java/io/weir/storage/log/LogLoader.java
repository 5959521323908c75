package io.weir.storage.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory: reads the checkpoints, opens the segments and recovers what an
 * unclean shutdown may have left half-written. What it keeps is every valid batch before the first
 * damage; nothing after the damage survives, since later bytes cannot be trusted to line up.
 */
final class LogLoader {
  private static final Logger log = LoggerFactory.getLogger(LogLoader.class);

  private LogLoader() {}

  static Log load(Path dir, LogConfig config, LongSupplier clock, FileChannelFactory channels)
      throws IOException {
    Files.createDirectories(dir);
    Path marker = dir.resolve(Log.CLEAN_SHUTDOWN_FILE);
    boolean clean = Files.exists(marker);
    List<Long> bases = new ArrayList<>();
    List<Path> indexFiles = new ArrayList<>();
    for (Path file : Log.list(dir)) {
      String name = file.getFileName().toString();
      if (name.endsWith(".tmp") || name.endsWith(Log.CLEANED_SUFFIX)) {
        Files.delete(file); // half-written by a crash; the original is intact
      } else if (LogSegment.parseBaseOffset(name, LogSegment.LOG_SUFFIX) >= 0) {
        bases.add(LogSegment.parseBaseOffset(name, LogSegment.LOG_SUFFIX));
      } else if (name.endsWith(LogSegment.INDEX_SUFFIX)
          || name.endsWith(LogSegment.TIME_INDEX_SUFFIX)) {
        indexFiles.add(file);
      }
    }
    Collections.sort(bases);
    Set<Long> baseSet = new HashSet<>(bases);
    for (Path index : indexFiles) {
      String name = index.getFileName().toString();
      long base =
          Math.max(
              LogSegment.parseBaseOffset(name, LogSegment.INDEX_SUFFIX),
              LogSegment.parseBaseOffset(name, LogSegment.TIME_INDEX_SUFFIX));
      if (!baseSet.contains(base)) {
        Files.delete(index); // its log file is gone (deleted segment, crash mid-delete)
      }
    }

    CheckpointFile epochFile = new CheckpointFile(dir.resolve(Log.LEADER_EPOCH_CHECKPOINT));
    List<LeaderEpochFileCache.EpochEntry> epochs =
        readOrNull(epochFile, () -> LeaderEpochFileCache.readCheckpoint(epochFile));
    CheckpointFile rpFile = new CheckpointFile(dir.resolve(Log.RECOVERY_POINT_CHECKPOINT));
    Long recoveryPoint = readOrNull(rpFile, rpFile::readLong);
    CheckpointFile lsoFile = new CheckpointFile(dir.resolve(Log.LOG_START_OFFSET_CHECKPOINT));
    Long checkpointedStart = readOrNull(lsoFile, lsoFile::readLong);

    LeaderEpochFileCache cache =
        new LeaderEpochFileCache(epochFile, epochs == null ? List.of() : epochs);
    long recoverFrom = Long.MAX_VALUE;
    if (!clean) {
      recoverFrom = recoveryPoint == null ? 0 : recoveryPoint;
    }
    if (epochs == null && !bases.isEmpty()) {
      // The batches are the only other record of the epochs: read them all.
      recoverFrom = 0;
    }

    ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    long now = clock.getAsLong();
    try {
      for (int i = 0; i < bases.size(); i++) {
        long base = bases.get(i);
        LogSegment segment = LogSegment.open(dir, base, config, now, channels);
        segments.put(base, segment);
        boolean needsRecovery =
            recoverFrom != Long.MAX_VALUE
                && (i + 1 == bases.size() || bases.get(i + 1) > recoverFrom);
        String badIndex = needsRecovery ? null : segment.indexesLookSane();
        if (badIndex != null) {
          log.warn("rebuilding the indexes of {} in {}: {}", segment, dir, badIndex);
        }
        if (!needsRecovery && badIndex == null) {
          continue;
        }
        long truncated = recover(segment, cache);
        if (truncated > 0) {
          log.warn(
              "log {}: truncated {} invalid or torn bytes at the end of {}; deleting {} later"
                  + " segments",
              dir,
              truncated,
              segment,
              bases.size() - i - 1);
          for (long later : bases.subList(i + 1, bases.size())) {
            deleteSegmentFiles(dir, later);
          }
          break;
        }
      }
      if (segments.isEmpty()) {
        long start = checkpointedStart == null ? 0 : checkpointedStart;
        deleteSegmentFiles(dir, start);
        segments.put(start, LogSegment.open(dir, start, config, now, channels));
      }
      for (LogSegment s : segments.headMap(segments.lastKey()).values()) {
        s.becomeInactive();
      }
      segments.lastEntry().getValue().becomeActive();
      long logStartOffset =
          checkpointedStart == null
              ? segments.firstKey()
              : Math.max(checkpointedStart, segments.firstKey());
      Log result =
          Log.loaded(dir, config, clock, channels, segments, cache, logStartOffset, !clean);
      // Only now: a crash from here on must find the marker gone and recover.
      Files.deleteIfExists(marker);
      CheckpointFile.fsyncDirectory(dir);
      return result;
    } catch (IOException | RuntimeException e) {
      for (LogSegment s : segments.values()) {
        try {
          s.channel().close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * Recovers the segment and fsyncs what it kept: the log then checkpoints its end as the recovery
   * point, which must only cover bytes on disk, not just in the page cache a crash left behind.
   */
  private static long recover(LogSegment segment, LeaderEpochFileCache cache) throws IOException {
    long truncated = recoverBatches(segment, cache);
    segment.flush();
    return truncated;
  }

  private static long recoverBatches(LogSegment segment, LeaderEpochFileCache cache)
      throws IOException {
    try {
      return segment.recover(
          batch -> {
            try {
              cache.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static void deleteSegmentFiles(Path dir, long base) throws IOException {
    for (Path file : LogSegment.files(dir, base, "")) {
      Files.deleteIfExists(file);
    }
  }

  @FunctionalInterface
  private interface CheckpointReader<T> {
    T read() throws IOException;
  }

  /** A checkpoint's content, or null if it is missing or corrupt (the caller then recovers more). */
  private static <T> T readOrNull(CheckpointFile file, CheckpointReader<T> reader)
      throws IOException {
    try {
      return reader.read();
    } catch (CorruptCheckpointException e) {
      log.warn("ignoring {}; recovering from the log instead", e.getMessage());
      return null;
    }
  }
}
