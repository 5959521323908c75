package io.weir.common.record.compression;

import io.weir.common.record.CorruptRecordException;
import io.weir.common.utils.ByteBufferOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** What the codecs share: access to input bytes as an array and bounded stream draining. */
final class CodecSupport {
  private static final int MIN_INITIAL_CAPACITY = 1024;
  // A guess at the expansion when the stream does not state its size: most record data shrinks
  // to a quarter or less, and the buffer doubles if the guess is short.
  private static final int EXPANSION_GUESS = 4;

  private CodecSupport() {}

  /** A byte range of an array: the input buffer's own array when it has one, else a copy. */
  record Input(byte[] array, int offset, int length) {
    static Input of(ByteBuffer src) {
      int length = src.remaining();
      if (src.hasArray()) {
        return new Input(src.array(), src.arrayOffset() + src.position(), length);
      }
      byte[] copy = new byte[length];
      src.get(src.position(), copy, 0, length);
      return new Input(copy, 0, length);
    }

    InputStream stream() {
      return new ByteArrayInputStream(array, offset, length);
    }
  }

  /** Initial output capacity: the stream's stated size when it has one, else a guess; never over the limit. */
  static int initialCapacity(long statedSize, int compressedLength, int maxBytes) {
    long guess =
        statedSize >= 0
            ? statedSize
            : Math.max(MIN_INITIAL_CAPACITY, (long) compressedLength * EXPANSION_GUESS);
    return (int) Math.min(guess, maxBytes);
  }

  /**
   * Reads {@code in} to its end into a buffer, refusing to go past {@code maxBytes} (the array may
   * grow to at most twice that). When the buffer is exactly full, one byte is read to tell the end
   * of the stream from more output, so a correct size hint costs no regrowth.
   */
  static ByteBuffer drain(InputStream in, int initialCapacity, int maxBytes, String codec)
      throws IOException {
    ByteBufferOutputStream out = new ByteBufferOutputStream(initialCapacity);
    while (true) {
      int room = Math.min(out.capacity(), maxBytes) - out.position();
      if (room == 0) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        checkLimit(out.position() + 1L, maxBytes, codec);
        out.write(b);
        continue;
      }
      int n = in.read(out.array(), out.position(), room);
      if (n < 0) {
        break;
      }
      out.position(out.position() + n);
    }
    return out.toByteBuffer();
  }

  static void checkLimit(long size, int maxBytes, String codec) {
    if (size > maxBytes) {
      throw new CorruptRecordException(
          codec + " records expand past the limit of " + maxBytes + " bytes");
    }
  }

  static CorruptRecordException corrupt(String codec, Throwable cause) {
    return new CorruptRecordException(
        "malformed " + codec + " records: " + cause.getMessage(), cause);
  }
}
