package io.weir.common.record.compression;

import io.weir.common.record.CorruptRecordException;
import io.weir.common.utils.ByteBufferOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * lz4 (codec id 3) in the standard LZ4 frame format, laid out as Kafka's LZ4 block output stream
 * writes it for v2 batches: magic, FLG = version 1 + independent blocks, BD = 64 KiB blocks, the
 * header checksum (second byte of XXH32 over FLG..BD), blocks each led by a little-endian length
 * whose top bit marks an uncompressed block, and a zero end mark. No content size or checksums
 * are written; a reader accepts them (and block checksums) when present, as Kafka's does.
 *
 * <p>Blocks are compressed with lz4's fast compressor; Kafka defaults to the HC compressor at
 * level 9. Both produce standard blocks, so only the ratio and the CPU spent differ.
 */
final class Lz4FrameCodec implements CompressionCodec {
  static final Lz4FrameCodec INSTANCE = new Lz4FrameCodec();

  private static final int MAGIC = 0x184D2204;
  private static final int FLG_VERSION_MASK = 0xC0;
  private static final int FLG_VERSION = 0x40;
  private static final int FLG_RESERVED = 0x03; // bit 0 is the dictionary id, which Kafka never sets
  private static final int FLG_BLOCK_INDEPENDENCE = 0x20;
  private static final int FLG_BLOCK_CHECKSUM = 0x10;
  private static final int FLG_CONTENT_SIZE = 0x08;
  private static final int FLG_CONTENT_CHECKSUM = 0x04;
  private static final int BD_RESERVED = 0x8F;
  private static final int BLOCK_SIZE_ID_64KB = 4;
  private static final int BLOCK_SIZE = 1 << 16;
  private static final int UNCOMPRESSED_FLAG = 0x80000000;

  private final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
  private final LZ4SafeDecompressor decompressor = LZ4Factory.fastestInstance().safeDecompressor();
  private final XXHash32 xxhash = XXHashFactory.fastestInstance().hash32();

  private Lz4FrameCodec() {}

  @Override
  public void compress(byte[] src, int offset, int length, ByteBufferOutputStream out) {
    byte flg = (byte) (FLG_VERSION | FLG_BLOCK_INDEPENDENCE);
    byte bd = (byte) (BLOCK_SIZE_ID_64KB << 4);
    out.ensureRemaining(7);
    ByteBuffer header = ByteBuffer.wrap(out.array(), out.position(), 7).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(MAGIC).put(flg).put(bd);
    header.put(headerChecksum(out.array(), out.position() + 4, 2));
    out.position(out.position() + 7);

    int maxBlock = compressor.maxCompressedLength(BLOCK_SIZE);
    for (int done = 0; done < length; done += BLOCK_SIZE) {
      int blockLength = Math.min(BLOCK_SIZE, length - done);
      out.ensureRemaining(4 + maxBlock);
      byte[] dst = out.array();
      int lengthAt = out.position();
      int compressed =
          compressor.compress(src, offset + done, blockLength, dst, lengthAt + 4, maxBlock);
      int stored;
      if (compressed < blockLength) {
        stored = compressed;
        putIntLE(dst, lengthAt, compressed);
      } else {
        // Incompressible data goes in as is, flagged, so a block never grows.
        System.arraycopy(src, offset + done, dst, lengthAt + 4, blockLength);
        stored = blockLength;
        putIntLE(dst, lengthAt, blockLength | UNCOMPRESSED_FLAG);
      }
      out.position(lengthAt + 4 + stored);
    }
    out.ensureRemaining(4);
    putIntLE(out.array(), out.position(), 0);
    out.position(out.position() + 4);
  }

