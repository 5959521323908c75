package io.weir.tools.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ThrottleTest {
  private static final long MS = 1_000_000;

  @Test
  void eachRecordIsDueAtItsSlotOnAnAbsoluteSchedule() {
    Throttle t = new Throttle(1000, 5 * MS);
    assertEquals(0, t.delayNanos(0, 5 * MS));
    assertEquals(500 * MS, t.delayNanos(500, 5 * MS));
    assertEquals(100 * MS, t.delayNanos(500, 405 * MS));
    assertEquals(0, t.delayNanos(500, 600 * MS)); // behind schedule: no wait until caught up
  }

  @Test
  void negativeIsUnlimitedAndZeroIsRefused() {
    assertEquals(0, new Throttle(-1, 0).delayNanos(1_000_000, 0));
    assertThrows(IllegalArgumentException.class, () -> new Throttle(0, 0));
  }
}
