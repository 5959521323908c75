package io.weir.common.record;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * One record read from a batch, with its absolute offset and timestamp. Key and value are
 * read-only views (position to limit), null when the record has none; for an uncompressed batch
 * they share the batch's bytes, for a compressed one the batch's decompressed bytes, so reading
 * copies nothing per record. Each accessor returns a fresh view, so a caller moving its position
 * does not disturb the record.
 */
public record Record(long offset, long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {
  public Record {
    key = key == null || key.isReadOnly() ? key : key.asReadOnlyBuffer();
    value = value == null || value.isReadOnly() ? value : value.asReadOnlyBuffer();
    headers = headers == null ? List.of() : List.copyOf(headers);
  }

  @Override
  public ByteBuffer key() {
    return key == null ? null : key.duplicate();
  }

  @Override
  public ByteBuffer value() {
    return value == null ? null : value.duplicate();
  }

  public boolean hasKey() {
    return key != null;
  }

  public boolean hasValue() {
    return value != null;
  }

  /** Key length in bytes, -1 for a null key. */
  public int keySize() {
    return key == null ? -1 : key.remaining();
  }

  /** Value length in bytes, -1 for a null value (a tombstone). */
  public int valueSize() {
    return value == null ? -1 : value.remaining();
  }

  /** A copy of the key, or null. */
  public byte[] keyBytes() {
    return copy(key);
  }

  /** A copy of the value, or null. */
  public byte[] valueBytes() {
    return copy(value);
  }

  private static byte[] copy(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(buffer.position(), bytes);
    return bytes;
  }

  @Override
  public String toString() {
    return "Record(offset=" + offset + ", timestamp=" + timestamp + ", key=" + keySize()
        + " bytes, value=" + valueSize() + " bytes, headers=" + headers + ")";
  }
}
