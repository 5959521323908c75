package io.weir.systemtests.fault.workload;

import io.weir.systemtests.fault.check.History;
import io.weir.systemtests.fault.check.History.ConsumerEvent;
import io.weir.systemtests.fault.check.History.LogEntry;
import io.weir.systemtests.fault.check.History.Send;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Collects a run's history from the producer callbacks and consumer threads; thread-safe. */
public final class Recorder {
  private final List<Send> sends = new ArrayList<>(); // guarded by this
  private final List<ConsumerEvent> consumerEvents = new ArrayList<>(); // guarded by this
  private final AtomicLong commitOrder = new AtomicLong();

  public synchronized void send(Send s) {
    sends.add(s);
  }

  public synchronized void consumer(ConsumerEvent e) {
    consumerEvents.add(e);
  }

  /** The next position in the run's order of accepted commits. */
  public long nextCommitOrder() {
    return commitOrder.incrementAndGet();
  }

  public synchronized int acknowledged() {
    return (int) sends.stream().filter(s -> s.outcome() == History.Outcome.ACKED).count();
  }

  public synchronized History history(Map<String, List<LogEntry>> finalLog) {
    return new History(new ArrayList<>(sends), new ArrayList<>(consumerEvents), finalLog);
  }
}
