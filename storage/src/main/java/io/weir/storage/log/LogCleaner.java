package io.weir.storage.log;

import io.weir.common.record.MemoryRecords;
import io.weir.common.record.MemoryRecordsBuilder;
import io.weir.common.record.Record;
import io.weir.common.record.RecordBatch;
import io.weir.common.record.TimestampType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * Compaction for {@code cleanup.policy=compact}: keeps only the latest record per key in a log's
 * inactive segments. Each pass maps every key in the cleanable segments to its latest offset, then
 * rewrites each segment keeping a record only if it is that latest one, and dropping tombstones
 * (null value) whose timestamp is older than {@code delete.retention.ms}. Kept records keep their
 * offsets, so the log gains gaps but no offset ever changes; a batch keeps its base and last
 * offset, epoch and producer fields. The active segment is never read or touched.
 *
 * <p>Records without a key cannot be compacted and are dropped, as Kafka's cleaner does. Control
 * batches (transaction markers) are kept as they are.
 *
 * <p>Thread discipline: one cleaning thread per log at a time. The copy is written without the
 * log's lock (appends go on); only the swap of each finished segment takes it, and a segment that
 * was truncated or deleted meanwhile is simply not swapped.
 */
public final class LogCleaner {
  /** Keys a pass maps at most by default (roughly 100 bytes of heap each). */
  public static final int DEFAULT_MAX_MAP_KEYS = 500_000;

  /** What one pass did. */
  public record CleanerStats(
      int segmentsCleaned,
      long recordsRead,
      long recordsKept,
      long tombstonesDropped,
      long bytesBefore,
      long bytesAfter) {
    static final CleanerStats NONE = new CleanerStats(0, 0, 0, 0, 0, 0);
  }

  private final int maxMapKeys;

  public LogCleaner() {
    this(DEFAULT_MAX_MAP_KEYS);
  }

  /**
   * @param maxMapKeys bound on the key map of one pass (Kafka's dedupe buffer): a pass stops
   *     mapping after the segment that reaches it and cleans only the segments mapped, which is
   *     safe because any later record of a key is newer than those it drops
   */
  public LogCleaner(int maxMapKeys) {
    if (maxMapKeys < 1) {
      throw new IllegalArgumentException("maxMapKeys must be at least 1, was " + maxMapKeys);
    }
    this.maxMapKeys = maxMapKeys;
  }

  /**
   * Cleans the inactive segments whose offsets all lie below {@code uncleanableOffset} (pass the
   * high watermark, so records not yet replicated are never compacted away). Does nothing unless
   * the log's cleanup policy includes compact. A segment with nothing to drop is left as it is.
   *
   * @throws LogStorageException on an I/O error, which takes the log offline
   */
  public CleanerStats clean(Log log, long uncleanableOffset) {
    LogConfig config = log.config();
    if (!config.cleanupPolicy().compacts()) {
      return CleanerStats.NONE;
    }
    List<LogSegment> segments = log.inactiveSegmentsBelow(uncleanableOffset);
    List<Integer> sizes = new ArrayList<>(segments.size());
    for (LogSegment s : segments) {
      sizes.add(s.sizeInBytes());
    }
    try {
      Map<ByteBuffer, Long> latest = new HashMap<>();
      int mapped = 0;
      while (mapped < segments.size() && latest.size() < maxMapKeys) {
        mapKeys(segments.get(mapped), sizes.get(mapped), latest);
        mapped++;
      }
      Retention retention = new Retention(latest, log.nowMs() - config.deleteRetentionMs());
      long read = 0;
      long kept = 0;
      long tombstones = 0;
      long before = 0;
      long after = 0;
      int cleaned = 0;
      for (int i = 0; i < mapped; i++) {
        LogSegment original = segments.get(i);
        if (!hasRecordsToDrop(original, sizes.get(i), retention)) {
          continue;
        }
        SegmentResult result = writeCleanedCopy(log, original, sizes.get(i), retention);
        if (log.replaceSegment(original, sizes.get(i))) {
          cleaned++;
          read += result.read();
          kept += result.kept();
          tombstones += result.tombstonesDropped();
          before += sizes.get(i);
          after += result.bytes();
        }
      }
      return new CleanerStats(cleaned, read, kept, tombstones, before, after);
    } catch (IOException e) {
      for (int i = 0; i < segments.size(); i++) {
        if (!log.holdsUnchanged(segments.get(i), sizes.get(i))) {
          // Retention or truncation removed a segment under us (closing its channel): not a
          // disk failure. The next pass starts from the log as it is then.
          return CleanerStats.NONE;
        }
      }
      throw log.markOffline("clean", e);
    }
  }

  private static void mapKeys(LogSegment segment, int size, Map<ByteBuffer, Long> latest)
      throws IOException {
    findRecord(
        segment,
        size,
        record -> {
          if (record.hasKey()) {
            latest.put(copyOf(record.key()), record.offset());
          }
          return false;
        });
  }

