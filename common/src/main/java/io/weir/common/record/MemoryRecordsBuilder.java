package io.weir.common.record;

import io.weir.common.record.compression.CompressionCodec;
import io.weir.common.utils.ByteBufferOutputStream;
import io.weir.common.utils.ByteUtils;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Builds one v2 record batch. Records are encoded once, uncompressed, into a growable buffer behind
 * space reserved for the header; {@link #build()} compresses that body in one pass (if a codec is
 * set), fills in the header (lastOffsetDelta, timestamps, producer state, record count) and the
 * CRC-32C. Offsets are written as deltas from the base offset and may have gaps, as compaction
 * leaves them.
 *
 * <p>Owned by one thread at a time (a producer's accumulator hands it over under its lock); not
 * thread-safe.
 */
public final class MemoryRecordsBuilder {
  private static final int MAX_INITIAL_CAPACITY = 1024 * 1024;

  private final CompressionType compression;
  private final TimestampType timestampType;
  private final long baseOffset;
  private final int writeLimit;

  private long logAppendTime = RecordBatch.NO_TIMESTAMP;
  private long producerId = RecordBatch.NO_PRODUCER_ID;
  private short producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
  private int baseSequence = RecordBatch.NO_SEQUENCE;
  private boolean transactional;
  private int partitionLeaderEpoch = RecordBatch.NO_PARTITION_LEADER_EPOCH;
  private float estimatedCompressionRatio = 1.0f;

  private ByteBufferOutputStream body; // header space, then the uncompressed records; null once built
  private int numRecords;
  private int uncompressedBytes; // of the records appended, length prefixes included
  private long lastOffset = -1;
  private long baseTimestamp = RecordBatch.NO_TIMESTAMP;
  private long maxTimestamp = RecordBatch.NO_TIMESTAMP;
  private MemoryRecords built;

  /**
   * @param writeLimit the batch size to aim for ({@code batch.size}): {@link #isFull()} and {@link
   *     #hasRoomFor} compare the estimated size against it; a first record is always accepted
   */
  public MemoryRecordsBuilder(
      CompressionType compression, TimestampType timestampType, long baseOffset, int writeLimit) {
    this(compression, timestampType, baseOffset, writeLimit, null);
  }

  /**
   * As above, writing into {@code buffer} (from its start) when it is given and large enough for the
   * header and {@code writeLimit} bytes of records: a producer reuses the buffers of acknowledged
   * batches. The built records are a view of that buffer, so it must not be reused while they are.
   */
  public MemoryRecordsBuilder(
      CompressionType compression, TimestampType timestampType, long baseOffset, int writeLimit, byte[] buffer) {
    if (baseOffset < 0) {
      throw new IllegalArgumentException("base offset must not be negative: " + baseOffset);
    }
    this.compression = compression;
    this.timestampType = timestampType;
    this.baseOffset = baseOffset;
    this.writeLimit = writeLimit;
    int initial = initialCapacity(writeLimit);
    this.body = buffer != null && buffer.length >= initial
        ? new ByteBufferOutputStream(buffer)
        : new ByteBufferOutputStream(initial);
    body.position(RecordBatch.HEADER_SIZE);
  }

  /** The capacity a builder with this write limit starts with: the size of a buffer worth reusing. */
  public static int initialCapacity(int writeLimit) {
    return RecordBatch.HEADER_SIZE + Math.max(Math.min(writeLimit, MAX_INITIAL_CAPACITY), 256);
  }

  /** Producer id, epoch and first sequence for idempotence, and the transactional flag. */
  public MemoryRecordsBuilder setProducerState(
      long producerId, short producerEpoch, int baseSequence, boolean transactional) {
    checkOpen();
    if (transactional && producerId == RecordBatch.NO_PRODUCER_ID) {
      throw new IllegalArgumentException("a transactional batch needs a producer id");
    }
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
    this.transactional = transactional;
    return this;
  }

  public MemoryRecordsBuilder setPartitionLeaderEpoch(int epoch) {
    checkOpen();
    this.partitionLeaderEpoch = epoch;
    return this;
  }

  /** Required for LOG_APPEND_TIME: becomes the batch's maxTimestamp and so every record's time. */
  public MemoryRecordsBuilder setLogAppendTime(long logAppendTime) {
    checkOpen();
    this.logAppendTime = logAppendTime;
    return this;
  }

  /**
   * Expected compressed/uncompressed size, for the size estimate of a compressed batch (producers
   * learn it from earlier batches). The default 1.0 never lets a batch outgrow its limit.
   */
  public MemoryRecordsBuilder setEstimatedCompressionRatio(float ratio) {
    if (!(ratio > 0)) {
      throw new IllegalArgumentException("compression ratio must be positive: " + ratio);
    }
    this.estimatedCompressionRatio = ratio;
    return this;
  }

  /** Appends at the next offset (the base offset for the first record); returns that offset. */
  public long append(long timestamp, byte[] key, byte[] value, List<Header> headers) {
    return appendWithOffset(nextOffset(), timestamp, key, value, headers);
  }

  /** Appends at the next offset; key and value are read from position to limit, not moved. */
  public long append(long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {
    return appendWithOffset(nextOffset(), timestamp, key, value, headers);
  }

  // The byte[] and ByteBuffer forms differ only in how key and value are copied: a producer appends
  // every record as arrays, and wrapping them would cost two objects a record.

  public long appendWithOffset(
      long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {
    List<Header> hs = headers == null ? List.of() : headers;
    int p = startRecord(offset, timestamp, key == null ? -1 : key.length, value == null ? -1 : value.length, hs);
    byte[] dst = body.array();
    p = writeField(key, dst, p);
    p = writeField(value, dst, p);
    return finishRecord(offset, timestamp, writeHeaders(hs, dst, p));
  }

  /**
   * Appends at {@code offset}, which must be above every offset appended so far (gaps allowed) and
   * within 2^31-1 of the base offset.
   */
  public long appendWithOffset(
      long offset, long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {
    List<Header> hs = headers == null ? List.of() : headers;
    int p = startRecord(offset, timestamp, key == null ? -1 : key.remaining(), value == null ? -1 : value.remaining(), hs);
    byte[] dst = body.array();
    p = writeField(key, dst, p);
    p = writeField(value, dst, p);
    return finishRecord(offset, timestamp, writeHeaders(hs, dst, p));
  }

  /**
   * Checks the record's offset and timestamp, makes room for it and writes it up to the key;
   * returns where the key goes.
   */
  private int startRecord(long offset, long timestamp, int keyLength, int valueLength, List<Header> headers) {
    checkOpen();
    if (offset < baseOffset || offset <= lastOffset) {
      throw new IllegalArgumentException(
          "offset " + offset + " must be at least the base offset " + baseOffset
              + " and above the last appended offset " + lastOffset);
    }
    if (offset - baseOffset > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "offset " + offset + " is too far from the base offset " + baseOffset);
    }
    if (timestamp < 0 && timestamp != RecordBatch.NO_TIMESTAMP) {
      throw new IllegalArgumentException("invalid negative timestamp " + timestamp);
    }
    long first = numRecords == 0 ? timestamp : baseTimestamp;
    int offsetDelta = (int) (offset - baseOffset);
    long timestampDelta = timestamp - first;
    int bodySize = recordBodySize(offsetDelta, timestampDelta, keyLength, valueLength, headers);
    int size = ByteUtils.sizeOfVarint(bodySize) + bodySize;
    body.ensureRemaining(size);
    baseTimestamp = first;
    uncompressedBytes += size;
    byte[] dst = body.array();
    int p = ByteUtils.writeVarint(bodySize, dst, body.position());
    dst[p++] = 0; // attributes
    p = ByteUtils.writeVarlong(timestampDelta, dst, p);
    return ByteUtils.writeVarint(offsetDelta, dst, p);
  }

  private long finishRecord(long offset, long timestamp, int end) {
    body.position(end);
    numRecords++;
    lastOffset = offset;
    maxTimestamp = Math.max(maxTimestamp, timestamp);
    return offset;
  }

  private static int writeHeaders(List<Header> headers, byte[] dst, int at) {
    int p = ByteUtils.writeVarint(headers.size(), dst, at);
    for (Header h : headers) {
      p = ByteUtils.writeVarint(ByteUtils.utf8Length(h.key()), dst, p);
      p = ByteUtils.writeUtf8(h.key(), dst, p);
      p = writeField(h.value(), dst, p);
    }
    return p;
  }

  private static int writeField(byte[] field, byte[] dst, int p) {
    if (field == null) {
      return ByteUtils.writeVarint(-1, dst, p);
    }
    p = ByteUtils.writeVarint(field.length, dst, p);
    System.arraycopy(field, 0, dst, p, field.length);
    return p + field.length;
  }

  private static int writeField(ByteBuffer field, byte[] dst, int p) {
    if (field == null) {
      return ByteUtils.writeVarint(-1, dst, p);
    }
    int n = field.remaining();
    p = ByteUtils.writeVarint(n, dst, p);
    field.get(field.position(), dst, p, n);
    return p + n;
  }

  /** Bytes of one record after its length prefix, which counts only these; -1 lengths are nulls. */
  private static int recordBodySize(
      int offsetDelta, long timestampDelta, int keyLength, int valueLength, List<Header> headers) {
    int body =
        1 // attributes
            + ByteUtils.sizeOfVarlong(timestampDelta)
            + ByteUtils.sizeOfVarint(offsetDelta)
            + fieldSize(keyLength)
            + fieldSize(valueLength)
            + ByteUtils.sizeOfVarint(headers.size());
    for (Header h : headers) {
      body += fieldSize(ByteUtils.utf8Length(h.key()));
      body += fieldSize(h.value() == null ? -1 : h.value().length);
    }
    return body;
  }

  private static int fieldSize(int length) {
    return ByteUtils.sizeOfVarint(length) + Math.max(length, 0);
  }

  /** The batch's size if built now (for a compressed batch, per the estimated ratio). */
  public int estimatedSizeInBytes() {
    if (built != null) {
      return built.sizeInBytes();
    }
    if (compression == CompressionType.NONE) {
      return RecordBatch.HEADER_SIZE + uncompressedBytes;
    }
    return RecordBatch.HEADER_SIZE
        + (int) Math.ceil(uncompressedBytes * (double) estimatedCompressionRatio);
  }

  /** Whether a record like this still fits within the write limit; the first one always does. */
  public boolean hasRoomFor(long timestamp, byte[] key, byte[] value, List<Header> headers) {
    return hasRoomFor(timestamp, key == null ? -1 : key.length, value == null ? -1 : value.length, headers);
  }

  public boolean hasRoomFor(long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {
    return hasRoomFor(timestamp, key == null ? -1 : key.remaining(), value == null ? -1 : value.remaining(), headers);
  }

  private boolean hasRoomFor(long timestamp, int keyLength, int valueLength, List<Header> headers) {
    if (built != null) {
      return false;
    }
    if (numRecords == 0) {
      return true;
    }
    long nextDelta = nextOffset() - baseOffset;
    if (nextDelta > Integer.MAX_VALUE) {
      return false;
    }
    int bodySize =
        recordBodySize(
            (int) nextDelta,
            timestamp - baseTimestamp,
            keyLength,
            valueLength,
            headers == null ? List.of() : headers);
    int size = ByteUtils.sizeOfVarint(bodySize) + bodySize;
    double scaled =
        compression == CompressionType.NONE ? size : Math.ceil(size * (double) estimatedCompressionRatio);
    return estimatedSizeInBytes() + scaled <= writeLimit;
  }

  /** True once built, or once the estimated size has reached the write limit. */
  public boolean isFull() {
    return built != null || (numRecords > 0 && estimatedSizeInBytes() >= writeLimit);
  }

  public int numRecords() {
    return numRecords;
  }

  /**
   * Bytes of the records appended, before compression; with the built size it gives the ratio a
   * producer feeds into the next batch's estimate.
   */
  public int uncompressedBytes() {
    return uncompressedBytes;
  }

  public long baseOffset() {
    return baseOffset;
  }

  /** The offset the next {@link #append} will use. */
  public long nextOffset() {
    return numRecords == 0 ? baseOffset : lastOffset + 1;
  }

  public CompressionType compressionType() {
    return compression;
  }

  /**
   * Completes the batch: compresses the body, writes the header and CRC. Later calls return the
   * same records; appends are refused from now on. Without records the result is empty (no batch).
   */
  public MemoryRecords build() {
    if (built != null) {
      return built;
    }
    if (timestampType == TimestampType.LOG_APPEND_TIME && logAppendTime == RecordBatch.NO_TIMESTAMP) {
      throw new IllegalStateException("a LOG_APPEND_TIME batch needs setLogAppendTime before build");
    }
    if (numRecords == 0) {
      built = MemoryRecords.EMPTY;
      body = null;
      return built;
    }
    ByteBufferOutputStream out = body;
    if (compression != CompressionType.NONE) {
      out = new ByteBufferOutputStream(RecordBatch.HEADER_SIZE + Math.max(uncompressedBytes / 2, 256));
      out.position(RecordBatch.HEADER_SIZE);
      CompressionCodec.forType(compression)
          .compress(body.array(), RecordBatch.HEADER_SIZE, uncompressedBytes, out);
    }
    ByteBuffer batch = out.toByteBuffer();
    writeHeader(batch);
    RecordBatch.wrap(batch).writeChecksum();
    body = null;
    built = MemoryRecords.readableRecords(batch);
    return built;
  }

  private void writeHeader(ByteBuffer batch) {
    int attributes = compression.id;
    if (timestampType == TimestampType.LOG_APPEND_TIME) {
      attributes |= RecordBatch.TIMESTAMP_TYPE_MASK;
    }
    if (transactional) {
      attributes |= RecordBatch.TRANSACTIONAL_MASK;
    }
    batch
        .putLong(RecordBatch.BASE_OFFSET_OFFSET, baseOffset)
        .putInt(RecordBatch.LENGTH_OFFSET, batch.limit() - RecordBatch.LOG_OVERHEAD)
        .putInt(RecordBatch.PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch)
        .put(RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC)
        .putInt(RecordBatch.CRC_OFFSET, 0)
        .putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) attributes)
        .putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, (int) (lastOffset - baseOffset))
        .putLong(RecordBatch.BASE_TIMESTAMP_OFFSET, baseTimestamp)
        .putLong(
            RecordBatch.MAX_TIMESTAMP_OFFSET,
            timestampType == TimestampType.LOG_APPEND_TIME ? logAppendTime : maxTimestamp)
        .putLong(RecordBatch.PRODUCER_ID_OFFSET, producerId)
        .putShort(RecordBatch.PRODUCER_EPOCH_OFFSET, producerEpoch)
        .putInt(RecordBatch.BASE_SEQUENCE_OFFSET, baseSequence)
        .putInt(RecordBatch.RECORDS_COUNT_OFFSET, numRecords);
  }

  private void checkOpen() {
    if (built != null) {
      throw new IllegalStateException("the batch has been built; no further changes");
    }
  }
}
