package io.weir.common.record.compression;

import io.weir.common.utils.ByteBufferOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** gzip (codec id 1): the JDK's GZIP streams at the default level, as Kafka writes them. */
final class GzipCodec implements CompressionCodec {
  static final GzipCodec INSTANCE = new GzipCodec();
  private static final int BUFFER_SIZE = 8 * 1024;
  private static final int GZIP_TRAILER = 8;

  private GzipCodec() {}

  @Override
  public void compress(byte[] src, int offset, int length, ByteBufferOutputStream out) {
    try (GZIPOutputStream gzip = new GZIPOutputStream(out, BUFFER_SIZE)) {
      gzip.write(src, offset, length);
    } catch (IOException e) {
      throw new UncheckedIOException("gzip into memory failed", e); // memory streams do not throw
    }
  }

  @Override
  public ByteBuffer decompress(ByteBuffer src, int maxBytes) {
    CodecSupport.Input input = CodecSupport.Input.of(src);
    try (InputStream in = new GZIPInputStream(input.stream(), BUFFER_SIZE)) {
      return CodecSupport.drain(
          in,
          CodecSupport.initialCapacity(statedSize(input), input.length(), maxBytes),
          maxBytes,
          "gzip");
    } catch (IOException e) {
      throw CodecSupport.corrupt("gzip", e);
    }
  }

  /** The trailer's ISIZE (input size mod 2^32) of a single-member stream; only a hint. */
  private static long statedSize(CodecSupport.Input input) {
    if (input.length() < GZIP_TRAILER) {
      return -1;
    }
    return Integer.toUnsignedLong(
        ByteBuffer.wrap(input.array(), input.offset() + input.length() - 4, 4)
            .order(ByteOrder.LITTLE_ENDIAN)
            .getInt());
  }
}
