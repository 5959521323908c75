package io.weir.common.utils;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Murmur2Test {

  /** Reference values published with Kafka's own tests of its partitioner hash. */
  @Test
  void matchesKafkasPublishedVectors() {
    assertEquals(-973932308, hash("21"));
    assertEquals(-790332482, hash("foobar"));
    assertEquals(-985981536, hash("a-little-bit-long-string"));
    assertEquals(-1486304829, hash("a-little-bit-longer-string"));
    assertEquals(-58897971, hash("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"));
    assertEquals(479470107, Murmur2.murmur2(new byte[] {'a', 'b', 'c'}));
  }

  @Test
  void toPositiveClearsOnlyTheSignBit() {
    assertEquals(0, Murmur2.toPositive(Integer.MIN_VALUE));
    assertEquals(Integer.MAX_VALUE, Murmur2.toPositive(-1));
    assertEquals(5, Murmur2.toPositive(5));
  }

  @Test
  void partitionIsInRangeForNegativeHashes() {
    byte[] key = "21".getBytes(StandardCharsets.UTF_8); // hashes negative
    assertTrue(Murmur2.murmur2(key) < 0);
    for (int n = 1; n <= 64; n++) {
      int p = Murmur2.partition(key, n);
      assertTrue(p >= 0 && p < n, "partition " + p + " of " + n);
    }
    assertThrows(IllegalArgumentException.class, () -> Murmur2.partition(key, 0));
  }

  private static int hash(String s) {
    return Murmur2.murmur2(s.getBytes(StandardCharsets.UTF_8));
  }
}