  @Override
  public ByteBuffer decompress(ByteBuffer src, int maxBytes) {
    CodecSupport.Input input = CodecSupport.Input.of(src);
    ByteBuffer in =
        ByteBuffer.wrap(input.array(), input.offset(), input.length())
            .slice()
            .order(ByteOrder.LITTLE_ENDIAN);
    try {
      if (in.getInt() != MAGIC) {
        throw malformed("frame does not start with the LZ4 magic number");
      }
      int flg = in.get() & 0xff;
      int bd = in.get() & 0xff;
      if ((flg & FLG_VERSION_MASK) != FLG_VERSION || (flg & FLG_RESERVED) != 0) {
        throw malformed("unsupported frame flags 0x" + Integer.toHexString(flg));
      }
      if ((flg & FLG_BLOCK_INDEPENDENCE) == 0) {
        throw malformed("linked blocks are not supported (Kafka writes independent blocks)");
      }
      int blockSizeId = (bd >> 4) & 0x07;
      if ((bd & BD_RESERVED) != 0 || blockSizeId < BLOCK_SIZE_ID_64KB) {
        throw malformed("bad block descriptor 0x" + Integer.toHexString(bd));
      }
      int maxBlockSize = 1 << (2 * blockSizeId + 8);
      long statedSize = -1;
      if ((flg & FLG_CONTENT_SIZE) != 0) {
        statedSize = in.getLong();
      }
      byte checksum = in.get();
      int descriptorLength = in.position() - 5;
      if (checksum != headerChecksum(input.array(), input.offset() + 4, descriptorLength)) {
        throw malformed("frame header checksum does not match");
      }
      boolean blockChecksums = (flg & FLG_BLOCK_CHECKSUM) != 0;

      ByteBufferOutputStream out =
          new ByteBufferOutputStream(CodecSupport.initialCapacity(statedSize, input.length(), maxBytes));
      while (true) {
        int word = in.getInt();
        if (word == 0) {
          break;
        }
        boolean uncompressed = (word & UNCOMPRESSED_FLAG) != 0;
        int blockLength = word & ~UNCOMPRESSED_FLAG;
        if (blockLength > maxBlockSize || blockLength > in.remaining()) {
          throw malformed(
              "block of " + blockLength + " bytes (max " + maxBlockSize + ", " + in.remaining() + " left)");
        }
        int blockAt = input.offset() + in.position();
        if (blockChecksums) {
          int expected = in.getInt(in.position() + blockLength);
          if (xxhash.hash(input.array(), blockAt, blockLength, 0) != expected) {
            throw malformed("block checksum does not match");
          }
        }
        if (uncompressed) {
          CodecSupport.checkLimit((long) out.position() + blockLength, maxBytes, "lz4");
          out.write(input.array(), blockAt, blockLength);
        } else {
          int room = (int) Math.min(maxBlockSize, (long) maxBytes - out.position());
          if (room <= 0) {
            CodecSupport.checkLimit(out.position() + 1L, maxBytes, "lz4");
          }
          out.ensureRemaining(room);
          int written =
              decompressBlock(input.array(), blockAt, blockLength, out, room, room < maxBlockSize);
          out.position(out.position() + written);
        }
        in.position(in.position() + blockLength + (blockChecksums ? 4 : 0));
      }
      if ((flg & FLG_CONTENT_CHECKSUM) != 0) {
        int expected = in.getInt();
        if (xxhash.hash(out.array(), 0, out.position(), 0) != expected) {
          throw malformed("content checksum does not match");
        }
      }
      if (in.hasRemaining()) {
        throw malformed(in.remaining() + " bytes after the end mark");
      }
      return out.toByteBuffer();
    } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
      throw malformed("frame is truncated");
    }
  }

  private int decompressBlock(
      byte[] src, int offset, int length, ByteBufferOutputStream out, int room, boolean capped) {
    try {
      return decompressor.decompress(src, offset, length, out.array(), out.position(), room);
    } catch (LZ4Exception e) {
      if (capped) {
        // The output limit, not the block size, bounded the room: the block may be sound.
        throw new CorruptRecordException(
            "lz4 records expand past the output limit, or a block is malformed", e);
      }
      throw CodecSupport.corrupt("lz4", e);
    }
  }

  private byte headerChecksum(byte[] array, int offset, int length) {
    return (byte) ((xxhash.hash(array, offset, length, 0) >> 8) & 0xff);
  }

  private static void putIntLE(byte[] dst, int at, int value) {
    dst[at] = (byte) value;
    dst[at + 1] = (byte) (value >> 8);
    dst[at + 2] = (byte) (value >> 16);
    dst[at + 3] = (byte) (value >> 24);
  }

  private static CorruptRecordException malformed(String what) {
    return new CorruptRecordException("malformed lz4 records: " + what);
  }
}
