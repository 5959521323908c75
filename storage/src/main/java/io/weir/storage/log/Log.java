package io.weir.storage.log;

import io.weir.common.record.CorruptRecordException;
import io.weir.common.record.MemoryRecords;
import io.weir.common.record.Record;
import io.weir.common.record.RecordBatch;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's log in {@code <log.dir>/<topic>-<partition>/}: segments keyed by base offset,
 * the leader-epoch cache and the recovery-point and log-start-offset checkpoints. Offsets never
 * change once assigned; retention and compaction remove data but not offsets.
 *
 * <p>Thread discipline: one writer at a time — append, roll, truncate, retention, segment swaps and
 * close hold {@link #lock}. Reads run concurrently on any thread without the lock: the writer
 * publishes {@link #endOffsetMetadata} (volatile) only after a batch's bytes and index entries are
 * written, and readers never look past it, so they see whole batches only.
 *
 * <p>An {@link IOException} from the file system takes the log offline: the call that hit it and
 * every later call throw {@link LogStorageException} naming this directory. Other logs are
 * untouched and the process carries on.
 */
public final class Log implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Log.class);

  static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
  static final String LOG_START_OFFSET_CHECKPOINT = "log-start-offset-checkpoint";
  static final String LEADER_EPOCH_CHECKPOINT = "leader-epoch-checkpoint";
  /** Written by a clean close; its presence at open means no recovery is needed. */
  static final String CLEAN_SHUTDOWN_FILE = ".clean-shutdown";
  /** Suffix of files a cleaner was writing when it stopped; deleted at open. */
  static final String CLEANED_SUFFIX = ".cleaned";

  private final Path dir;
  private final LongSupplier clock;
  private final FileChannelFactory channels;
  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentSkipListMap<Long, LogSegment> segments; // mutated under lock only
  private final LeaderEpochFileCache epochCache;
  private final CheckpointFile recoveryPointFile;
  private final CheckpointFile logStartOffsetFile;
  private final boolean recoveredFromUncleanShutdown;
  private volatile LogConfig config; // replaced whole
  private volatile LogOffsetMetadata endOffsetMetadata; // written under lock, after the data
  private volatile long logStartOffset; // written under lock
  private volatile long recoveryPoint; // written under lock
  private volatile LogStorageException offline; // set once, on the first I/O error
  private long unflushedRecords; // lock
  private long lastFlushMs; // lock
  private long truncations; // lock; lets a flush notice the log changed under it

  private Log(
      Path dir,
      LogConfig config,
      LongSupplier clock,
      FileChannelFactory channels,
      ConcurrentSkipListMap<Long, LogSegment> segments,
      LeaderEpochFileCache epochCache,
      long logStartOffset,
      long logEndOffset,
      boolean recoveredFromUncleanShutdown) {
    this.dir = dir;
    this.config = config;
    this.clock = clock;
    this.channels = channels;
    this.segments = segments;
    this.epochCache = epochCache;
    this.recoveryPointFile = new CheckpointFile(dir.resolve(RECOVERY_POINT_CHECKPOINT));
    this.logStartOffsetFile = new CheckpointFile(dir.resolve(LOG_START_OFFSET_CHECKPOINT));
    this.logStartOffset = Math.min(logStartOffset, logEndOffset);
    this.recoveryPoint = logEndOffset;
    this.recoveredFromUncleanShutdown = recoveredFromUncleanShutdown;
    LogSegment active = segments.lastEntry().getValue();
    this.lastFlushMs = clock.getAsLong();
    this.endOffsetMetadata =
        new LogOffsetMetadata(logEndOffset, active.baseOffset, active.sizeInBytes());
  }

  public static Log open(Path dir, LogConfig config, LongSupplier clock) {
    return open(dir, config, clock, FileChannelFactory.DEFAULT);
  }

  /**
   * Opens the partition directory, creating it if needed. After an unclean shutdown, recovers
   * every segment from the recovery point on: validates each batch, truncates at the first invalid
   * or torn one, deletes any later segment and rebuilds the indexes. Indexes found missing or
   * corrupt are rebuilt whatever the shutdown was.
   *
   * @throws LogStorageException if the directory cannot be read or written
   */
  public static Log open(
      Path dir, LogConfig config, LongSupplier clock, FileChannelFactory channels) {
    try {
      return LogLoader.load(dir, config, clock, channels);
    } catch (IOException e) {
      throw new LogStorageException(dir, "open", e);
    }
  }

  /** Builds the loaded log, positions its end and writes fresh checkpoints. */
  static Log loaded(
      Path dir,
      LogConfig config,
      LongSupplier clock,
      FileChannelFactory channels,
      ConcurrentSkipListMap<Long, LogSegment> segments,
      LeaderEpochFileCache epochCache,
      long logStartOffset,
      boolean unclean)
      throws IOException {
    long logEndOffset = segments.lastEntry().getValue().readNextOffset();
    Log result =
        new Log(
            dir,
            config,
            clock,
            channels,
            segments,
            epochCache,
            logStartOffset,
            logEndOffset,
            unclean);
    epochCache.truncateFromEnd(logEndOffset);
    epochCache.truncateFromStart(result.logStartOffset);
    result.recoveryPointFile.writeLong(logEndOffset);
    result.logStartOffsetFile.writeLong(result.logStartOffset);
    return result;
  }

  public Path dir() {
    return dir;
  }

  public LogConfig config() {
    return config;
  }

  /** Applies new settings from the next append or retention pass on. */
  public void updateConfig(LogConfig newConfig) {
    this.config = newConfig;
  }

  public long logStartOffset() {
    return logStartOffset;
  }

  public long logEndOffset() {
    return endOffsetMetadata.messageOffset();
  }

  /** Offsets below this are known to be on disk (fsynced). */
  public long recoveryPoint() {
    return recoveryPoint;
  }

  /** True if this open found no clean-shutdown marker and ran recovery. */
  public boolean recoveredFromUncleanShutdown() {
    return recoveredFromUncleanShutdown;
  }

  public boolean isOffline() {
    return offline != null;
  }

  public LeaderEpochFileCache leaderEpochCache() {
    return epochCache;
  }

  /** Kafka's OffsetsForLeaderEpoch for this log; see {@link LeaderEpochFileCache#endOffsetFor}. */
  public LeaderEpochFileCache.EpochEndOffset endOffsetForEpoch(int epoch) {
    checkOnline();
    return epochCache.endOffsetFor(epoch, logEndOffset());
  }

  /** Total bytes of all segments. */
  public long size() {
    long total = 0;
    for (LogSegment s : segments.values()) {
      total += s.sizeInBytes();
    }
    return total;
  }

  public List<Long> segmentBaseOffsets() {
    return new ArrayList<>(segments.keySet());
  }

  /**
   * Appends batches from a producer: validates each (length, magic, CRC), stamps base offsets from
   * the log end offset and the leader epoch into the caller's buffer in place (both outside the
   * CRC), then writes the buffer to the active segment once, rolling first if it is due.
   *
   * @throws CorruptRecordException if any batch is invalid; nothing is written then
   * @throws LogStorageException if the log is or goes offline
   */
  public LogAppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch) {
    if (leaderEpoch < 0) {
      throw new IllegalArgumentException("leader epoch must be at least 0, was " + leaderEpoch);
    }
    return append(records, leaderEpoch, true);
  }

  /**
   * Appends batches copied from the leader, keeping their offsets and epochs. Offsets must start at
   * or above the log end offset and increase; gaps are allowed (a compacted leader has them).
   *
   * @throws CorruptRecordException if a batch is invalid or offsets go backwards
   */
  public LogAppendInfo appendAsFollower(MemoryRecords records) {
    return append(records, RecordBatch.NO_PARTITION_LEADER_EPOCH, false);
  }

  private LogAppendInfo append(MemoryRecords records, int leaderEpoch, boolean assignOffsets) {
    LogAppendInfo info;
    boolean flushDue;
    lock.lock();
    try {
      checkOnline();
      long logEndOffset = logEndOffset();
      // Validate and stamp every batch before writing any, so a bad batch leaves nothing behind.
      long nextOffset = logEndOffset;
      long firstOffset = -1;
      long maxTimestamp = RecordBatch.NO_TIMESTAMP;
      int recordCount = 0;
      int batchCount = 0;
      int bytes = 0;
      List<LeaderEpochFileCache.EpochEntry> epochStarts = new ArrayList<>(1);
      int lastEpoch = epochCache.latestEpoch();
      for (RecordBatch batch : records) {
        batch.validate();
        if (assignOffsets) {
          batch.setBaseOffset(nextOffset);
          batch.setPartitionLeaderEpoch(leaderEpoch);
        } else if (batch.baseOffset() < nextOffset) {
          throw new CorruptRecordException(
              "follower append to "
                  + dir
                  + ": batch at offset "
                  + batch.baseOffset()
                  + " is below the expected next offset "
                  + nextOffset);
        }
        if (firstOffset < 0) {
          firstOffset = batch.baseOffset();
        }
        if (batch.partitionLeaderEpoch() > lastEpoch) {
          lastEpoch = batch.partitionLeaderEpoch();
          epochStarts.add(new LeaderEpochFileCache.EpochEntry(lastEpoch, batch.baseOffset()));
        }
        nextOffset = batch.nextOffset();
        maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
        recordCount += batch.recordCount();
        batchCount++;
        bytes += batch.sizeInBytes();
      }
      if (bytes != records.sizeInBytes()) {
        throw new CorruptRecordException(
            "append to "
                + dir
                + ": "
                + (records.sizeInBytes() - bytes)
                + " trailing bytes do not form a whole record batch");
      }
      if (batchCount == 0) {
        return new LogAppendInfo(logEndOffset, logEndOffset - 1, maxTimestamp, 0, 0, 0);
      }
      try {
        LogSegment segment = maybeRoll(bytes, firstOffset, nextOffset - 1);
        segment.append(records.buffer());
        for (LeaderEpochFileCache.EpochEntry e : epochStarts) {
          epochCache.assign(e.epoch(), e.startOffset());
        }
        endOffsetMetadata =
            new LogOffsetMetadata(nextOffset, segment.baseOffset, segment.sizeInBytes());
        unflushedRecords += recordCount;
      } catch (IOException e) {
        throw markOffline("append", e);
      }
      info =
          new LogAppendInfo(
              firstOffset, nextOffset - 1, maxTimestamp, recordCount, batchCount, bytes);
      flushDue = flushDue();
    } finally {
      lock.unlock();
    }
    if (flushDue) {
      flush(); // outside the lock: the fsync must not hold up other appends
    }
    return info;
  }

  private LogSegment maybeRoll(int bytes, long firstOffset, long lastOffset) throws IOException {
    LogSegment active = segments.lastEntry().getValue();
    if (active.shouldRoll(bytes, lastOffset, clock.getAsLong(), config)) {
      return roll(firstOffset);
    }
    return active;
  }

  /** Starts a new active segment at the log end offset (no-op if the active one is empty). */
  public void roll() {
    underLock("roll", () -> roll(logEndOffset()));
  }

  private LogSegment roll(long newBaseOffset) throws IOException {
    LogSegment active = segments.lastEntry().getValue();
    if (active.sizeInBytes() == 0) {
      if (active.baseOffset == newBaseOffset) {
        return active;
      }
      // An empty segment at a lower base (e.g. after a follower's gap) is replaced, not kept.
      segments.remove(active.baseOffset);
      active.delete();
    } else {
      active.becomeInactive();
    }
    for (Path leftover : LogSegment.files(dir, newBaseOffset, "")) {
      // Leftovers of an earlier life of this offset (truncated away) must not be reused.
      Files.deleteIfExists(leftover);
    }
    LogSegment next = LogSegment.open(dir, newBaseOffset, config, clock.getAsLong(), channels);
    segments.put(newBaseOffset, next);
    endOffsetMetadata = new LogOffsetMetadata(logEndOffset(), newBaseOffset, 0);
    return next;
  }

  /**
   * Reads whole batches starting with the one that contains {@code fromOffset} (or the first after
   * it, if compaction removed it), from a single segment: at most {@code maxBytes}, except that
   * with {@code minOneBatch} a first batch larger than that is returned whole; only batches
   * starting below {@code maxOffset} (pass the high watermark to hide uncommitted data, or {@link
   * Long#MAX_VALUE}). Nothing is copied: the result is a slice of the segment file.
   *
   * @throws OffsetOutOfRangeException if {@code fromOffset} is outside [log start, log end]
   */
  public FetchDataInfo read(long fromOffset, int maxBytes, long maxOffset, boolean minOneBatch) {
    for (int attempt = 0; ; attempt++) {
      checkOnline();
      LogOffsetMetadata end = endOffsetMetadata;
      long start = logStartOffset;
      if (fromOffset < start || fromOffset > end.messageOffset()) {
        throw new OffsetOutOfRangeException(
            "offset "
                + fromOffset
                + " is outside ["
                + start
                + ", "
                + end.messageOffset()
                + "] of log "
                + dir);
      }
      if (fromOffset == end.messageOffset() || fromOffset >= maxOffset) {
        return new FetchDataInfo(fromOffset, FileRecords.EMPTY); // a fetch waiting at the tail
      }
      Map.Entry<Long, LogSegment> entry = segments.floorEntry(fromOffset);
      if (entry == null) {
        entry = segments.firstEntry();
      }
      LogSegment segment = null;
      try {
        while (entry != null && entry.getKey() <= end.segmentBaseOffset()) {
          segment = entry.getValue();
          long maxPosition =
              segment.baseOffset == end.segmentBaseOffset()
                  ? end.relativePositionInSegment()
                  : segment.sizeInBytes();
          FileRecords records =
              segment.read(fromOffset, maxBytes, maxOffset, maxPosition, minOneBatch);
          if (records != null) {
            return new FetchDataInfo(fromOffset, records);
          }
          entry = segments.higherEntry(entry.getKey());
        }
        return new FetchDataInfo(fromOffset, FileRecords.EMPTY);
      } catch (IOException e) {
        // A segment deleted or replaced (retention, compaction) after we picked it closes its
        // channel under us: look again. Any other failure is the disk's.
        if (segment != null && segments.get(segment.baseOffset) != segment && attempt < 3) {
          continue;
        }
        throw markOffline("read", e);
      }
    }
  }

  /**
   * Offset of the first record whose timestamp is at least {@code timestamp} (Kafka's ListOffsets
   * by time), searching segments oldest first; empty if every record is older. Only the one batch
   * holding the answer is read whole; the others are skipped by their headers.
   */
  public OptionalLong offsetForTimestamp(long timestamp) {
    checkOnline();
    LogOffsetMetadata end = endOffsetMetadata;
    try {
      for (LogSegment segment : segments.headMap(end.segmentBaseOffset(), true).values()) {
        long maxPosition =
            segment.baseOffset == end.segmentBaseOffset()
                ? end.relativePositionInSegment()
                : segment.sizeInBytes();
        BatchHeader header = segment.findBatchByTimestamp(timestamp, -1, maxPosition);
        while (header != null) {
          if (header.lastOffset() >= logStartOffset) {
            for (Record record : segment.readBatch(header).records()) {
              if (record.timestamp() >= timestamp && record.offset() >= logStartOffset) {
                return OptionalLong.of(record.offset());
              }
            }
          }
          header = segment.findBatchByTimestamp(timestamp, header.endPosition(), maxPosition);
        }
      }
      return OptionalLong.empty();
    } catch (IOException e) {
      throw markOffline("offsetForTimestamp", e);
    }
  }

  /**
   * Removes everything at and above {@code targetOffset} (a follower that diverged from its
   * leader). A target below the log start offset empties the log and restarts it there.
   *
   * @return true if anything was removed
   */
  public boolean truncateTo(long targetOffset) {
    if (targetOffset < 0) {
      throw new IllegalArgumentException("cannot truncate to negative offset " + targetOffset);
    }
    return underLock(
        "truncateTo",
        () -> {
          if (targetOffset >= logEndOffset()) {
            // No records go, but an epoch may still start at the end: a broker that became leader
            // records its epoch at its log end before appending anything, and if it lost leadership
            // first, that empty epoch must go too. Kept, the follower keeps fetching with it as its
            // last fetched epoch, the leader keeps answering a divergence at this same offset, and
            // the follower never makes progress (nor rejoins the ISR).
            epochCache.truncateFromEnd(logEndOffset());
            return false;
          }
          if (targetOffset < logStartOffset) {
            truncateFullyAndStartAt(targetOffset);
            return true;
          }
          for (LogSegment s : new ArrayList<>(segments.tailMap(targetOffset, false).values())) {
            segments.remove(s.baseOffset);
            s.delete();
          }
          LogSegment active = segments.lastEntry().getValue();
          active.truncateTo(targetOffset);
          active.becomeActive();
          truncations++;
          endOffsetMetadata =
              new LogOffsetMetadata(targetOffset, active.baseOffset, active.sizeInBytes());
          epochCache.truncateFromEnd(targetOffset);
          if (recoveryPoint > targetOffset) {
            recoveryPoint = targetOffset;
            recoveryPointFile.writeLong(targetOffset);
          }
          return true;
        });
  }

  /** Deletes every segment and restarts the log, empty, at {@code newOffset}. */
  public void truncateFullyAndStartAt(long newOffset) {
    underLock(
        "truncateFullyAndStartAt",
        () -> {
          for (LogSegment s : new ArrayList<>(segments.values())) {
            segments.remove(s.baseOffset);
            s.delete();
          }
          LogSegment fresh = LogSegment.open(dir, newOffset, config, clock.getAsLong(), channels);
          segments.put(newOffset, fresh);
          truncations++;
          endOffsetMetadata = new LogOffsetMetadata(newOffset, newOffset, 0);
          logStartOffset = newOffset;
          recoveryPoint = newOffset;
          epochCache.clear();
          logStartOffsetFile.writeLong(newOffset);
          recoveryPointFile.writeLong(newOffset);
          return null;
        });
  }

  /**
   * Moves the log start offset up to {@code newStart} (Kafka's DeleteRecords); reads below it fail
   * from now on and the next {@link #deleteOldSegments} removes segments wholly below it.
   *
   * @return true if the start offset moved
   */
  public boolean maybeIncrementLogStartOffset(long newStart) {
    return underLock(
        "maybeIncrementLogStartOffset",
        () -> {
          if (newStart > logEndOffset()) {
            throw new OffsetOutOfRangeException(
                "cannot move the start of log " + dir + " to " + newStart + ", past its end "
                    + logEndOffset());
          }
          if (newStart <= logStartOffset) {
            return false;
          }
          setLogStartOffset(newStart);
          return true;
        });
  }

  private void setLogStartOffset(long newStart) throws IOException {
    logStartOffset = newStart;
    logStartOffsetFile.writeLong(newStart);
    epochCache.truncateFromStart(newStart);
    if (recoveryPoint < newStart) {
      recoveryPoint = newStart;
      recoveryPointFile.writeLong(newStart);
    }
  }

  /**
   * Retention: deletes inactive segments, oldest first, while one of these holds for the oldest:
   * it lies wholly below the log start offset; (delete policy) its newest timestamp is older than
   * {@code retention.ms}; (delete policy) the log without it is still at least {@code
   * retention.bytes}. The active segment is never deleted. The log start offset moves to the first
   * remaining segment; offsets never change.
   *
   * <p>The segments leave the log under its lock, but their files are deleted after it is released:
   * unlinking a large file whose pages are still cached can take the kernel hundreds of
   * milliseconds, and appends must not wait for that. A reader still holding a slice of one sees its
   * channel closed, as when retention raced its read.
   *
   * @return the number of segments deleted
   */
  public int deleteOldSegments() {
    List<LogSegment> removed = removeOldSegments();
    for (LogSegment s : removed) {
      try {
        s.delete();
      } catch (IOException e) {
        lock.lock();
        try {
          throw markOffline("deleteOldSegments", e);
        } finally {
          lock.unlock();
        }
      }
    }
    return removed.size();
  }

  /** Takes the segments retention removes out of the log; their files stay for the caller. */
  private List<LogSegment> removeOldSegments() {
    return underLock(
        "deleteOldSegments",
        () -> {
          LogConfig cfg = config;
          long now = clock.getAsLong();
          List<LogSegment> all = new ArrayList<>(segments.values());
          long remaining = size();
          int deletable = 0;
          for (int i = 0; i < all.size() - 1; i++) {
            LogSegment s = all.get(i);
            boolean belowStart = all.get(i + 1).baseOffset <= logStartOffset;
            boolean expired =
                cfg.cleanupPolicy().deletes()
                    && cfg.retentionMs() >= 0
                    && now - s.largestTimestamp() > cfg.retentionMs();
            boolean overSize =
                cfg.cleanupPolicy().deletes()
                    && cfg.retentionBytes() >= 0
                    && remaining - s.sizeInBytes() >= cfg.retentionBytes();
            if (!belowStart && !expired && !overSize) {
              break;
            }
            remaining -= s.sizeInBytes();
            deletable++;
          }
          if (deletable == 0) {
            return List.of();
          }
          List<LogSegment> removed = all.subList(0, deletable);
          for (LogSegment s : removed) {
            segments.remove(s.baseOffset);
          }
          long firstBase = segments.firstKey();
          if (firstBase > logStartOffset) {
            setLogStartOffset(firstBase);
          }
          return removed;
        });
  }

  /** Whether {@code flush.messages} or {@code flush.ms} calls for a flush now. Under the lock. */
  private boolean flushDue() {
    LogConfig cfg = config;
    return unflushedRecords >= cfg.flushMessages()
        || clock.getAsLong() - lastFlushMs >= cfg.flushMs();
  }

  /** For a scheduler: flushes if {@code flush.ms} has passed since the last flush. */
  public void flushIfDue() {
    boolean due;
    lock.lock();
    try {
      checkOnline();
      due = flushDue();
    } finally {
      lock.unlock();
    }
    if (due) {
      flush();
    }
  }

  /**
   * Fsyncs every segment holding offsets between the recovery point and the log end offset, then
   * advances the recovery point (and its checkpoint) to that end. The fsync runs outside the lock,
   * so appends continue meanwhile.
   */
  public void flush() {
    flushUpTo(Long.MAX_VALUE);
  }

  /**
   * Flushes the segments rolled since the last flush and moves the recovery point to the active
   * segment's base, leaving the active segment to the page cache: what Kafka does in the
   * background after each roll, so that recovery after a crash only rescans the active segment.
   * For the owner's scheduler.
   */
  public void flushInactiveSegments() {
    flushUpTo(segments.lastKey());
  }

  private void flushUpTo(long offset) {
    List<LogSegment> dirty;
    long target;
    long truncationsBefore;
    lock.lock();
    try {
      checkOnline();
      target = Math.min(offset, logEndOffset());
      truncationsBefore = truncations;
      if (target == logEndOffset()) {
        lastFlushMs = clock.getAsLong();
        unflushedRecords = 0;
      }
      if (target <= recoveryPoint) {
        return;
      }
      Long from = segments.floorKey(recoveryPoint);
      dirty =
          new ArrayList<>(
              (from == null ? segments : segments.tailMap(from, true)).headMap(target, false)
                  .values());
    } finally {
      lock.unlock();
    }
    for (LogSegment s : dirty) {
      try {
        s.flush();
      } catch (ClosedChannelException e) {
        if (segments.get(s.baseOffset) == s) {
          throw markOffline("flush", e);
        }
        // Deleted or replaced meanwhile: nothing of it left to make durable.
      } catch (IOException e) {
        throw markOffline("flush", e);
      }
    }
    lock.lock();
    try {
      if (truncations == truncationsBefore && target > recoveryPoint && offline == null) {
        recoveryPoint = target;
        recoveryPointFile.writeLong(target);
      }
    } catch (IOException e) {
      throw markOffline("flush", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Flushes, writes the checkpoints, closes every segment and leaves the clean-shutdown marker so
   * the next open skips recovery. An offline log is closed without flushing or marker.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (offline == null) {
        try {
          flush();
          logStartOffsetFile.writeLong(logStartOffset);
          for (LogSegment s : segments.values()) {
            s.close();
          }
          Files.write(dir.resolve(CLEAN_SHUTDOWN_FILE), new byte[0]);
          CheckpointFile.fsyncDirectory(dir);
          return;
        } catch (IOException e) {
          markOffline("close", e);
        } catch (LogStorageException e) {
          // flush took the log offline; close what is left below
        }
      }
      for (LogSegment s : segments.values()) {
        try {
          s.channel().close();
        } catch (IOException e) {
          log.debug("closing {} of offline log {}", s, dir, e);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  // ---- for the cleaner (same package) ----

  /** Whether {@code segment} is still this log's, inactive, and {@code size} bytes long. */
  boolean holdsUnchanged(LogSegment segment, int size) {
    return segments.get(segment.baseOffset) == segment
        && segments.lastEntry().getValue() != segment
        && segment.sizeInBytes() == size;
  }

  FileChannelFactory channels() {
    return channels;
  }

  /** Segments below {@code upTo} that are not the active one, oldest first. */
  List<LogSegment> inactiveSegmentsBelow(long upTo) {
    List<LogSegment> result = new ArrayList<>();
    LogSegment active = segments.lastEntry().getValue();
    for (LogSegment s : segments.values()) {
      Map.Entry<Long, LogSegment> next = segments.higherEntry(s.baseOffset);
      if (s == active || next == null || next.getKey() > upTo) {
        break;
      }
      result.add(s);
    }
    return result;
  }

  /**
   * Swaps a cleaned copy (files named with {@link #CLEANED_SUFFIX}, complete, synced and closed)
   * in for {@code original}, if the log still holds {@code original} unchanged and inactive;
   * otherwise deletes the copy and returns false. Crash-safe at every step: the old index files go
   * first (a missing index is rebuilt at open), then the log file is renamed over atomically, then
   * the new indexes follow.
   */
  boolean replaceSegment(LogSegment original, int originalSize) {
    return underLock(
        "replaceSegment",
        () -> {
          List<Path> cleaned = LogSegment.files(dir, original.baseOffset, CLEANED_SUFFIX);
          if (!holdsUnchanged(original, originalSize)) {
            for (Path p : cleaned) {
              Files.deleteIfExists(p);
            }
            return false;
          }
          List<Path> live = LogSegment.files(dir, original.baseOffset, "");
          Files.deleteIfExists(live.get(1));
          Files.deleteIfExists(live.get(2));
          for (int i = 0; i < live.size(); i++) {
            Files.move(
                cleaned.get(i),
                live.get(i),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
          }
          CheckpointFile.fsyncDirectory(dir);
          LogSegment swapped =
              LogSegment.open(dir, original.baseOffset, config, clock.getAsLong(), channels);
          segments.put(original.baseOffset, swapped);
          // Readers still holding the old segment fail on its closed channel and retry (see read).
          original.channel().close();
          return true;
        });
  }

  long nowMs() {
    return clock.getAsLong();
  }

  private void checkOnline() {
    LogStorageException cause = offline;
    if (cause != null) {
      throw new LogStorageException("log " + dir + " is offline: " + cause.getMessage(), cause);
    }
  }

  @FunctionalInterface
  private interface IoAction<T> {
    T run() throws IOException;
  }

  /**
   * Runs a mutation as the log's single writer: under the lock, failing fast if the log is
   * offline, and taking it offline if the action hits an I/O error.
   */
  private <T> T underLock(String operation, IoAction<T> action) {
    lock.lock();
    try {
      checkOnline();
      return action.run();
    } catch (IOException e) {
      throw markOffline(operation, e);
    } finally {
      lock.unlock();
    }
  }

  /** Records the first I/O error and takes the log offline; returns the error to throw. */
  LogStorageException markOffline(String operation, IOException e) {
    LogStorageException error = new LogStorageException(dir, operation, e);
    if (offline == null) {
      offline = error;
      log.error("log {} is now offline", dir, e);
    }
    return error;
  }

  @Override
  public String toString() {
    return "Log(" + dir + ", start=" + logStartOffset + ", end=" + logEndOffset() + ")";
  }

  /** For tests: segments by base offset. */
  TreeMap<Long, LogSegment> segmentsForTest() {
    return new TreeMap<>(segments);
  }

  static List<Path> list(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(files::add);
    }
    return files;
  }
}
