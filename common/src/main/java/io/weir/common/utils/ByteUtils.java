package io.weir.common.utils;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * Zigzag varints and varlongs as Kafka's record format writes them: the value is zigzag-mapped so
 * small negative numbers stay short, then written 7 bits at a time, least significant group first,
 * with the high bit of each byte marking that another byte follows.
 */
public final class ByteUtils {
  /** The most bytes a zigzag varint (int) can take. */
  public static final int MAX_VARINT_SIZE = 5;
  /** The most bytes a zigzag varlong can take. */
  public static final int MAX_VARLONG_SIZE = 10;

  private ByteUtils() {}

  /**
   * Reads a zigzag varint at the buffer's position and advances past it.
   *
   * @throws IllegalArgumentException if it runs longer than {@value #MAX_VARINT_SIZE} bytes
   * @throws BufferUnderflowException if the buffer ends inside it
   */
  public static int readVarint(ByteBuffer buffer) {
    int raw = 0;
    int shift = 0;
    byte b;
    do {
      if (shift > 28) {
        throw new IllegalArgumentException("varint longer than " + MAX_VARINT_SIZE + " bytes");
      }
      b = buffer.get();
      raw |= (b & 0x7f) << shift;
      shift += 7;
    } while (b < 0);
    return (raw >>> 1) ^ -(raw & 1);
  }

  /**
   * Reads a zigzag varlong at the buffer's position and advances past it.
   *
   * @throws IllegalArgumentException if it runs longer than {@value #MAX_VARLONG_SIZE} bytes
   * @throws BufferUnderflowException if the buffer ends inside it
   */
  public static long readVarlong(ByteBuffer buffer) {
    long raw = 0;
    int shift = 0;
    byte b;
    do {
      if (shift > 63) {
        throw new IllegalArgumentException("varlong longer than " + MAX_VARLONG_SIZE + " bytes");
      }
      b = buffer.get();
      raw |= (long) (b & 0x7f) << shift;
      shift += 7;
    } while (b < 0);
    return (raw >>> 1) ^ -(raw & 1);
  }

  public static void writeVarint(int value, ByteBuffer buffer) {
    int raw = (value << 1) ^ (value >> 31);
    while ((raw & ~0x7f) != 0) {
      buffer.put((byte) ((raw & 0x7f) | 0x80));
      raw >>>= 7;
    }
    buffer.put((byte) raw);
  }

  public static void writeVarlong(long value, ByteBuffer buffer) {
    long raw = (value << 1) ^ (value >> 63);
    while ((raw & ~0x7fL) != 0) {
      buffer.put((byte) ((raw & 0x7f) | 0x80));
      raw >>>= 7;
    }
    buffer.put((byte) raw);
  }

  /** Writes a zigzag varint into {@code dst} at {@code position}; returns the position after it. */
  public static int writeVarint(int value, byte[] dst, int position) {
    int raw = (value << 1) ^ (value >> 31);
    while ((raw & ~0x7f) != 0) {
      dst[position++] = (byte) ((raw & 0x7f) | 0x80);
      raw >>>= 7;
    }
    dst[position++] = (byte) raw;
    return position;
  }

  /** Writes a zigzag varlong into {@code dst} at {@code position}; returns the position after it. */
  public static int writeVarlong(long value, byte[] dst, int position) {
    long raw = (value << 1) ^ (value >> 63);
    while ((raw & ~0x7fL) != 0) {
      dst[position++] = (byte) ((raw & 0x7f) | 0x80);
      raw >>>= 7;
    }
    dst[position++] = (byte) raw;
    return position;
  }

  public static int sizeOfVarint(int value) {
    int raw = (value << 1) ^ (value >> 31);
    // Each byte carries 7 bits; the highest set bit decides how many are needed.
    return 1 + (31 - Integer.numberOfLeadingZeros(raw | 1)) / 7;
  }

  public static int sizeOfVarlong(long value) {
    long raw = (value << 1) ^ (value >> 63);
    return 1 + (63 - Long.numberOfLeadingZeros(raw | 1)) / 7;
  }

  /**
   * Bytes that {@link #writeUtf8} produces for {@code s}: Java's own encoding, where an unpaired
   * surrogate becomes '?'. Lets a writer size a record before encoding any header key.
   */
  public static int utf8Length(String s) {
    int length = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        length += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        length += 1;
      } else {
        length += 3;
      }
    }
    return length;
  }

  /**
   * Encodes {@code s} as UTF-8 into {@code dst} at {@code position} without an intermediate array,
   * byte for byte what {@code s.getBytes(UTF_8)} gives; returns the position after it.
   */
  public static int writeUtf8(String s, byte[] dst, int position) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        dst[position++] = (byte) c;
      } else if (c < 0x800) {
        dst[position++] = (byte) (0xc0 | (c >> 6));
        dst[position++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        dst[position++] = (byte) (0xf0 | (cp >> 18));
        dst[position++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
        dst[position++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
        dst[position++] = (byte) (0x80 | (cp & 0x3f));
      } else if (Character.isSurrogate(c)) {
        dst[position++] = (byte) '?';
      } else {
        dst[position++] = (byte) (0xe0 | (c >> 12));
        dst[position++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        dst[position++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    return position;
  }
}
