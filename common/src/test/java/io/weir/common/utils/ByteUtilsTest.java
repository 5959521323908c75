package io.weir.common.utils;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ByteUtilsTest {
  private static final int[] INTS = {
    0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, 1 << 20, -(1 << 27), Integer.MAX_VALUE, Integer.MIN_VALUE
  };
  private static final long[] LONGS = {
    0, 1, -1, 63, -64, 64, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 48, -(1L << 55), Long.MAX_VALUE, Long.MIN_VALUE
  };

  @Test
  void varintsRoundTripWithTheirStatedSize() {
    for (int v : INTS) {
      ByteBuffer buffer = ByteBuffer.allocate(ByteUtils.MAX_VARINT_SIZE);
      ByteUtils.writeVarint(v, buffer);
      assertEquals(ByteUtils.sizeOfVarint(v), buffer.position(), "size of " + v);
      byte[] array = new byte[ByteUtils.MAX_VARINT_SIZE];
      int end = ByteUtils.writeVarint(v, array, 0);
      assertArrayEquals(Arrays.copyOf(buffer.array(), buffer.position()), Arrays.copyOf(array, end));
      assertEquals(v, ByteUtils.readVarint(buffer.flip()));
      assertEquals(0, buffer.remaining());
    }
    assertEquals(1, ByteUtils.sizeOfVarint(-64));
    assertEquals(2, ByteUtils.sizeOfVarint(64));
    assertEquals(5, ByteUtils.sizeOfVarint(Integer.MIN_VALUE));
  }

  @Test
  void varlongsRoundTripWithTheirStatedSize() {
    for (long v : LONGS) {
      ByteBuffer buffer = ByteBuffer.allocate(ByteUtils.MAX_VARLONG_SIZE);
      ByteUtils.writeVarlong(v, buffer);
      assertEquals(ByteUtils.sizeOfVarlong(v), buffer.position(), "size of " + v);
      byte[] array = new byte[ByteUtils.MAX_VARLONG_SIZE];
      int end = ByteUtils.writeVarlong(v, array, 0);
      assertArrayEquals(Arrays.copyOf(buffer.array(), buffer.position()), Arrays.copyOf(array, end));
      assertEquals(v, ByteUtils.readVarlong(buffer.flip()));
    }
    assertEquals(10, ByteUtils.sizeOfVarlong(Long.MIN_VALUE));
  }

  @Test
  void overlongAndTruncatedVarintsAreRefused() {
    byte[] six = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
    assertThrows(IllegalArgumentException.class, () -> ByteUtils.readVarint(ByteBuffer.wrap(six)));
    byte[] eleven = new byte[11];
    Arrays.fill(eleven, (byte) 0x80);
    assertThrows(IllegalArgumentException.class, () -> ByteUtils.readVarlong(ByteBuffer.wrap(eleven)));
    byte[] cut = {(byte) 0x80, (byte) 0x80};
    assertThrows(BufferUnderflowException.class, () -> ByteUtils.readVarint(ByteBuffer.wrap(cut)));
    assertThrows(BufferUnderflowException.class, () -> ByteUtils.readVarlong(ByteBuffer.wrap(cut)));
  }

  @Test
  void utf8EncodingIsJavas() {
    String[] samples = {
      "", "plain", "schlüssel", "✓ check", "emoji 😀 pair", "lone \ud800 high", "lone \udc00 low", "end \ud83d"
    };
    for (String s : samples) {
      byte[] expected = s.getBytes(StandardCharsets.UTF_8);
      assertEquals(expected.length, ByteUtils.utf8Length(s), "length of " + s);
      byte[] actual = new byte[expected.length];
      assertEquals(expected.length, ByteUtils.writeUtf8(s, actual, 0));
      assertArrayEquals(expected, actual, s);
    }
  }

  @Test
  void outputStreamGrowsAndHandsOverItsBytes() {
    ByteBufferOutputStream out = new ByteBufferOutputStream(2);
    byte[] data = new byte[1000];
    Arrays.fill(data, (byte) 7);
    out.write(1);
    out.write(data, 0, data.length);
    assertEquals(1001, out.position());
    ByteBuffer bytes = out.toByteBuffer();
    assertEquals(1001, bytes.remaining());
    assertEquals(1, bytes.get(0));
    assertEquals(7, bytes.get(1000));
    assertThrows(IllegalArgumentException.class, () -> out.position(out.capacity() + 1));
  }
}
