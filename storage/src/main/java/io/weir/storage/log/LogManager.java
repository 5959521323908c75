package io.weir.storage.log;

import io.weir.common.TopicPartition;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition logs of one log directory. Loading opens every partition directory; one that
 * fails to open (or later fails with an I/O error during maintenance) is set aside as offline with
 * its error, and the others carry on. Maintenance — retention, flushing rolled segments, {@code
 * flush.ms}, compaction — is exposed as calls for the owner's scheduler, so this class starts no
 * threads.
 *
 * <p>Thread discipline: the maps are concurrent; creating and deleting logs synchronize on the
 * manager so a partition is never opened twice.
 */
public final class LogManager implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(LogManager.class);

  /**
   * A controller's metadata log (a RocksDB store, not a partition) lives in this directory beside
   * the partitions of a combined node's log dir; loading passes over it.
   */
  public static final String METADATA_DIR_NAME = "__cluster_metadata";

  private final Path logDir;
  private final LongSupplier clock;
  private final FileChannelFactory channels;
  private final Map<TopicPartition, Log> logs = new ConcurrentHashMap<>(); // create/delete: this
  private final Map<TopicPartition, LogStorageException> offline = new ConcurrentHashMap<>();
  private final LogCleaner cleaner = new LogCleaner();

  private LogManager(Path logDir, LongSupplier clock, FileChannelFactory channels) {
    this.logDir = logDir;
    this.clock = clock;
    this.channels = channels;
  }

  /**
   * Opens every {@code <topic>-<partition>} directory under {@code logDir} with the config {@code
   * configs} gives for it. Other entries (meta.properties, stray files) are left alone.
   *
   * @throws LogStorageException if the log directory itself cannot be created or listed
   */
  public static LogManager load(
      Path logDir,
      Function<TopicPartition, LogConfig> configs,
      LongSupplier clock,
      FileChannelFactory channels) {
    LogManager manager = new LogManager(logDir, clock, channels);
    try {
      Files.createDirectories(logDir);
      for (Path dir : Log.list(logDir)) {
        if (!Files.isDirectory(dir) || dir.getFileName().toString().equals(METADATA_DIR_NAME)) {
          continue;
        }
        TopicPartition tp;
        try {
          tp = PartitionDir.parse(dir.getFileName().toString());
        } catch (IllegalArgumentException e) {
          log.warn("ignoring {} in log dir {}: {}", dir.getFileName(), logDir, e.getMessage());
          continue;
        }
        try {
          manager.openLog(tp, configs.apply(tp));
        } catch (LogStorageException e) {
          // Recorded as offline by openLog; the other partitions still load.
        }
      }
    } catch (IOException e) {
      throw new LogStorageException(logDir, "load", e);
    }
    return manager;
  }

  public static LogManager load(
      Path logDir, Function<TopicPartition, LogConfig> configs, LongSupplier clock) {
    return load(logDir, configs, clock, FileChannelFactory.DEFAULT);
  }

  private Log openLog(TopicPartition tp, LogConfig config) {
    Path dir = logDir.resolve(PartitionDir.name(tp));
    try {
      Log opened = Log.open(dir, config, clock, channels);
      logs.put(tp, opened);
      return opened;
    } catch (LogStorageException e) {
      offline.put(tp, e);
      log.error("partition {} is offline: {}", tp, e.getMessage());
      throw e;
    } catch (RuntimeException e) {
      // Anything else that stops one partition from opening must not stop the others.
      LogStorageException error = new LogStorageException(dir, "open", e);
      offline.put(tp, error);
      log.error("partition {} is offline", tp, e);
      throw error;
    }
  }

  /** The partition's log, created empty if it does not exist; throws if it is offline. */
  public synchronized Log getOrCreateLog(TopicPartition tp, LogConfig config) {
    LogStorageException error = offline.get(tp);
    if (error != null) {
      throw new LogStorageException("partition " + tp + " is offline: " + error.getMessage(), error);
    }
    Log existing = logs.get(tp);
    return existing != null ? existing : openLog(tp, config);
  }

  public Optional<Log> getLog(TopicPartition tp) {
    return Optional.ofNullable(logs.get(tp));
  }

  /** Online logs, a snapshot. */
  public Map<TopicPartition, Log> logs() {
    return Map.copyOf(logs);
  }

  /** Partitions that failed, with the error that took each offline. */
  public Map<TopicPartition, LogStorageException> offlinePartitions() {
    return Map.copyOf(offline);
  }

  /** Closes and deletes the partition's log directory (topic deletion, reassignment away). */
  public synchronized void deleteLog(TopicPartition tp) {
    Log removed = logs.remove(tp);
    offline.remove(tp);
    if (removed != null) {
      removed.close();
    }
    Path dir = logDir.resolve(PartitionDir.name(tp));
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p); // retention may be deleting a removed segment's files meanwhile
      }
    } catch (IOException e) {
      throw new LogStorageException(dir, "delete", e);
    }
  }

  /**
   * One round of retention and flushing for every online log: delete old segments, flush rolled
   * segments (moving recovery points), and flush where {@code flush.ms} is due. A log that fails
   * goes offline; the round continues with the others.
   */
  public void runRetentionAndFlush() {
    for (Map.Entry<TopicPartition, Log> e : logs.entrySet()) {
      Log partitionLog = e.getValue();
      guarded(
          e.getKey(),
          () -> {
            partitionLog.deleteOldSegments();
            partitionLog.flushInactiveSegments();
            partitionLog.flushIfDue();
          });
    }
  }

  /**
   * Compacts every online log whose cleanup policy includes compact, below the offset {@code
   * uncleanableOffset} gives for it (its high watermark).
   */
  public Map<TopicPartition, LogCleaner.CleanerStats> runCleaner(
      ToLongFunction<TopicPartition> uncleanableOffset) {
    Map<TopicPartition, LogCleaner.CleanerStats> stats = new HashMap<>();
    for (Map.Entry<TopicPartition, Log> e : logs.entrySet()) {
      if (e.getValue().config().cleanupPolicy().compacts()) {
        guarded(
            e.getKey(),
            () ->
                stats.put(
                    e.getKey(),
                    cleaner.clean(e.getValue(), uncleanableOffset.applyAsLong(e.getKey()))));
      }
    }
    return stats;
  }

  private void guarded(TopicPartition tp, Runnable task) {
    try {
      task.run();
    } catch (LogStorageException error) {
      synchronized (this) {
        Log failed = logs.remove(tp);
        offline.put(tp, error);
        if (failed != null) {
          failed.close();
        }
      }
      log.error("partition {} is offline: {}", tp, error.getMessage());
    }
  }

  /** Closes every log cleanly (each writes its clean-shutdown marker). */
  @Override
  public synchronized void close() {
    for (Map.Entry<TopicPartition, Log> e : logs.entrySet()) {
      try {
        e.getValue().close();
      } catch (RuntimeException error) {
        log.error("closing partition {} failed", e.getKey(), error);
      }
    }
    logs.clear();
  }
}
