package io.weir.broker.purgatory;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.broker.NamedThreadFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DelayedOperationPurgatoryTest {
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("test-timer"));
  private final DelayedOperationPurgatory<Waiting> purgatory =
      new DelayedOperationPurgatory<>("test", timer);

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  /** Completes once {@code available} reaches its threshold; records the completing thread. */
  static final class Waiting extends DelayedOperation {
    final AtomicInteger available;
    final int needed;
    final AtomicReference<String> completedOn = new AtomicReference<>();
    final AtomicInteger completions = new AtomicInteger();
    volatile boolean expired;

    Waiting(long delayMs, AtomicInteger available, int needed) {
      super(delayMs);
      this.available = available;
      this.needed = needed;
    }

    @Override
    protected boolean tryComplete() {
      return available.get() >= needed && forceComplete();
    }

    @Override
    protected void onComplete() {
      completions.incrementAndGet();
      completedOn.set(Thread.currentThread().getName());
    }

    @Override
    protected void onExpiration() {
      expired = true;
    }
  }

  @Test
  void completesAtOnceWhenAlreadySatisfied() {
    Waiting op = new Waiting(60_000, new AtomicInteger(5), 1);
    assertTrue(purgatory.tryCompleteElseWatch(op, List.of("k")));
    assertEquals(0, purgatory.watched());
    assertEquals(Thread.currentThread().getName(), op.completedOn.get());
  }

  @Test
  void completesOnTheThreadReportingTheEvent() throws Exception {
    AtomicInteger data = new AtomicInteger();
    Waiting op = new Waiting(60_000, data, 3);
    assertFalse(purgatory.tryCompleteElseWatch(op, List.of("k")));
    data.set(2);
    assertEquals(0, purgatory.checkAndComplete("k"));
    assertFalse(op.isCompleted());
    data.set(3);
    Thread appender = new Thread(() -> purgatory.checkAndComplete("k"), "appender");
    appender.start();
    appender.join(10_000);
    assertEquals("appender", op.completedOn.get());
    assertFalse(op.expired);
    assertEquals(0, purgatory.watched());
  }

  @Test
  void expiresOnTheTimerThread() {
    Waiting op = new Waiting(50, new AtomicInteger(), 1);
    assertFalse(purgatory.tryCompleteElseWatch(op, List.of("a", "b")));
    await().atMost(Duration.ofSeconds(10)).until(op::isCompleted);
    assertTrue(op.expired);
    assertTrue(op.completedOn.get().startsWith("test-timer"));
    assertEquals(1, op.completions.get());
    await().atMost(Duration.ofSeconds(10)).until(() -> purgatory.watched() == 0);
  }

  @Test
  void thousandsOfWaitingOperationsHoldNoThreads() {
    int before = Thread.activeCount();
    AtomicInteger data = new AtomicInteger();
    List<Waiting> ops =
        java.util.stream.IntStream.range(0, 5_000).mapToObj(i -> new Waiting(60_000, data, 1)).toList();
    for (Waiting op : ops) {
      purgatory.tryCompleteElseWatch(op, List.of("k"));
    }
    // At most the one timer thread is added, however many operations wait.
    assertTrue(Thread.activeCount() <= before + 1, "threads grew from " + before + " to " + Thread.activeCount());
    data.set(1);
    assertEquals(5_000, purgatory.checkAndComplete("k"));
    assertTrue(ops.stream().allMatch(op -> op.completions.get() == 1 && !op.expired));
  }

  @Test
  void operationsCompletedThroughOneKeyLeaveTheOtherKeysListsAtTheNextPurge() {
    DelayedOperationPurgatory<Waiting> small = new DelayedOperationPurgatory<>("test", timer, 3);
    AtomicInteger data = new AtomicInteger();
    // As a follower's fetch: one busy partition, the others idle, completed by data on the busy one.
    for (int i = 1; i <= 3; i++) {
      data.set(0);
      Waiting op = new Waiting(60_000, data, 1);
      assertFalse(small.tryCompleteElseWatch(op, List.of("busy", "idle-1", "idle-2")));
      data.set(1);
      assertEquals(1, small.checkAndComplete("busy"));
      assertTrue(op.isCompleted());
      if (i < 3) {
        assertEquals(2 * i, small.watched(), "completed operations still sit in the idle partitions' lists");
      }
    }
    assertEquals(0, small.watched(), "the third completion swept the lists");
  }
}
