package io.weir.broker.group;

import java.util.EnumSet;
import java.util.Set;

/** Kafka's classic group states; each lists the states it may be entered from. */
public enum GroupState {
  EMPTY("Empty"),
  PREPARING_REBALANCE("PreparingRebalance"),
  COMPLETING_REBALANCE("CompletingRebalance"),
  STABLE("Stable"),
  DEAD("Dead");

  private final String displayName;

  GroupState(String displayName) {
    this.displayName = displayName;
  }

  public String displayName() {
    return displayName;
  }

  Set<GroupState> validPrevious() {
    return switch (this) {
      case EMPTY -> EnumSet.of(PREPARING_REBALANCE);
      case PREPARING_REBALANCE -> EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
      case COMPLETING_REBALANCE -> EnumSet.of(PREPARING_REBALANCE);
      case STABLE -> EnumSet.of(COMPLETING_REBALANCE);
      case DEAD -> EnumSet.of(STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE, EMPTY, DEAD);
    };
  }
}
