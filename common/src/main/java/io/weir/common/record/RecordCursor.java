package io.weir.common.record;

import io.weir.common.utils.ByteUtils;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Walks the (decompressed) records section of one batch. {@link #advance()} parses and bounds-checks
 * the next record without allocating, which is all a broker's validation needs; {@link #current()}
 * materialises it for readers. Each record is laid out as Kafka's v2 record:
 *
 * <pre>
 * length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 * keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value |
 * headerCount varint | headers: keyLength varint, key (UTF-8), valueLength varint (-1 = null), value
 * </pre>
 *
 * Owned by the single thread iterating the batch.
 */
final class RecordCursor {
  /** Smallest record body: attributes and five one-byte varints. */
  static final int MIN_RECORD_BODY = 6;

  private final ByteBuffer buffer; // position = start of the next record; limit narrowed while parsing one
  private final ByteBuffer readOnly; // the same bytes, for handing out key and value views
  private final int sectionStart;
  private final int count;
  private final long baseOffset;
  private final long baseTimestamp;
  private final boolean logAppendTime;
  private final long maxTimestamp;

  private int index; // records parsed so far
  private int offsetDelta;
  private long timestampDelta;
  private int keyPosition;
  private int keySize;
  private int valuePosition;
  private int valueSize;
  private int headersPosition;
  private int headerCount;

  RecordCursor(ByteBuffer records, RecordBatch batch) {
    this.buffer = records;
    this.readOnly = records.asReadOnlyBuffer();
    this.sectionStart = records.position();
    this.count = Math.max(batch.recordCount(), 0);
    this.baseOffset = batch.baseOffset();
    this.baseTimestamp = batch.baseTimestamp();
    this.logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
    this.maxTimestamp = batch.maxTimestamp();
    if (count == 0) {
      checkFullyConsumed();
    }
  }

  boolean hasNext() {
    return index < count;
  }

  /**
   * Parses the next record, checking every length against the record and the section.
   *
   * @return false when all {@code recordCount} records have been read
   * @throws CorruptRecordException naming the record and what is wrong with it
   */
  boolean advance() {
    if (index >= count) {
      return false;
    }
    int start = buffer.position();
    int sectionLimit = buffer.limit();
    try {
      int length = ByteUtils.readVarint(buffer);
      if (length < MIN_RECORD_BODY || length > buffer.remaining()) {
        throw corrupt(start, "declares length " + length + " with " + buffer.remaining() + " bytes left");
      }
      int end = buffer.position() + length;
      buffer.limit(end); // a field running past the record now underflows
      buffer.get(); // attributes: unused in v2 records
      timestampDelta = ByteUtils.readVarlong(buffer);
      offsetDelta = ByteUtils.readVarint(buffer);
      keySize = readLength(start, "key");
      keyPosition = skip(keySize);
      valueSize = readLength(start, "value");
      valuePosition = skip(valueSize);
      headerCount = ByteUtils.readVarint(buffer);
      if (headerCount < 0 || headerCount > buffer.remaining() / 2) {
        throw corrupt(start, "declares " + headerCount + " headers in " + buffer.remaining() + " bytes");
      }
      headersPosition = buffer.position();
      for (int i = 0; i < headerCount; i++) {
        int headerKeySize = ByteUtils.readVarint(buffer);
        if (headerKeySize < 0 || headerKeySize > buffer.remaining()) {
          throw corrupt(start, "header " + i + " has key length " + headerKeySize);
        }
        skip(headerKeySize);
        skip(readLength(start, "header " + i + " value"));
      }
      if (buffer.hasRemaining()) {
        throw corrupt(start, "ends " + buffer.remaining() + " bytes before its declared length " + length);
      }
    } catch (BufferUnderflowException e) {
      throw corrupt(start, "runs past its declared length or the end of the batch");
    } catch (IllegalArgumentException e) {
      throw corrupt(start, "has a malformed varint: " + e.getMessage());
    } finally {
      buffer.limit(sectionLimit);
    }
    index++;
    if (index == count) {
      checkFullyConsumed();
    }
    return true;
  }

  private int readLength(int start, String field) {
    int size = ByteUtils.readVarint(buffer);
    if (size < -1 || size > buffer.remaining()) {
      throw corrupt(start, "has " + field + " length " + size + " with " + buffer.remaining() + " bytes left");
    }
    return size;
  }

  /** Skips a field of {@code size} bytes (none for -1, a null); returns where it started. */
  private int skip(int size) {
    int at = buffer.position();
    if (size > 0) {
      buffer.position(at + size);
    }
    return at;
  }

  private void checkFullyConsumed() {
    if (buffer.hasRemaining()) {
      throw new CorruptRecordException(
          "record batch at offset " + baseOffset + " has " + buffer.remaining()
              + " bytes after its last record (recordCount " + count + ")");
    }
  }

  int offsetDelta() {
    return offsetDelta;
  }

  long timestampDelta() {
    return timestampDelta;
  }

  /** The record {@link #advance()} last parsed. */
  Record current() {
    long timestamp = logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
    return new Record(
        baseOffset + offsetDelta,
        timestamp,
        keySize < 0 ? null : readOnly.slice(keyPosition, keySize),
        valueSize < 0 ? null : readOnly.slice(valuePosition, valueSize),
        headers());
  }

  private List<Header> headers() {
    if (headerCount == 0) {
      return List.of();
    }
    // Bounds were checked by advance(), so this walk cannot fail.
    ByteBuffer in = buffer.duplicate().position(headersPosition);
    Header[] headers = new Header[headerCount];
    for (int i = 0; i < headerCount; i++) {
      int keyLength = ByteUtils.readVarint(in);
      String key = utf8(in, keyLength);
      int valueLength = ByteUtils.readVarint(in);
      byte[] value = null;
      if (valueLength >= 0) {
        value = new byte[valueLength];
        in.get(value);
      }
      headers[i] = new Header(key, value);
    }
    return List.of(headers);
  }

  private static String utf8(ByteBuffer in, int length) {
    String s;
    if (in.hasArray()) {
      s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
      in.position(in.position() + length);
    } else {
      byte[] bytes = new byte[length];
      in.get(bytes);
      s = new String(bytes, StandardCharsets.UTF_8);
    }
    return s;
  }

  private CorruptRecordException corrupt(int start, String what) {
    return new CorruptRecordException(
        "record batch at offset " + baseOffset + ": record " + index + " (byte "
            + (start - sectionStart) + " of the records) " + what);
  }
}
