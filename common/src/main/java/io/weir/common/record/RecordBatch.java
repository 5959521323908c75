package io.weir.common.record;

import io.weir.common.record.compression.CompressionCodec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.zip.CRC32C;

/**
 * A view over one record batch in Kafka's v2 layout (magic 2), byte for byte:
 *
 * <pre>
 * baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
 * attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 |
 * producerId int64 | producerEpoch int16 | baseSequence int32 | recordCount int32 | records...
 * </pre>
 *
 * The CRC-32C covers everything from {@code attributes} to the end, so a broker can stamp the base
 * offset and leader epoch in place without recomputing it. The view reads and writes the backing
 * buffer directly and copies nothing; it is not thread-safe, as the buffer it wraps is not.
 */
public final class RecordBatch {
  public static final byte MAGIC = 2;

  public static final int BASE_OFFSET_OFFSET = 0;
  public static final int LENGTH_OFFSET = 8;
  public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
  public static final int MAGIC_OFFSET = 16;
  public static final int CRC_OFFSET = 17;
  public static final int ATTRIBUTES_OFFSET = 21;
  public static final int LAST_OFFSET_DELTA_OFFSET = 23;
  public static final int BASE_TIMESTAMP_OFFSET = 27;
  public static final int MAX_TIMESTAMP_OFFSET = 35;
  public static final int PRODUCER_ID_OFFSET = 43;
  public static final int PRODUCER_EPOCH_OFFSET = 51;
  public static final int BASE_SEQUENCE_OFFSET = 53;
  public static final int RECORDS_COUNT_OFFSET = 57;
  /** Size of the batch header; the records follow it. */
  public static final int HEADER_SIZE = 61;
  /** baseOffset + batchLength: the part of the header not counted in batchLength. */
  public static final int LOG_OVERHEAD = 12;

  public static final long NO_PRODUCER_ID = -1L;
  public static final short NO_PRODUCER_EPOCH = -1;
  public static final int NO_SEQUENCE = -1;
  public static final int NO_PARTITION_LEADER_EPOCH = -1;
  public static final long NO_TIMESTAMP = -1L;

  /**
   * Default bound on a compressed batch's records once decompressed. Far above what producers
   * build, yet it keeps a small malicious batch from expanding into gigabytes.
   */
  public static final int DEFAULT_MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024;

  static final int COMPRESSION_MASK = 0x07;
  static final int TIMESTAMP_TYPE_MASK = 0x08;
  static final int TRANSACTIONAL_MASK = 0x10;
  private static final int CONTROL_MASK = 0x20;
  private static final int DELETE_HORIZON_MASK = 0x40;

  private final ByteBuffer buffer; // big-endian, position 0 = baseOffset, limit = end of batch

  private RecordBatch(ByteBuffer buffer) {
    this.buffer = buffer;
  }

  /**
   * Wraps the batch that starts at {@code buffer.position()}. Checks only that the declared length
   * fits in the buffer; call {@link #validate()} before trusting anything else.
   */
  public static RecordBatch wrap(ByteBuffer buffer) {
    int remaining = buffer.remaining();
    if (remaining < HEADER_SIZE) {
      throw new CorruptRecordException(
          "record batch needs at least " + HEADER_SIZE + " bytes, found " + remaining);
    }
    ByteBuffer view = buffer.slice().order(ByteOrder.BIG_ENDIAN);
    int size = sizeFromLength(view.getInt(LENGTH_OFFSET));
    if (size < HEADER_SIZE || size > remaining) {
      throw new CorruptRecordException(
          "record batch at offset "
              + view.getLong(BASE_OFFSET_OFFSET)
              + " declares batchLength "
              + view.getInt(LENGTH_OFFSET)
              + " but "
              + (remaining - LOG_OVERHEAD)
              + " bytes follow the length field");
    }
    return new RecordBatch(view.limit(size).slice().order(ByteOrder.BIG_ENDIAN));
  }

  /** Total bytes of a batch whose batchLength field holds {@code batchLength}, or -1 if negative. */
  public static int sizeFromLength(int batchLength) {
    return batchLength < 0 || batchLength > Integer.MAX_VALUE - LOG_OVERHEAD
        ? -1
        : batchLength + LOG_OVERHEAD;
  }

