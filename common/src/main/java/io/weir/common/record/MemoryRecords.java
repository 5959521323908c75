package io.weir.common.record;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A sequence of record batches laid end to end in one buffer: what a produce request carries and
 * what a fetch returns. Iterating yields views over the buffer; nothing is copied. A fetch response
 * may end in a partial batch (the size limit cut it): iteration stops before it and {@link
 * #validBytes()} excludes it.
 */
public final class MemoryRecords implements Iterable<RecordBatch> {
  public static final MemoryRecords EMPTY = new MemoryRecords(ByteBuffer.allocate(0));

  private final ByteBuffer buffer; // position..limit is the content; never mutated by this class

  private MemoryRecords(ByteBuffer buffer) {
    this.buffer = buffer;
  }

  public static MemoryRecords readableRecords(ByteBuffer buffer) {
    return new MemoryRecords(buffer.slice());
  }

  public int sizeInBytes() {
    return buffer.remaining();
  }

  public ByteBuffer buffer() {
    return buffer.duplicate();
  }

  /**
   * The offset after the last complete batch (where a fetch following these records starts), or
   * -1 without a complete batch.
   *
   * @throws CorruptRecordException on a batch length that cannot be right
   */
  public long nextOffset() {
    long next = -1;
    for (RecordBatch batch : this) {
      next = batch.nextOffset();
    }
    return next;
  }

  /** Bytes of the complete batches at the front; a trailing partial batch is not counted. */
  public int validBytes() {
    int bytes = 0;
    for (RecordBatch batch : this) {
      bytes += batch.sizeInBytes();
    }
    return bytes;
  }

  /**
   * Iterates complete batches. Throws {@link CorruptRecordException} on a length field that cannot
   * be right (smaller than a header); stops quietly at a batch that runs past the end.
   */
  @Override
  public Iterator<RecordBatch> iterator() {
    return new Iterator<>() {
      private int position = buffer.position();
      private RecordBatch next = advance();

      private RecordBatch advance() {
        int remaining = buffer.limit() - position;
        if (remaining < RecordBatch.LOG_OVERHEAD) {
          return null;
        }
        int size = RecordBatch.sizeFromLength(buffer.getInt(position + RecordBatch.LENGTH_OFFSET));
        if (size < RecordBatch.HEADER_SIZE) {
          throw new CorruptRecordException(
              "record batch at byte "
                  + (position - buffer.position())
                  + " declares batchLength "
                  + buffer.getInt(position + RecordBatch.LENGTH_OFFSET)
                  + ", less than a batch header");
        }
        if (size > remaining) {
          return null;
        }
        RecordBatch batch = RecordBatch.wrap(buffer.duplicate().position(position).limit(position + size));
        position += size;
        return batch;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public RecordBatch next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        RecordBatch current = next;
        next = advance();
        return current;
      }
    };
  }
}
