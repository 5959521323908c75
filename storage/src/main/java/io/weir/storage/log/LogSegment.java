package io.weir.storage.log;

import io.weir.common.record.CorruptRecordException;
import io.weir.common.record.MemoryRecords;
import io.weir.common.record.RecordBatch;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One segment of a partition's log: the {@code .log} file of batches starting at {@link
 * #baseOffset} plus its {@link OffsetIndex} and {@link TimeIndex}. Files are named by the base
 * offset padded to 20 digits. Invariant: the file holds whole, valid batches with increasing
 * offsets, all at or above the base offset and within int range of it, and the indexes only point
 * at batches in the file.
 *
 * <p>Thread discipline: mutations (append, truncate, recover, resize) run under the owning {@link
 * Log}'s lock; reads run on any thread and see bytes below the position the log published.
 */
final class LogSegment implements Closeable {
  static final String LOG_SUFFIX = ".log";
  static final String INDEX_SUFFIX = ".index";
  static final String TIME_INDEX_SUFFIX = ".timeindex";

  final long baseOffset;
  private final Path logFile;
  private final FileChannel channel;
  private final OffsetIndex offsetIndex;
  private final TimeIndex timeIndex;
  private final int indexIntervalBytes;
  private final int maxIndexSize;
  private final long createdMs;
  private volatile int size; // bytes of whole batches; written under the log lock after the bytes
  private int bytesSinceLastIndexEntry; // log lock
  private volatile long maxTimestampSoFar; // log lock writes; retention and time search read
  private long lastOffsetOfMaxTimestamp; // log lock
  private long firstBatchTimestamp = RecordBatch.NO_TIMESTAMP; // log lock; drives segment.ms

  private LogSegment(
      long baseOffset,
      Path logFile,
      FileChannel channel,
      OffsetIndex offsetIndex,
      TimeIndex timeIndex,
      int indexIntervalBytes,
      int maxIndexSize,
      long createdMs)
      throws IOException {
    this.baseOffset = baseOffset;
    this.logFile = logFile;
    this.channel = channel;
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    this.indexIntervalBytes = indexIntervalBytes;
    this.maxIndexSize = maxIndexSize;
    this.createdMs = createdMs;
    this.size = (int) Math.min(channel.size(), Integer.MAX_VALUE);
    TimeIndex.Entry last = timeIndex.lastEntry();
    this.maxTimestampSoFar = last == null ? RecordBatch.NO_TIMESTAMP : last.timestamp();
    this.lastOffsetOfMaxTimestamp = last == null ? baseOffset : last.offset();
  }

  static String fileName(long offset, String suffix) {
    return String.format("%020d", offset) + suffix;
  }

