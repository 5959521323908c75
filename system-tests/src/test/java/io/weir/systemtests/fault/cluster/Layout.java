package io.weir.systemtests.fault.cluster;

import java.util.List;

/** Which nodes a cluster has and what each runs. */
public enum Layout {
  /** Controllers 1-3 and brokers 4-6, each its own process. */
  SPLIT(List.of(1, 2, 3), List.of(4, 5, 6)),
  /** Nodes 1-3, each broker and controller. */
  COMBINED(List.of(1, 2, 3), List.of(1, 2, 3));

  private final List<Integer> controllers;
  private final List<Integer> brokers;

  Layout(List<Integer> controllers, List<Integer> brokers) {
    this.controllers = controllers;
    this.brokers = brokers;
  }

  public List<Integer> controllers() {
    return controllers;
  }

  public List<Integer> brokers() {
    return brokers;
  }

  public List<Integer> nodes() {
    return this == COMBINED ? controllers : List.of(1, 2, 3, 4, 5, 6);
  }

  public boolean isController(int node) {
    return controllers.contains(node);
  }

  public boolean isBroker(int node) {
    return brokers.contains(node);
  }
}
