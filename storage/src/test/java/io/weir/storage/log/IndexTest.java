package io.weir.storage.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexTest {
  @TempDir Path tmp;

  @Test
  void offsetIndexLooksUpTheGreatestEntryAtOrBelow() throws Exception {
    OffsetIndex index = new OffsetIndex(tmp.resolve("a.index"), 100, 1024);
    assertEquals(new OffsetIndex.Entry(100, 0), index.lookup(150));
    for (int i = 1; i <= 10; i++) {
      index.append(100 + 10L * i, 1000 * i);
    }
    assertEquals(new OffsetIndex.Entry(100, 0), index.lookup(105));
    assertEquals(new OffsetIndex.Entry(110, 1000), index.lookup(110));
    assertEquals(new OffsetIndex.Entry(150, 5000), index.lookup(159));
    assertEquals(new OffsetIndex.Entry(200, 10000), index.lookup(1_000_000));
    index.close();
  }

  @Test
  void offsetIndexRejectsEntriesThatDoNotIncrease() throws Exception {
    OffsetIndex index = new OffsetIndex(tmp.resolve("a.index"), 0, 1024);
    index.append(5, 100);
    assertThrows(IllegalStateException.class, () -> index.append(5, 200));
    assertThrows(IllegalStateException.class, () -> index.append(6, 100));
    assertThrows(IllegalStateException.class, () -> index.append(-1L + Integer.MAX_VALUE + 2, 300));
    index.close();
  }

  @Test
  void offsetIndexTruncatesAndIsFullAtItsSize() throws Exception {
    OffsetIndex index = new OffsetIndex(tmp.resolve("a.index"), 0, 8 * 4);
    for (int i = 1; i <= 4; i++) {
      index.append(i * 10L, i * 10);
    }
    assertTrue(index.isFull());
    assertThrows(IllegalStateException.class, () -> index.append(50, 50));
    index.truncateTo(30);
    assertEquals(2, index.entries());
    assertEquals(new OffsetIndex.Entry(20, 20), index.lastEntry());
    index.close();
  }

  @Test
  void closedIndexIsTrimmedAndReopensWithItsEntries() throws Exception {
    Path file = tmp.resolve("b.index");
    OffsetIndex index = new OffsetIndex(file, 7, 4096);
    assertEquals(4096, Files.size(file));
    index.append(8, 10);
    index.append(9, 20);
    index.close();
    assertEquals(16, Files.size(file));
    OffsetIndex reopened = new OffsetIndex(file, 7, 4096);
    assertEquals(2, reopened.entries());
    assertEquals(new OffsetIndex.Entry(9, 20), reopened.lookup(100));
    reopened.sanityCheck(21);
    assertThrows(IllegalStateException.class, () -> reopened.sanityCheck(20));
    reopened.close();
  }

  @Test
  void timeIndexKeepsTimestampsIncreasing() throws Exception {
    TimeIndex index = new TimeIndex(tmp.resolve("a.timeindex"), 50, 1200);
    assertNull(index.lookup(10));
    index.maybeAppend(1000, 55);
    index.maybeAppend(1000, 57); // not larger: skipped
    index.maybeAppend(900, 58); // older: skipped
    index.maybeAppend(2000, 60);
    assertEquals(2, index.entries());
    assertNull(index.lookup(999));
    assertEquals(new TimeIndex.Entry(1000, 55), index.lookup(1500));
    assertEquals(new TimeIndex.Entry(2000, 60), index.lookup(2000));
    index.truncateTo(60);
    assertEquals(new TimeIndex.Entry(1000, 55), index.lastEntry());
    index.close();
  }

  @Test
  void sanityCheckRejectsAPartialEntry() throws Exception {
    Path file = tmp.resolve("c.timeindex");
    Files.write(file, new byte[13]);
    TimeIndex index = new TimeIndex(file, 0, 1200);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> index.sanityCheck(100));
    assertTrue(e.getMessage().contains("whole number"), e.getMessage());
  }
}
