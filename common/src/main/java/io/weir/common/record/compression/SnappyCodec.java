package io.weir.common.record.compression;

import io.weir.common.record.CorruptRecordException;
import io.weir.common.utils.ByteBufferOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyOutputStream;

/**
 * snappy (codec id 2) in xerial's stream framing, which is what Kafka writes: a 16-byte header
 * (magic {@code 0x82 "SNAPPY" 0}, version 1, compatible version 1, big-endian ints) followed by
 * chunks, each a big-endian int length and a raw snappy block. Written with xerial's {@link
 * SnappyOutputStream}; read by a parser of that framing here, which checks every chunk's declared
 * size against the input and the output limit before it allocates, something xerial's input
 * stream does not promise.
 */
final class SnappyCodec implements CompressionCodec {
  static final SnappyCodec INSTANCE = new SnappyCodec();

  private static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
  private static final int HEADER_SIZE = MAGIC.length + 8;

  private SnappyCodec() {}

  @Override
  public void compress(byte[] src, int offset, int length, ByteBufferOutputStream out) {
    try (SnappyOutputStream snappy = new SnappyOutputStream(out)) {
      snappy.write(src, offset, length);
    } catch (IOException e) {
      throw new UncheckedIOException("snappy into memory failed", e); // memory streams do not throw
    }
  }

  @Override
  public ByteBuffer decompress(ByteBuffer src, int maxBytes) {
    CodecSupport.Input input = CodecSupport.Input.of(src);
    byte[] in = input.array();
    int position = input.offset();
    int end = input.offset() + input.length();
    if (!hasHeaderAt(in, position, end)) {
      throw new CorruptRecordException("malformed snappy records: no xerial stream header");
    }
    ByteBufferOutputStream out =
        new ByteBufferOutputStream(CodecSupport.initialCapacity(-1, input.length(), maxBytes));
    try {
      while (position < end) {
        // xerial's reader accepts streams written back to back, so a header may recur.
        if (hasHeaderAt(in, position, end)) {
          position += HEADER_SIZE;
          continue;
        }
        if (end - position < 4) {
          throw new CorruptRecordException(
              "malformed snappy records: " + (end - position) + " stray bytes where a chunk length belongs");
        }
        int chunk = ByteBuffer.wrap(in, position, 4).getInt();
        position += 4;
        if (chunk < 0 || chunk > end - position) {
          throw new CorruptRecordException(
              "malformed snappy records: chunk of " + chunk + " bytes with " + (end - position) + " left");
        }
        int size = Snappy.uncompressedLength(in, position, chunk);
        CodecSupport.checkLimit((long) out.position() + size, maxBytes, "snappy");
        out.ensureRemaining(size);
        int written = Snappy.uncompress(in, position, chunk, out.array(), out.position());
        if (written != size) {
          throw new CorruptRecordException(
              "malformed snappy records: chunk states " + size + " bytes but holds " + written);
        }
        out.position(out.position() + written);
        position += chunk;
      }
    } catch (IOException e) {
      throw CodecSupport.corrupt("snappy", e);
    }
    return out.toByteBuffer();
  }

  private static boolean hasHeaderAt(byte[] in, int position, int end) {
    return end - position >= HEADER_SIZE
        && Arrays.equals(in, position, position + MAGIC.length, MAGIC, 0, MAGIC.length);
  }
}
