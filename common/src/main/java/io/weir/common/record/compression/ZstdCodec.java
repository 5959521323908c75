package io.weir.common.record.compression;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.weir.common.utils.ByteBufferOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * zstd (codec id 4) via zstd-jni. Writes one frame in a single call at level 3 (Kafka's default);
 * reads any frame sequence as a stream, which also covers Kafka's streamed frames that do not state
 * their size.
 */
final class ZstdCodec implements CompressionCodec {
  static final ZstdCodec INSTANCE = new ZstdCodec();
  private static final int LEVEL = 3;

  private ZstdCodec() {}

  @Override
  public void compress(byte[] src, int offset, int length, ByteBufferOutputStream out) {
    int bound = (int) Math.min(Zstd.compressBound(length), Integer.MAX_VALUE - 8L);
    out.ensureRemaining(bound);
    try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
      ctx.setLevel(LEVEL);
      int written =
          ctx.compressByteArray(out.array(), out.position(), bound, src, offset, length);
      out.position(out.position() + written);
    }
  }

  @Override
  public ByteBuffer decompress(ByteBuffer src, int maxBytes) {
    CodecSupport.Input input = CodecSupport.Input.of(src);
    long stated = statedSize(input);
    try (InputStream in =
        new ZstdInputStreamNoFinalizer(input.stream(), RecyclingBufferPool.INSTANCE)) {
      return CodecSupport.drain(
          in, CodecSupport.initialCapacity(stated, input.length(), maxBytes), maxBytes, "zstd");
    } catch (IOException | ZstdException e) {
      throw CodecSupport.corrupt("zstd", e);
    }
  }

  /** The first frame's content size when its header states one, else -1; only a hint. */
  private static long statedSize(CodecSupport.Input input) {
    try {
      long size = Zstd.getFrameContentSize(input.array(), input.offset(), input.length());
      return size >= 0 ? size : -1;
    } catch (ZstdException e) {
      return -1; // the stream itself reports the damage, with a better message
    }
  }
}
