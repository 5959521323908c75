package io.weir.systemtests.fault.proxy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntBiFunction;

/**
 * The network faults in force between nodes, shared by every {@link FaultProxy}. Node 0 stands for
 * the test's own clients. A link is directed: {@code from} is the node whose bytes travel.
 *
 * <ul>
 *   <li>cut: existing connections between the two nodes close and new ones are refused, both ways;
 *   <li>block: bytes from one node to the other stop flowing (held, not dropped: TCP sees a silent
 *       peer, as with lost packets) while the other direction flows;
 *   <li>delay: each chunk of bytes on the link waits before it is forwarded.
 * </ul>
 */
public final class LinkRules {
  public record Link(int from, int to) {}

  // Guarded by this: the rules; pumps wait on this monitor for a block to lift.
  private final Set<Link> cut = new HashSet<>();
  private final Set<Link> blocked = new HashSet<>();
  private final Map<Link, Long> delayMs = new HashMap<>();
  private final List<ToIntBiFunction<Integer, Integer>> cutListeners = new CopyOnWriteArrayList<>();

  /** Called with both nodes of every new cut, so proxies close the connections between them. */
  void onCut(ToIntBiFunction<Integer, Integer> listener) {
    cutListeners.add(listener);
  }

  /** Cuts the link both ways; returns how many open connections it closed. */
  public int cut(int a, int b) {
    synchronized (this) {
      cut.add(new Link(a, b));
      cut.add(new Link(b, a));
      notifyAll();
    }
    return cutListeners.stream().mapToInt(l -> l.applyAsInt(a, b)).sum();
  }

  public synchronized void block(int from, int to) {
    blocked.add(new Link(from, to));
  }

  public synchronized void delay(int from, int to, long ms) {
    delayMs.put(new Link(from, to), ms);
  }

  /** Lifts every fault. */
  public synchronized void heal() {
    cut.clear();
    blocked.clear();
    delayMs.clear();
    notifyAll();
  }

  public synchronized boolean isCut(int from, int to) {
    return cut.contains(new Link(from, to));
  }

  /**
   * Waits while bytes from {@code from} to {@code to} may not flow, then waits out the link's delay.
   * Returns false when the link is cut or {@code open} turned false meanwhile.
   */
  synchronized boolean awaitPassage(int from, int to, BooleanSupplier open)
      throws InterruptedException {
    Link link = new Link(from, to);
    while (blocked.contains(link) && !cut.contains(link) && open.getAsBoolean()) {
      wait(100);
    }
    long delay = delayMs.getOrDefault(link, 0L);
    if (delay > 0) {
      long until = System.nanoTime() + delay * 1_000_000;
      for (long left = delay; left > 0 && open.getAsBoolean(); left = (until - System.nanoTime()) / 1_000_000) {
        wait(left);
      }
    }
    return !cut.contains(link) && open.getAsBoolean();
  }
}