  /** Base offset encoded in a segment file name, or -1 if the name is not one. */
  static long parseBaseOffset(String fileName, String suffix) {
    if (!fileName.endsWith(suffix) || fileName.length() != 20 + suffix.length()) {
      return -1;
    }
    try {
      return Long.parseLong(fileName.substring(0, 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Opens (or creates) the segment at {@code baseOffset} in {@code dir}. Index files that are
   * missing are created empty; the caller checks them ({@link #indexesLookSane}) and recovers the
   * segment if they are not.
   */
  static LogSegment open(
      Path dir, long baseOffset, LogConfig config, long nowMs, FileChannelFactory channels)
      throws IOException {
    return open(dir, baseOffset, config, nowMs, channels, "");
  }

  /**
   * Opens the segment's files with {@code fileSuffix} appended to each name: "" for the live
   * segment, {@link Log#CLEANED_SUFFIX} for the copy a cleaner writes before swapping it in.
   */
  static LogSegment open(
      Path dir,
      long baseOffset,
      LogConfig config,
      long nowMs,
      FileChannelFactory channels,
      String fileSuffix)
      throws IOException {
    Path logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX) + fileSuffix);
    FileChannel channel = channels.open(logFile);
    try {
      OffsetIndex offsetIndex =
          new OffsetIndex(
              dir.resolve(fileName(baseOffset, INDEX_SUFFIX) + fileSuffix),
              baseOffset,
              config.maxIndexSize());
      TimeIndex timeIndex =
          new TimeIndex(
              dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX) + fileSuffix),
              baseOffset,
              config.maxIndexSize());
      return new LogSegment(
          baseOffset,
          logFile,
          channel,
          offsetIndex,
          timeIndex,
          config.indexIntervalBytes(),
          config.maxIndexSize(),
          nowMs);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The segment's three files, as named with {@code fileSuffix}. */
  static List<Path> files(Path dir, long baseOffset, String fileSuffix) {
    return List.of(
        dir.resolve(fileName(baseOffset, LOG_SUFFIX) + fileSuffix),
        dir.resolve(fileName(baseOffset, INDEX_SUFFIX) + fileSuffix),
        dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX) + fileSuffix));
  }

  Path logFile() {
    return logFile;
  }

  int sizeInBytes() {
    return size;
  }

  FileChannel channel() {
    return channel;
  }

  /**
   * Writes validated batches (already stamped with offsets) at the end of the file and indexes
   * them. The buffer's bytes go to the file once, straight from the caller's buffer.
   */
  void append(ByteBuffer batches) throws IOException {
    int position = size;
    ByteBuffer src = batches.duplicate();
    long at = position;
    while (src.hasRemaining()) {
      at += channel.write(src, at);
    }
    int batchPosition = position;
    for (RecordBatch batch : MemoryRecords.readableRecords(batches)) {
      onBatchWritten(batch.lastOffset(), batch.maxTimestamp(), batchPosition, batch.sizeInBytes());
      batchPosition += batch.sizeInBytes();
    }
    size = (int) at;
  }

  private void onBatchWritten(long lastOffset, long maxTimestamp, int position, int batchSize) {
    if (position == 0) {
      firstBatchTimestamp = maxTimestamp;
    }
    if (maxTimestamp > maxTimestampSoFar) {
      maxTimestampSoFar = maxTimestamp;
      lastOffsetOfMaxTimestamp = lastOffset;
    }
    if (bytesSinceLastIndexEntry > indexIntervalBytes) {
      offsetIndex.append(lastOffset, position);
      timeIndex.maybeAppend(maxTimestampSoFar, lastOffsetOfMaxTimestamp);
      bytesSinceLastIndexEntry = 0;
    }
    bytesSinceLastIndexEntry += batchSize;
  }

  /**
   * Header of the first batch whose last offset is at least {@code offset}, looking no further
   * than {@code maxPosition}; null if the segment has none.
   */
  BatchHeader translateOffset(long offset, long maxPosition) throws IOException {
    ByteBuffer scratch = BatchHeader.scratch();
    long position = offsetIndex.lookup(offset).position();
    while (true) {
      BatchHeader header = BatchHeader.read(channel, position, maxPosition, scratch);
      if (header == null || header.lastOffset() >= offset) {
        return header;
      }
      position = header.endPosition();
    }
  }

  /**
   * Whole batches from the one holding (or following) {@code startOffset}: at most {@code
   * maxBytes} unless the first batch alone is larger and {@code minOneBatch}, only batches that
   * start below {@code maxOffset}, and nothing at or past {@code maxPosition} (the published end).
   * Null if the segment holds nothing at or after {@code startOffset}.
   */
  FileRecords read(
      long startOffset, int maxBytes, long maxOffset, long maxPosition, boolean minOneBatch)
      throws IOException {
    BatchHeader first = translateOffset(startOffset, maxPosition);
    if (first == null) {
      return null;
    }
    if (first.baseOffset() >= maxOffset) {
      return FileRecords.EMPTY;
    }
    long limit = maxPosition;
    if (maxOffset != Long.MAX_VALUE) {
      BatchHeader bound = translateOffset(maxOffset, maxPosition);
      if (bound != null) {
        limit = bound.baseOffset() < maxOffset ? bound.endPosition() : bound.position();
      }
    }
    if (limit - first.position() > maxBytes) {
      limit = cutAtBatchBoundary(first, limit, maxBytes, minOneBatch);
    }
    return new FileRecords(channel, first.position(), (int) (limit - first.position()));
  }

  private long cutAtBatchBoundary(BatchHeader first, long limit, int maxBytes, boolean minOne)
      throws IOException {
    if (first.sizeInBytes() > maxBytes) {
      return minOne ? first.endPosition() : first.position();
    }
    ByteBuffer scratch = BatchHeader.scratch();
    long end = first.endPosition();
    while (true) {
      BatchHeader next = BatchHeader.read(channel, end, limit, scratch);
      if (next == null || next.endPosition() - first.position() > maxBytes) {
        return end;
      }
      end = next.endPosition();
    }
  }

  /**
   * First batch at or after {@code fromPosition} (-1: wherever the time index says the search can
   * start) whose max timestamp is at least {@code timestamp}; null if none is below {@code
   * maxPosition}.
   */
  BatchHeader findBatchByTimestamp(long timestamp, long fromPosition, long maxPosition)
      throws IOException {
    if (maxTimestampSoFar < timestamp) {
      return null;
    }
    long position = fromPosition;
    if (position < 0) {
      TimeIndex.Entry entry = timeIndex.lookup(timestamp);
      position = entry == null ? 0 : offsetIndex.lookup(entry.offset()).position();
    }
    ByteBuffer scratch = BatchHeader.scratch();
    while (true) {
      BatchHeader header = BatchHeader.read(channel, position, maxPosition, scratch);
      if (header == null || header.maxTimestamp() >= timestamp) {
        return header;
      }
      position = header.endPosition();
    }
  }

  /** The whole batch at {@code header}, read once into a new buffer. */
  RecordBatch readBatch(BatchHeader header) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(header.sizeInBytes());
    new FileRecords(channel, header.position(), header.sizeInBytes()).readInto(buffer);
    return RecordBatch.wrap(buffer.flip());
  }

  /** The offset after the last batch, found from the last index entry; the base if empty. */
  long readNextOffset() throws IOException {
    OffsetIndex.Entry last = offsetIndex.lastEntry();
    long position = last == null ? 0 : last.position();
    long next = baseOffset;
    ByteBuffer scratch = BatchHeader.scratch();
    while (true) {
      BatchHeader header = BatchHeader.read(channel, position, size, scratch);
      if (header == null) {
        return next;
      }
      next = header.nextOffset();
      position = header.endPosition();
    }
  }

  /**
   * Removes every batch whose last offset is at or above {@code offset}, from the file and the
   * indexes. Returns the bytes removed.
   */
  int truncateTo(long offset) throws IOException {
    BatchHeader from = translateOffset(offset, size);
    if (from == null) {
      return 0;
    }
    int removed = size - (int) from.position();
    offsetIndex.truncateTo(offset);
    timeIndex.truncateTo(offset);
    size = (int) from.position();
    channel.truncate(from.position());
    bytesSinceLastIndexEntry = 0;
    recomputeMaxTimestamp();
    if (size == 0) {
      firstBatchTimestamp = RecordBatch.NO_TIMESTAMP;
    }
    return removed;
  }

  /**
   * Restores the exact max timestamp after truncation: batches before the last time-index entry's
   * batch are no newer than that entry, so only the batches from there on need their headers read.
   */
  private void recomputeMaxTimestamp() throws IOException {
    TimeIndex.Entry last = timeIndex.lastEntry();
    long max = last == null ? RecordBatch.NO_TIMESTAMP : last.timestamp();
    long offsetOfMax = last == null ? baseOffset : last.offset();
    long position = last == null ? 0 : offsetIndex.lookup(last.offset()).position();
    ByteBuffer scratch = BatchHeader.scratch();
    BatchHeader header;
    while ((header = BatchHeader.read(channel, position, size, scratch)) != null) {
      if (header.maxTimestamp() > max) {
        max = header.maxTimestamp();
        offsetOfMax = header.lastOffset();
      }
      position = header.endPosition();
    }
    maxTimestampSoFar = max;
    lastOffsetOfMaxTimestamp = offsetOfMax;
  }

  /** Receives each valid batch recovery keeps, e.g. to rebuild the leader-epoch cache. */
  @FunctionalInterface
  interface BatchVisitor {
    void accept(RecordBatch batch);
  }

  /**
   * Rebuilds the indexes from the log file, checking every batch (length, magic, CRC, offsets
   * increasing and within int range of the base). Truncates the file at the first batch that fails
   * or is torn. Returns the bytes truncated.
   */
  long recover(BatchVisitor visitor) throws IOException {
    offsetIndex.reset();
    timeIndex.reset();
    becomeActive(); // room for every entry; the log trims the indexes again if it is inactive
    maxTimestampSoFar = RecordBatch.NO_TIMESTAMP;
    lastOffsetOfMaxTimestamp = baseOffset;
    firstBatchTimestamp = RecordBatch.NO_TIMESTAMP;
    bytesSinceLastIndexEntry = 0;
    long fileSize = channel.size();
    long position = 0;
    long expectedNext = baseOffset;
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    ByteBuffer lengthField = ByteBuffer.allocate(RecordBatch.LOG_OVERHEAD);
    while (fileSize - position >= RecordBatch.HEADER_SIZE) {
      lengthField.clear();
      readFully(lengthField, position);
      int batchSize = RecordBatch.sizeFromLength(lengthField.getInt(RecordBatch.LENGTH_OFFSET));
      if (batchSize < RecordBatch.HEADER_SIZE || batchSize > fileSize - position) {
        break;
      }
      if (buffer.capacity() < batchSize) {
        buffer = ByteBuffer.allocate(Math.max(batchSize, buffer.capacity() * 2));
      }
      buffer.clear().limit(batchSize);
      readFully(buffer, position);
      RecordBatch batch = RecordBatch.wrap(buffer.flip());
      try {
        batch.validate();
      } catch (CorruptRecordException e) {
        break;
      }
      if (batch.baseOffset() < expectedNext || batch.lastOffset() - baseOffset > Integer.MAX_VALUE) {
        break;
      }
      onBatchWritten(batch.lastOffset(), batch.maxTimestamp(), (int) position, batchSize);
      visitor.accept(batch);
      expectedNext = batch.nextOffset();
      position += batchSize;
    }
    long truncated = fileSize - position;
    if (truncated > 0) {
      channel.truncate(position);
    }
    size = (int) position;
    return truncated;
  }

  private void readFully(ByteBuffer dst, long position) throws IOException {
    long at = position;
    while (dst.hasRemaining()) {
      int n = channel.read(dst, at);
      if (n < 0) {
        throw new IOException("log file " + logFile + " ended at byte " + at + " while reading");
      }
      at += n;
    }
  }

  /**
   * Cheap check that the indexes can belong to this log file (entries well-formed and increasing,
   * last offset-index entry pointing at a batch whose last offset it is). Returns the reason they
   * cannot, or null.
   */
  String indexesLookSane() {
    if (size > 0 && (!offsetIndex.existed || !timeIndex.existed)) {
      return "an index file of " + logFile + " is missing";
    }
    try {
      offsetIndex.sanityCheck(size);
      timeIndex.sanityCheck(size);
      OffsetIndex.Entry last = offsetIndex.lastEntry();
      if (last != null) {
        BatchHeader header = BatchHeader.read(channel, last.position(), size, BatchHeader.scratch());
        if (header == null || header.lastOffset() != last.offset()) {
          return "index " + offsetIndex.file + " last entry " + last + " does not match the log";
        }
      }
      TimeIndex.Entry lastTime = timeIndex.lastEntry();
      // Both indexes gain entries together; alone, the time index holds at most the one entry a
      // clean close appends (the exact max timestamp).
      if (lastTime != null && last == null && size > 0 && timeIndex.entries() > 1) {
        return "time index " + timeIndex.file + " has entries but the offset index has none";
      }
      return null;
    } catch (IllegalStateException e) {
      return e.getMessage();
    } catch (IOException e) {
      return "cannot read " + logFile + ": " + e;
    }
  }

  boolean shouldRoll(long incomingBytes, long incomingLastOffset, long nowMs, LogConfig config) {
    if (size == 0) {
      return false;
    }
    return size + incomingBytes > config.segmentBytes()
        || nowMs - rollingBasedTimestamp() >= config.segmentMs()
        || offsetIndex.isFull()
        || timeIndex.entries() >= timeIndex.maxEntries() - 1
        || incomingLastOffset - baseOffset > Integer.MAX_VALUE;
  }

  private long rollingBasedTimestamp() {
    if (firstBatchTimestamp == RecordBatch.NO_TIMESTAMP && size > 0) {
      try {
        BatchHeader first = BatchHeader.read(channel, 0, size, BatchHeader.scratch());
        if (first != null) {
          firstBatchTimestamp = first.maxTimestamp();
        }
      } catch (IOException e) {
        return createdMs;
      }
    }
    return firstBatchTimestamp >= 0 ? firstBatchTimestamp : createdMs;
  }

  /** Newest timestamp in the segment; the file's modification time if no batch carries one. */
  long largestTimestamp() throws IOException {
    long max = maxTimestampSoFar;
    return max >= 0 ? max : Files.getLastModifiedTime(logFile).toMillis();
  }

  /** Grows the indexes to their maximum size: this segment is now the one appended to. */
  void becomeActive() throws IOException {
    offsetIndex.resize(maxIndexSize);
    timeIndex.resize(maxIndexSize);
  }

  /**
   * Records the exact max timestamp in the time index (the sparse entries may lag it) and trims
   * the indexes: no more appends will come, and a reopened segment trusts its index lengths.
   */
  void becomeInactive() throws IOException {
    appendFinalTimeEntry();
    offsetIndex.trimToValidSize();
    timeIndex.trimToValidSize();
  }

  /**
   * Makes the time index's last entry the segment's exact max timestamp, so a reopened segment
   * knows it without a scan. {@link #shouldRoll} keeps a slot free for it.
   */
  private void appendFinalTimeEntry() {
    if (maxTimestampSoFar >= 0 && !timeIndex.isFull()) {
      timeIndex.maybeAppend(maxTimestampSoFar, lastOffsetOfMaxTimestamp);
    }
  }

  void flush() throws IOException {
    channel.force(true);
    offsetIndex.flush();
    timeIndex.flush();
  }

  @Override
  public void close() throws IOException {
    try {
      appendFinalTimeEntry();
      offsetIndex.close();
      timeIndex.close();
    } finally {
      channel.close();
    }
  }

  /** Closes the files (quietly: the segment is going away) and deletes them. */
  void delete() throws IOException {
    try {
      channel.close();
    } finally {
      Files.deleteIfExists(logFile);
      offsetIndex.deleteFile();
      timeIndex.deleteFile();
    }
  }

  @Override
  public String toString() {
    return "LogSegment(baseOffset=" + baseOffset + ", size=" + size + ")";
  }
}
