package io.weir.broker.purgatory;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request waiting for an event (high watermark advance, new data) or its timeout, as Kafka's
 * DelayedOperation. It holds no thread: whoever causes the event calls {@link
 * DelayedOperationPurgatory#checkAndComplete}, which runs {@link #tryComplete} on that caller's
 * thread; the purgatory's single timer thread runs the expiry.
 *
 * <p>Exactly one of the competing completions wins ({@link #forceComplete}'s compare-and-set), and
 * {@link #onComplete} runs once, on the winner's thread.
 */
public abstract class DelayedOperation {
  private final long delayMs;
  private final AtomicBoolean completed = new AtomicBoolean();
  private final ReentrantLock lock = new ReentrantLock(); // serialises tryComplete and expiry
  private volatile ScheduledFuture<?> timeoutTask; // set once by the purgatory

  protected DelayedOperation(long delayMs) {
    this.delayMs = delayMs;
  }

  public long delayMs() {
    return delayMs;
  }

  /** Checks whether the operation can complete now and, if so, calls {@link #forceComplete}. */
  protected abstract boolean tryComplete();

  /** Sends the response; runs exactly once. */
  protected abstract void onComplete();

  /** Called after {@link #onComplete} when the completion was the timeout's. */
  protected void onExpiration() {}

  /** Completes the operation unless another completion won; true if this call completed it. */
  public final boolean forceComplete() {
    if (!completed.compareAndSet(false, true)) {
      return false;
    }
    ScheduledFuture<?> task = timeoutTask;
    if (task != null) {
      task.cancel(false);
    }
    onComplete();
    return true;
  }

  public final boolean isCompleted() {
    return completed.get();
  }

  final boolean maybeTryComplete() {
    lock.lock();
    try {
      return !isCompleted() && tryComplete();
    } finally {
      lock.unlock();
    }
  }

  final void setTimeoutTask(ScheduledFuture<?> task) {
    timeoutTask = task;
    if (isCompleted()) {
      task.cancel(false); // completed between the watch and the schedule
    }
  }

  final void expire() {
    lock.lock(); // so onComplete never races a tryComplete that is updating the operation's state
    try {
      if (forceComplete()) {
        onExpiration();
      }
    } finally {
      lock.unlock();
    }
  }
}
