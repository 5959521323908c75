package io.weir.storage.log;

import static io.weir.storage.log.TestRecords.keyed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.common.record.RecordBatch;
import io.weir.storage.log.LogConfig.CleanupPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer, one reader, and compaction plus retention swapping segments under both. */
class LogConcurrencyTest {
  @TempDir Path tmp;

  @Test
  void readsStayConsistentWhileSegmentsAreCompactedAndDeleted() throws Exception {
    AtomicLong clock = new AtomicLong(1_000_000L);
    LogConfig config =
        LogConfig.defaults()
            .withSegmentBytes(2048)
            .withIndex(200, 4096)
            .withCleanupPolicy(CleanupPolicy.COMPACT_DELETE, 0)
            .withRetention(-1, 40_000);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong batchesRead = new AtomicLong();
    try (Log log = Log.open(tmp.resolve("busy-0"), config, clock::get)) {
      Thread writer =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 3000; i++) {
                    log.appendAsLeader(keyed(clock.get(), "k" + i % 50, "v" + i), 1);
                  }
                } catch (Throwable t) {
                  failures.add(t);
                } finally {
                  writing.set(false);
                }
              });
      Thread reader =
          new Thread(
              () -> {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (writing.get() && System.nanoTime() < deadline) {
                  long from = log.logStartOffset();
                  try {
                    FetchDataInfo info = log.read(from, 8192, Long.MAX_VALUE, true);
                    long previous = -1;
                    for (RecordBatch b : info.records().toMemoryRecords()) {
                      b.validate();
                      assertTrue(b.baseOffset() > previous, "offsets increase");
                      previous = b.lastOffset();
                      batchesRead.incrementAndGet();
                    }
                  } catch (OffsetOutOfRangeException e) {
                    // Retention moved the start between reading it and reading from it.
                  } catch (IOException e) {
                    // The slice's segment was swapped or deleted before it was consumed: a
                    // fetch retries, and so does this loop.
                  } catch (Throwable t) {
                    failures.add(t);
                    return;
                  }
                }
              });
      writer.start();
      reader.start();
      LogCleaner cleaner = new LogCleaner();
      long deadline = System.nanoTime() + 60_000_000_000L;
      int passes = 0;
      while (writing.get() && System.nanoTime() < deadline) {
        cleaner.clean(log, log.logEndOffset());
        log.deleteOldSegments();
        passes++;
      }
      writer.join(60_000);
      reader.join(60_000);
      assertFalse(writer.isAlive() || reader.isAlive(), "threads finished");
      assertEquals(List.of(), failures);
      assertFalse(log.isOffline());
      assertEquals(3000, log.logEndOffset());
      assertTrue(passes > 0 && batchesRead.get() > 0, passes + " passes, " + batchesRead + " read");
      // Whatever survived is whole and in order.
      List<io.weir.common.record.Record> left = TestRecords.readAll(log);
      for (int i = 1; i < left.size(); i++) {
        assertTrue(left.get(i).offset() > left.get(i - 1).offset());
      }
    }
  }
}
