package io.weir.tools.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LatencySamplesTest {
  @Test
  void percentilesAreKafkasSortedIndex() {
    LatencySamples s = new LatencySamples(1000, 1000);
    for (int v = 1000; v >= 1; v--) {
      s.record(v);
    }
    assertEquals(1000, s.size());
    // element (int) (q * 1000) of 1..1000
    assertArrayEquals(new int[] {1, 501, 951, 991, 1000}, s.percentiles(0, 0.5, 0.95, 0.99, 0.999));
  }

  @Test
  void manyValuesAreSampledEvenlyWithinTheBound() {
    LatencySamples s = new LatencySamples(1_000_000, 500);
    for (int i = 0; i < 1_000_000; i++) {
      s.record(i % 100); // 0..99 repeating: every 2000th value is kept, each of them 0
    }
    assertEquals(500, s.size());
    assertArrayEquals(new int[] {0, 0}, s.percentiles(0.5, 0.999));

    LatencySamples ramp = new LatencySamples(10_000, 100);
    for (int i = 0; i < 10_000; i++) {
      ramp.record(i);
    }
    assertEquals(100, ramp.size());
    assertArrayEquals(new int[] {5000, 9900}, ramp.percentiles(0.5, 0.999)); // values 0, 100, ..., 9900
  }

  @Test
  void moreValuesThanExpectedStayWithinTheArray() {
    LatencySamples s = new LatencySamples(3, 10);
    for (int i = 0; i < 100; i++) {
      s.record(i);
    }
    assertEquals(3, s.size());
    assertArrayEquals(new int[] {2}, s.percentiles(0.9));
  }

  @Test
  void nothingRecordedIsZero() {
    assertArrayEquals(new int[] {0, 0}, new LatencySamples(10, 10).percentiles(0.5, 0.99));
    assertThrows(IllegalArgumentException.class, () -> new LatencySamples(10, 10).percentiles(1.0));
    assertThrows(IllegalArgumentException.class, () -> new LatencySamples(0, 10));
  }
}
