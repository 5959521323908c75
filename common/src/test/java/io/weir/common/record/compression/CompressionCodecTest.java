package io.weir.common.record.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.common.record.CompressionType;
import io.weir.common.record.CorruptRecordException;
import io.weir.common.utils.ByteBufferOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CompressionCodecTest {
  private static final int LIMIT = 16 * 1024 * 1024;

  private static byte[] compress(CompressionType type, byte[] data) {
    ByteBufferOutputStream out = new ByteBufferOutputStream(16);
    CompressionCodec.forType(type).compress(data, 0, data.length, out);
    return Arrays.copyOf(out.array(), out.position());
  }

  private static byte[] decompress(CompressionType type, byte[] compressed, int limit) {
    ByteBuffer out = CompressionCodec.forType(type).decompress(ByteBuffer.wrap(compressed), limit);
    byte[] bytes = new byte[out.remaining()];
    out.get(bytes);
    return bytes;
  }

  private static byte[] mixedData(int length, long seed) {
    Random random = new Random(seed);
    byte[] data = new byte[length];
    for (int i = 0; i < length; i += 512) {
      // Alternate compressible runs with random stretches, so lz4 writes both block kinds.
      byte[] chunk = new byte[Math.min(512, length - i)];
      if ((i / 512) % 3 == 0) {
        random.nextBytes(chunk);
      } else {
        Arrays.fill(chunk, (byte) ('a' + random.nextInt(3)));
      }
      System.arraycopy(chunk, 0, data, i, chunk.length);
    }
    return data;
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void roundTripsSmallLargeAndIncompressibleData(CompressionType type) {
    byte[] random = new byte[300_000];
    new Random(1).nextBytes(random);
    for (byte[] data :
        new byte[][] {new byte[0], "x".getBytes(StandardCharsets.UTF_8), mixedData(1_000_000, 2), random}) {
      assertArrayEquals(data, decompress(type, compress(type, data), LIMIT), type + " of " + data.length);
    }
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void readsFromDirectAndOffsetBuffers(CompressionType type) {
    byte[] data = mixedData(100_000, 3);
    byte[] compressed = compress(type, data);
    ByteBuffer direct = ByteBuffer.allocateDirect(compressed.length + 10);
    direct.position(10);
    direct.put(compressed).flip().position(10);
    ByteBuffer out = CompressionCodec.forType(type).decompress(direct, LIMIT);
    assertEquals(ByteBuffer.wrap(data), out);
    assertEquals(10, direct.position(), "input position untouched");

    byte[] padded = new byte[compressed.length + 20];
    System.arraycopy(compressed, 0, padded, 7, compressed.length);
    ByteBuffer slice = ByteBuffer.wrap(padded, 7, compressed.length).slice();
    assertEquals(ByteBuffer.wrap(data), CompressionCodec.forType(type).decompress(slice, LIMIT));
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void outputIsBoundedByTheLimit(CompressionType type) {
    byte[] zeros = new byte[8 * 1024 * 1024];
    byte[] bomb = compress(type, zeros);
    assertTrue(bomb.length < zeros.length / 10, type + " compresses zeros");
    CorruptRecordException e =
        assertThrows(CorruptRecordException.class, () -> decompress(type, bomb, 1024 * 1024));
    assertTrue(e.getMessage().contains("limit"), e.getMessage());
    assertEquals(zeros.length, decompress(type, bomb, zeros.length).length, "exactly at the limit");
    assertThrows(CorruptRecordException.class, () -> decompress(type, bomb, zeros.length - 1));
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void garbageAndDamageRaiseOnlyCorruptRecordException(CompressionType type) {
    Random random = new Random(type.id);
    byte[] data = mixedData(200_000, 4);
    byte[] valid = compress(type, data);
    for (int i = 0; i < 200; i++) {
      byte[] input;
      if (i % 3 == 0) {
        input = new byte[random.nextInt(200)];
        random.nextBytes(input);
      } else if (i % 3 == 1) {
        input = valid.clone();
        input[random.nextInt(input.length)] ^= (byte) (1 + random.nextInt(255));
      } else {
        input = Arrays.copyOf(valid, random.nextInt(valid.length));
      }
      byte[] damaged = input;
      try {
        byte[] out = decompress(type, damaged, LIMIT);
        // Some damage goes unnoticed by a codec without checksums (snappy cut between chunks,
        // a flipped literal); the batch CRC catches those. The output must still differ or be
        // the original.
        assertTrue(out.length <= LIMIT);
        if (i % 3 == 2) {
          assertTrue(out.length < data.length, "a truncated stream cannot yield everything");
        }
      } catch (CorruptRecordException expected) {
        assertTrue(expected.getMessage().contains(type.configName), expected.getMessage());
      }
    }
  }

  @Test
  void lz4FramesMatchTheStandardFrameFormat() throws IOException {
    byte[] data = mixedData(300_000, 5);
    // Ours is readable by lz4-java's reader of the standard frame format...
    byte[] ours = compress(CompressionType.LZ4, data);
    try (LZ4FrameInputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(ours))) {
      assertArrayEquals(data, in.readAllBytes());
    }
    // ...and we read its frames with content size, block and content checksums.
    ByteArrayOutputStream theirs = new ByteArrayOutputStream();
    try (LZ4FrameOutputStream out =
        new LZ4FrameOutputStream(
            theirs,
            LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
            data.length,
            LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
            LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM,
            LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM,
            LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE)) {
      out.write(data);
    }
    byte[] framed = theirs.toByteArray();
    assertArrayEquals(data, decompress(CompressionType.LZ4, framed, LIMIT));

    byte[] badContentChecksum = framed.clone();
    badContentChecksum[badContentChecksum.length - 1] ^= 1;
    assertThrows(
        CorruptRecordException.class, () -> decompress(CompressionType.LZ4, badContentChecksum, LIMIT));
  }

  @Test
  void snappyWithoutXerialHeaderIsRefused() throws IOException {
    byte[] raw = org.xerial.snappy.Snappy.compress("plain snappy block".getBytes(StandardCharsets.UTF_8));
    CorruptRecordException e =
        assertThrows(CorruptRecordException.class, () -> decompress(CompressionType.SNAPPY, raw, LIMIT));
    assertTrue(e.getMessage().contains("header"), e.getMessage());
  }

  @Test
  void noneHasNoCodec() {
    assertThrows(IllegalArgumentException.class, () -> CompressionCodec.forType(CompressionType.NONE));
  }
}
