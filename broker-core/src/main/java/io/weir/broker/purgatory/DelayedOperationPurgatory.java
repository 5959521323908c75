package io.weir.broker.purgatory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delayed operations watched by key (a partition), as Kafka's purgatory: an operation that cannot
 * complete at once is parked here, with one timer task on a shared single-thread scheduler for its
 * timeout, and is retried whenever an event on one of its keys is reported. No thread waits per
 * operation.
 *
 * <p>An operation completed through one key stays in the lists of its other keys until an event
 * there finds it. A fetch of two partitions answered by data on one would otherwise wait in the
 * other's list for as long as that partition stays idle, holding its request and partial answer:
 * as in Kafka, every {@code purgeInterval} completions the lists are swept.
 *
 * <p>Thread-safe: the watch lists are concurrent; a list is removed only when found empty inside
 * {@link ConcurrentHashMap#compute}, so an add never lands in a dropped list.
 */
public final class DelayedOperationPurgatory<T extends DelayedOperation> {
  /** Kafka's default for {@code fetch.purgatory.purge.interval.requests} and the produce one. */
  private static final int DEFAULT_PURGE_INTERVAL = 1000;

  private final String name;
  private final ScheduledExecutorService timer;
  private final int purgeInterval;
  private final Map<Object, ConcurrentLinkedQueue<T>> watchers = new ConcurrentHashMap<>();
  private final AtomicInteger completedSincePurge = new AtomicInteger();

  public DelayedOperationPurgatory(String name, ScheduledExecutorService timer) {
    this(name, timer, DEFAULT_PURGE_INTERVAL);
  }

  public DelayedOperationPurgatory(String name, ScheduledExecutorService timer, int purgeInterval) {
    this.name = name;
    this.timer = timer;
    this.purgeInterval = purgeInterval;
  }

  /**
   * Completes {@code op} now if it can; otherwise watches it under {@code keys} until an event or
   * its timeout completes it.
   *
   * @return true if it completed within this call
   */
  public boolean tryCompleteElseWatch(T op, List<?> keys) {
    if (op.maybeTryComplete()) {
      return true;
    }
    for (Object key : keys) {
      if (op.isCompleted()) {
        break;
      }
      watchers.compute(
          key,
          (k, list) -> {
            ConcurrentLinkedQueue<T> l = list == null ? new ConcurrentLinkedQueue<>() : list;
            l.add(op);
            return l;
          });
    }
    // An event may have fired between the first check and the watch: check once more.
    if (op.maybeTryComplete()) {
      countCompletions(1);
      return true;
    }
    if (!op.isCompleted()) {
      op.setTimeoutTask(
          timer.schedule(
              () -> {
                op.expire();
                unwatch(op, keys);
              },
              op.delayMs(),
              TimeUnit.MILLISECONDS));
    }
    return false;
  }

  /**
   * Tries every operation watching {@code key}, on the calling thread, dropping completed ones.
   *
   * @return how many this call completed
   */
  public int checkAndComplete(Object key) {
    ConcurrentLinkedQueue<T> list = watchers.get(key);
    if (list == null) {
      return 0;
    }
    int done = 0;
    for (T op : list) {
      if (op.isCompleted()) {
        list.remove(op);
      } else if (op.maybeTryComplete()) {
        list.remove(op);
        done++;
      }
    }
    watchers.computeIfPresent(key, (k, l) -> l.isEmpty() ? null : l);
    countCompletions(done);
    return done;
  }

  /** Counts operations completed while possibly still watched; sweeps every list once enough were. */
  private void countCompletions(int completed) {
    if (completed > 0 && completedSincePurge.addAndGet(completed) >= purgeInterval) {
      completedSincePurge.set(0);
      for (Object key : watchers.keySet()) {
        watchers.computeIfPresent(
            key,
            (k, l) -> {
              l.removeIf(DelayedOperation::isCompleted);
              return l.isEmpty() ? null : l;
            });
      }
    }
  }

  private void unwatch(T op, List<?> keys) {
    for (Object key : keys) {
      watchers.computeIfPresent(
          key,
          (k, l) -> {
            l.remove(op);
            return l.isEmpty() ? null : l;
          });
    }
  }

  /** Operations still watched under any key (completed ones not yet purged count too). */
  public int watched() {
    int n = 0;
    for (ConcurrentLinkedQueue<T> list : watchers.values()) {
      n += list.size();
    }
    return n;
  }

  @Override
  public String toString() {
    return "DelayedOperationPurgatory(" + name + ")";
  }
}