  /**
   * Checks what can be checked without decompressing: magic, lengths, CRC, offsets and timestamps
   * consistency of the header.
   *
   * @throws CorruptRecordException naming the first check that fails
   */
  public void validate() {
    if (magic() != MAGIC) {
      throw corrupt("has magic " + magic() + "; only magic " + MAGIC + " (RecordBatch v2) is supported");
    }
    int count = recordCount();
    if (count < 0) {
      throw corrupt("has negative record count " + count);
    }
    if (lastOffsetDelta() < 0) {
      throw corrupt("has negative lastOffsetDelta " + lastOffsetDelta());
    }
    if (count > 0 && lastOffsetDelta() < count - 1) {
      throw corrupt(
          "holds " + count + " records but lastOffsetDelta " + lastOffsetDelta() + " leaves room for fewer");
    }
    if (count == 0 && !isControlBatch() && !hasDeleteHorizon()) {
      // Compaction may empty a batch but keeps it for its producer state; anything else is junk.
      throw corrupt("holds no records");
    }
    if (compressionId() > CompressionType.MAX_ID) {
      throw corrupt("uses unknown compression codec id " + compressionId());
    }
    long stored = checksum();
    long computed = computeChecksum();
    if (stored != computed) {
      throw corrupt(
          "fails its CRC check: stored 0x"
              + Long.toHexString(stored)
              + ", computed 0x"
              + Long.toHexString(computed));
    }
  }

  /**
   * Validates the header and CRC ({@link #validate()}), then every record, as a broker does before
   * it appends a produced batch: the records present match {@code recordCount}, every length and
   * varint stays inside its record and the batch, nothing trails the last record, offset deltas
   * strictly increase and stay within {@code lastOffsetDelta}, and with CREATE_TIME the header's
   * maxTimestamp is the largest record timestamp. Allocates nothing per record.
   *
   * @throws CorruptRecordException naming the record and what is wrong
   */
  public void validateRecords() {
    validateRecords(DEFAULT_MAX_UNCOMPRESSED_BYTES);
  }

  /** {@link #validateRecords()} with an explicit bound on the decompressed records. */
  public void validateRecords(int maxUncompressedBytes) {
    validate();
    RecordCursor cursor = cursor(maxUncompressedBytes);
    int lastDelta = lastOffsetDelta();
    int previous = -1;
    long largestTimestamp = NO_TIMESTAMP;
    for (int i = 0; cursor.advance(); i++) {
      int delta = cursor.offsetDelta();
      if (delta <= previous || delta > lastDelta) {
        throw corrupt(
            "has record " + i + " at offset delta " + delta + "; deltas must increase from "
                + (previous + 1) + " and stay within lastOffsetDelta " + lastDelta);
      }
      previous = delta;
      largestTimestamp = Math.max(largestTimestamp, baseTimestamp() + cursor.timestampDelta());
    }
    if (timestampType() == TimestampType.CREATE_TIME
        && recordCount() > 0
        && !hasDeleteHorizon()
        && largestTimestamp != maxTimestamp()) {
      throw corrupt(
          "has maxTimestamp " + maxTimestamp() + " but its largest record timestamp is "
              + largestTimestamp);
    }
  }

  /**
   * The batch's records in offset order, decompressing when needed (each {@code iterator()} call
   * starts over). Offsets and timestamps are absolute; in a LOG_APPEND_TIME batch every record's
   * timestamp is the batch's maxTimestamp, as in Kafka. Iteration throws {@link
   * CorruptRecordException} at the first malformed record.
   */
  public Iterable<Record> records() {
    return records(DEFAULT_MAX_UNCOMPRESSED_BYTES);
  }

