package io.weir.client.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.client.common.errors.SerializationException;
import io.weir.client.common.serialization.ByteArrayDeserializer;
import io.weir.client.common.serialization.ByteArraySerializer;
import io.weir.client.common.serialization.DoubleDeserializer;
import io.weir.client.common.serialization.DoubleSerializer;
import io.weir.client.common.serialization.IntegerDeserializer;
import io.weir.client.common.serialization.IntegerSerializer;
import io.weir.client.common.serialization.LongDeserializer;
import io.weir.client.common.serialization.LongSerializer;
import io.weir.client.common.serialization.StringDeserializer;
import io.weir.client.common.serialization.StringSerializer;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class SerializationTest {
  @Test
  void roundTripsAndMatchesKafkasBytes() {
    for (String s : List.of("", "plain", "\u00e9t\u00e9 \u4e2d\u6587 \ud83d\ude00")) {
      byte[] bytes = new StringSerializer().serialize("t", s);
      assertArrayEquals(new org.apache.kafka.common.serialization.StringSerializer().serialize("t", s), bytes);
      assertEquals(s, new StringDeserializer().deserialize("t", bytes));
    }
    for (int i : new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 123456789}) {
      byte[] bytes = new IntegerSerializer().serialize("t", i);
      assertArrayEquals(new org.apache.kafka.common.serialization.IntegerSerializer().serialize("t", i), bytes);
      assertEquals(i, new IntegerDeserializer().deserialize("t", bytes));
    }
    for (long l : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1234567890123L}) {
      byte[] bytes = new LongSerializer().serialize("t", l);
      assertArrayEquals(new org.apache.kafka.common.serialization.LongSerializer().serialize("t", l), bytes);
      assertEquals(l, new LongDeserializer().deserialize("t", bytes));
    }
    for (double d : new double[] {0.0, -1.5, Double.NaN, Double.MAX_VALUE}) {
      byte[] bytes = new DoubleSerializer().serialize("t", d);
      assertArrayEquals(new org.apache.kafka.common.serialization.DoubleSerializer().serialize("t", d), bytes);
      assertEquals(d, new DoubleDeserializer().deserialize("t", bytes));
    }
    byte[] raw = {1, 2, 3};
    assertArrayEquals(raw, new ByteArrayDeserializer().deserialize("t", new ByteArraySerializer().serialize("t", raw)));
  }

  @Test
  void nullStaysNull() {
    assertNull(new StringSerializer().serialize("t", null));
    assertNull(new IntegerSerializer().serialize("t", null));
    assertNull(new LongDeserializer().deserialize("t", null));
    assertNull(new StringDeserializer().deserialize("t", List.of(), (ByteBuffer) null));
  }

  @Test
  void wrongSizesAreRejectedNamingTheTopic() {
    SerializationException e = assertThrows(SerializationException.class, () -> new IntegerDeserializer().deserialize("orders", new byte[3]));
    assertTrue(e.getMessage().contains("orders") && e.getMessage().contains("3"), e.getMessage());
    assertThrows(SerializationException.class, () -> new LongDeserializer().deserialize("t", new byte[4]));
  }

  @Test
  void byteBufferDeserializationReadsWithoutMovingTheBuffer() {
    ByteBuffer buf = ByteBuffer.wrap("xxhello".getBytes()).position(2);
    assertEquals("hello", new StringDeserializer().deserialize("t", List.of(), buf));
    assertEquals(2, buf.position());
  }
}
