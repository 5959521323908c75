package io.weir.systemtests.fault;

import io.weir.systemtests.fault.cluster.ProcessCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a {@link FaultSchedule} acts on: the cluster, the seeded random source that picks targets
 * and timings, the end of the fault phase, and the log of steps taken (for the report). Used by the
 * test thread only.
 */
public final class FaultContext {
  private final ProcessCluster cluster;
  private final Random random;
  private final Duration faultPhase;
  private long deadlineNanos; // set when the fault phase begins
  private final String topic;
  private final String group;
  private final CountDownLatch aborted = new CountDownLatch(1);
  private final long startNanos = System.nanoTime();
  private final List<String> steps = new ArrayList<>();
  private String livenessFailure; // the first one; the run goes on to check safety

  FaultContext(ProcessCluster cluster, long seed, Duration faultPhase, String topic, String group) {
    this.cluster = cluster;
    this.random = new Random(seed);
    this.faultPhase = faultPhase;
    this.deadlineNanos = startNanos + faultPhase.toNanos();
    this.topic = topic;
    this.group = group;
  }

  public ProcessCluster cluster() {
    return cluster;
  }

  public Random random() {
    return random;
  }

  public String topic() {
    return topic;
  }

  public String group() {
    return group;
  }

  /** Starts the fault phase's clock (the workload is up). */
  void beginFaultPhase() {
    deadlineNanos = System.nanoTime() + faultPhase.toNanos();
  }

  public boolean timeLeft() {
    return System.nanoTime() < deadlineNanos && aborted.getCount() > 0;
  }

  /** Ends the schedule early (the workload broke). */
  void abort() {
    aborted.countDown();
  }

  /** A random duration in [min, max] milliseconds. */
  public Duration between(long minMs, long maxMs) {
    return Duration.ofMillis(minMs + (long) (random.nextDouble() * (maxMs - minMs)));
  }

  /** Keeps a fault in force (or the cluster quiet) for {@code d}, returning early if the run aborts. */
  public void hold(Duration d) {
    try {
      aborted.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }

  /** Records that the cluster did not recover in time; ends the fault phase. */
  void livenessFailure(String message) {
    step("LIVENESS FAILURE: " + message);
    if (livenessFailure == null) {
      livenessFailure = message;
    }
    abort();
  }

  String livenessFailure() {
    return livenessFailure;
  }

  public void step(String what) {
    steps.add(String.format("%6.1fs %s", (System.nanoTime() - startNanos) / 1e9, what));
  }

  List<String> steps() {
    return List.copyOf(steps);
  }
}
