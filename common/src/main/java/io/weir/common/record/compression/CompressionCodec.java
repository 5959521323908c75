package io.weir.common.record.compression;

import io.weir.common.record.CompressionType;
import io.weir.common.record.CorruptRecordException;
import io.weir.common.utils.ByteBufferOutputStream;
import java.nio.ByteBuffer;

/**
 * Compresses and decompresses the records section of a batch in exactly the stream format Kafka
 * uses for the codec, so batches cross between Weir and Kafka clients. Implementations are
 * stateless and thread-safe.
 */
public interface CompressionCodec {

  /** Appends the compressed form of {@code src[offset, offset+length)} to {@code out}. */
  void compress(byte[] src, int offset, int length, ByteBufferOutputStream out);

  /**
   * Decompresses {@code src} from its position to its limit (the position is not moved) into a new
   * heap buffer, position 0 to the end of the output.
   *
   * @param maxBytes the most output accepted; a batch that would expand past it is refused, so a
   *     small malicious batch cannot make the reader allocate without limit
   * @throws CorruptRecordException if the input is not a well-formed stream of this codec or
   *     expands past {@code maxBytes}
   */
  ByteBuffer decompress(ByteBuffer src, int maxBytes);

  /** The codec for a compressed type; NONE has none. */
  static CompressionCodec forType(CompressionType type) {
    return switch (type) {
      case GZIP -> GzipCodec.INSTANCE;
      case SNAPPY -> SnappyCodec.INSTANCE;
      case LZ4 -> Lz4FrameCodec.INSTANCE;
      case ZSTD -> ZstdCodec.INSTANCE;
      case NONE -> throw new IllegalArgumentException("compression type none has no codec");
    };
  }
}