  /**
   * Visits the records of the segment's data batches (not control batches) in offset order until
   * {@code stop} returns true; returns whether it did.
   */
  private static boolean findRecord(LogSegment segment, int size, Predicate<Record> stop)
      throws IOException {
    for (BatchHeader header : headers(segment, size)) {
      RecordBatch batch = segment.readBatch(header);
      if (batch.isControlBatch()) {
        continue;
      }
      for (Record record : batch.records()) {
        if (stop.test(record)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Which records a pass keeps: the latest per key, tombstones only until their horizon. */
  private record Retention(Map<ByteBuffer, Long> latest, long tombstoneHorizon) {
    boolean isLatest(Record record) {
      Long latestOffset = record.hasKey() ? latest.get(record.key()) : null;
      return latestOffset != null && latestOffset == record.offset();
    }

    boolean isExpiredTombstone(Record record) {
      return !record.hasValue() && record.timestamp() < tombstoneHorizon;
    }
  }

  private static boolean hasRecordsToDrop(LogSegment segment, int size, Retention retention)
      throws IOException {
    return findRecord(
        segment, size, r -> !retention.isLatest(r) || retention.isExpiredTombstone(r));
  }

  private record SegmentResult(long read, long kept, long tombstonesDropped, long bytes) {}

  /** Writes the kept batches to the segment's {@code .cleaned} files, synced and closed. */
  private static SegmentResult writeCleanedCopy(
      Log log, LogSegment original, int size, Retention retention) throws IOException {
    Path dir = original.logFile().getParent();
    for (Path stale : LogSegment.files(dir, original.baseOffset, Log.CLEANED_SUFFIX)) {
      Files.deleteIfExists(stale);
    }
    LogSegment copy =
        LogSegment.open(
            dir, original.baseOffset, log.config(), log.nowMs(), log.channels(), Log.CLEANED_SUFFIX);
    long read = 0;
    long kept = 0;
    long tombstonesDropped = 0;
    try {
      for (BatchHeader header : headers(original, size)) {
        RecordBatch batch = original.readBatch(header);
        if (batch.isControlBatch()) {
          copy.append(batch.buffer());
          continue;
        }
        List<Record> retained = new ArrayList<>(batch.recordCount());
        for (Record record : batch.records()) {
          read++;
          if (!retention.isLatest(record)) {
            continue;
          }
          if (retention.isExpiredTombstone(record)) {
            tombstonesDropped++;
            continue;
          }
          retained.add(record);
        }
        kept += retained.size();
        if (retained.size() == batch.recordCount()) {
          copy.append(batch.buffer());
        } else if (!retained.isEmpty()) {
          copy.append(rebuild(batch, retained));
        }
      }
      copy.becomeInactive();
      copy.flush();
    } finally {
      copy.close();
    }
    return new SegmentResult(read, kept, tombstonesDropped, copy.sizeInBytes());
  }

  /**
   * The batch with only {@code retained} records: same base offset, last offset, epoch, producer
   * fields, codec and timestamp type, so the offsets the batch spans do not change.
   */
  private static ByteBuffer rebuild(RecordBatch batch, List<Record> retained) {
    MemoryRecordsBuilder builder =
        new MemoryRecordsBuilder(
            batch.compressionType(), batch.timestampType(), batch.baseOffset(), Integer.MAX_VALUE);
    builder.setPartitionLeaderEpoch(batch.partitionLeaderEpoch());
    builder.setProducerState(
        batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.isTransactional());
    if (batch.timestampType() == TimestampType.LOG_APPEND_TIME) {
      builder.setLogAppendTime(batch.maxTimestamp());
    }
    for (Record r : retained) {
      builder.appendWithOffset(r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
    }
    MemoryRecords built = builder.build();
    ByteBuffer out = built.buffer();
    // Keep the batch's last offset (Kafka does too): the builder ends it at the last kept record.
    out.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, batch.lastOffsetDelta());
    CRC32C crc = new CRC32C();
    crc.update(out.duplicate().position(RecordBatch.ATTRIBUTES_OFFSET));
    out.putInt(RecordBatch.CRC_OFFSET, (int) crc.getValue());
    RecordBatch.wrap(out).validate();
    return out;
  }

  private static List<BatchHeader> headers(LogSegment segment, int size) throws IOException {
    List<BatchHeader> headers = new ArrayList<>();
    ByteBuffer scratch = BatchHeader.scratch();
    long position = 0;
    BatchHeader header;
    while ((header = BatchHeader.read(segment.channel(), position, size, scratch)) != null) {
      headers.add(header);
      position = header.endPosition();
    }
    return headers;
  }

  private static ByteBuffer copyOf(ByteBuffer key) {
    ByteBuffer copy = ByteBuffer.allocate(key.remaining());
    copy.put(key.duplicate()).flip();
    return copy;
  }
}
