package io.weir.common.utils;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An output stream into a growable heap array whose content is handed over as a ByteBuffer without
 * copying. Writers that know their sizes may {@link #ensureRemaining reserve} space and write into
 * {@link #array()} directly. Owned by a single thread; not thread-safe.
 */
public final class ByteBufferOutputStream extends OutputStream {
  // Arrays a little below Integer.MAX_VALUE are the largest every JVM allocates.
  private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

  private byte[] array;
  private int position;

  public ByteBufferOutputStream(int initialCapacity) {
    if (initialCapacity < 0) {
      throw new IllegalArgumentException("negative capacity " + initialCapacity);
    }
    this.array = new byte[initialCapacity];
  }

  /** Writes into {@code array} from its start (a reused buffer: its old content is overwritten). */
  public ByteBufferOutputStream(byte[] array) {
    this.array = array;
  }

  /** Grows the array, if needed, so that {@code bytes} more fit after the position. */
  public void ensureRemaining(int bytes) {
    long needed = (long) position + bytes;
    if (needed <= array.length) {
      return;
    }
    if (needed > MAX_CAPACITY) {
      throw new IllegalStateException("buffer cannot grow past " + MAX_CAPACITY + " bytes");
    }
    long doubled = Math.min((long) array.length * 2, MAX_CAPACITY);
    array = Arrays.copyOf(array, (int) Math.max(needed, doubled));
  }

  @Override
  public void write(int b) {
    ensureRemaining(1);
    array[position++] = (byte) b;
  }

  @Override
  public void write(byte[] src, int offset, int length) {
    ensureRemaining(length);
    System.arraycopy(src, offset, array, position, length);
    position += length;
  }

  /** The backing array; valid until the next write that grows it. */
  public byte[] array() {
    return array;
  }

  public int position() {
    return position;
  }

  /** Moves the write position, e.g. past bytes written into {@link #array()} directly. */
  public void position(int newPosition) {
    if (newPosition < 0 || newPosition > array.length) {
      throw new IllegalArgumentException(
          "position " + newPosition + " outside 0.." + array.length);
    }
    position = newPosition;
  }

  public int capacity() {
    return array.length;
  }

  /** The bytes written so far, 0 to position, sharing the array. */
  public ByteBuffer toByteBuffer() {
    return ByteBuffer.wrap(array, 0, position);
  }
}