  /** {@link #records()} with an explicit bound on the decompressed records. */
  public Iterable<Record> records(int maxUncompressedBytes) {
    return () -> {
      RecordCursor cursor = cursor(maxUncompressedBytes);
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return cursor.hasNext();
        }

        @Override
        public Record next() {
          if (!cursor.advance()) {
            throw new NoSuchElementException();
          }
          return cursor.current();
        }
      };
    };
  }

  private RecordCursor cursor(int maxUncompressedBytes) {
    CompressionType compression = compressionType();
    ByteBuffer records = recordsBuffer();
    if (compression != CompressionType.NONE) {
      try {
        records = CompressionCodec.forType(compression).decompress(records, maxUncompressedBytes);
      } catch (CorruptRecordException e) {
        throw new CorruptRecordException(
            "record batch at offset " + baseOffset() + ": " + e.getMessage(), e);
      }
    }
    return new RecordCursor(records, this);
  }

  /** True when {@link #validate()} would not throw. */
  public boolean isValid() {
    try {
      validate();
      return true;
    } catch (CorruptRecordException e) {
      return false;
    }
  }

  private CorruptRecordException corrupt(String what) {
    return new CorruptRecordException("record batch at offset " + baseOffset() + " " + what);
  }

  /** CRC-32C of attributes through the end of the batch. */
  public long computeChecksum() {
    CRC32C crc = new CRC32C();
    crc.update(buffer.duplicate().position(ATTRIBUTES_OFFSET));
    return crc.getValue();
  }

  /** Recomputes and stores the CRC; used by builders after the body is complete. */
  void writeChecksum() {
    buffer.putInt(CRC_OFFSET, (int) computeChecksum());
  }

  public long baseOffset() {
    return buffer.getLong(BASE_OFFSET_OFFSET);
  }

  public int batchLength() {
    return buffer.getInt(LENGTH_OFFSET);
  }

  public int sizeInBytes() {
    return buffer.limit();
  }

  public int partitionLeaderEpoch() {
    return buffer.getInt(PARTITION_LEADER_EPOCH_OFFSET);
  }

  public byte magic() {
    return buffer.get(MAGIC_OFFSET);
  }

  public long checksum() {
    return Integer.toUnsignedLong(buffer.getInt(CRC_OFFSET));
  }

  public short attributes() {
    return buffer.getShort(ATTRIBUTES_OFFSET);
  }

  public int compressionId() {
    return attributes() & COMPRESSION_MASK;
  }

  public CompressionType compressionType() {
    return CompressionType.forId(compressionId());
  }

  public TimestampType timestampType() {
    return (attributes() & TIMESTAMP_TYPE_MASK) == 0
        ? TimestampType.CREATE_TIME
        : TimestampType.LOG_APPEND_TIME;
  }

  public boolean isTransactional() {
    return (attributes() & TRANSACTIONAL_MASK) != 0;
  }

  public boolean isControlBatch() {
    return (attributes() & CONTROL_MASK) != 0;
  }

  public boolean hasDeleteHorizon() {
    return (attributes() & DELETE_HORIZON_MASK) != 0;
  }

  public int lastOffsetDelta() {
    return buffer.getInt(LAST_OFFSET_DELTA_OFFSET);
  }

  public long lastOffset() {
    return baseOffset() + lastOffsetDelta();
  }

  /** The offset the next batch in the log will start at. */
  public long nextOffset() {
    return lastOffset() + 1;
  }

  public long baseTimestamp() {
    return buffer.getLong(BASE_TIMESTAMP_OFFSET);
  }

  /**
   * The batch's largest timestamp; with LOG_APPEND_TIME it is the broker's append time, which is
   * why it lives in the header (and inside the CRC).
   */
  public long maxTimestamp() {
    return buffer.getLong(MAX_TIMESTAMP_OFFSET);
  }

  public long producerId() {
    return buffer.getLong(PRODUCER_ID_OFFSET);
  }

  public short producerEpoch() {
    return buffer.getShort(PRODUCER_EPOCH_OFFSET);
  }

  public int baseSequence() {
    return buffer.getInt(BASE_SEQUENCE_OFFSET);
  }

  /** The sequence of the last record, wrapping past Integer.MAX_VALUE as Kafka's does. */
  public int lastSequence() {
    int base = baseSequence();
    if (base == NO_SEQUENCE) {
      return NO_SEQUENCE;
    }
    long last = (long) base + lastOffsetDelta();
    return (int) (last > Integer.MAX_VALUE ? last - Integer.MAX_VALUE - 1 : last);
  }

  public boolean hasProducerId() {
    return producerId() != NO_PRODUCER_ID;
  }

  public int recordCount() {
    return buffer.getInt(RECORDS_COUNT_OFFSET);
  }

  /** Stamps the base offset in place. The offset is outside the CRC, so the CRC stays valid. */
  public void setBaseOffset(long baseOffset) {
    buffer.putLong(BASE_OFFSET_OFFSET, baseOffset);
  }

  /** Stamps the leader epoch in place; outside the CRC, like the base offset. */
  public void setPartitionLeaderEpoch(int epoch) {
    buffer.putInt(PARTITION_LEADER_EPOCH_OFFSET, epoch);
  }

  /**
   * Sets LOG_APPEND_TIME and the max timestamp, as a broker does for topics with
   * message.timestamp.type=LogAppendTime. Both fields are inside the CRC, so it is rewritten.
   */
  public void setLogAppendTime(long timestamp) {
    buffer.putShort(ATTRIBUTES_OFFSET, (short) (attributes() | TIMESTAMP_TYPE_MASK));
    buffer.putLong(MAX_TIMESTAMP_OFFSET, timestamp);
    writeChecksum();
  }

  /** The batch's bytes, position 0 to limit; a new view each call, sharing the content. */
  public ByteBuffer buffer() {
    return buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
  }

  /** The records section (after the header), still compressed if the batch is. */
  public ByteBuffer recordsBuffer() {
    return buffer.duplicate().position(HEADER_SIZE).slice().order(ByteOrder.BIG_ENDIAN);
  }

  @Override
  public String toString() {
    return "RecordBatch(baseOffset="
        + baseOffset()
        + ", lastOffset="
        + lastOffset()
        + ", count="
        + recordCount()
        + ", size="
        + sizeInBytes()
        + ", epoch="
        + partitionLeaderEpoch()
        + ", compression="
        + compressionId()
        + ", maxTimestamp="
        + maxTimestamp()
        + ")";
  }
}
