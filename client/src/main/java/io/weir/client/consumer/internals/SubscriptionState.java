package io.weir.client.consumer.internals;

import io.weir.client.consumer.OffsetResetStrategy;
import io.weir.common.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The consumer's assigned partitions and, per partition, the fetch position, a pending offset reset,
 * the paused flag and the preferred read replica (Kafka's {@code SubscriptionState}).
 *
 * <p>Seam for group management: a {@code ConsumerCoordinator} changes the assignment through {@link
 * #assign} (after its revocation callbacks) and initialises positions of partitions in {@link
 * #partitionsNeedingPosition()} from committed offsets before the consumer falls back to {@code
 * auto.offset.reset}; {@link #allConsumed()} gives what it commits.
 *
 * <p>Owned by the consumer's application thread (the consumer rejects concurrent access).
 */
public final class SubscriptionState {
  /** Per-partition state; owned like its container. */
  static final class PartitionState {
    Long position; // null until initialised
    OffsetResetStrategy resetStrategy; // non-null while a reset is pending
    boolean paused;
    int preferredReadReplica = -1;
    long preferredReadReplicaExpiresMs;
  }

  private final OffsetResetStrategy defaultResetStrategy;
  private final Map<TopicPartition, PartitionState> assignment = new LinkedHashMap<>();

  public SubscriptionState(OffsetResetStrategy defaultResetStrategy) {
    this.defaultResetStrategy = defaultResetStrategy;
  }

  /** Replaces the assignment; kept partitions keep their positions. Returns true if it changed. */
  public boolean assign(Collection<TopicPartition> partitions) {
    Set<TopicPartition> wanted = new LinkedHashSet<>(partitions);
    if (wanted.equals(assignment.keySet())) {
      return false;
    }
    assignment.keySet().retainAll(wanted);
    for (TopicPartition tp : wanted) {
      assignment.computeIfAbsent(tp, k -> new PartitionState());
    }
    return true;
  }

  public Set<TopicPartition> assignedPartitions() {
    return Set.copyOf(assignment.keySet());
  }

  public boolean isAssigned(TopicPartition tp) {
    return assignment.containsKey(tp);
  }

  private PartitionState state(TopicPartition tp) {
    PartitionState s = assignment.get(tp);
    if (s == null) {
      throw new IllegalStateException("No current assignment for partition " + tp);
    }
    return s;
  }

  public void seek(TopicPartition tp, long offset) {
    PartitionState s = state(tp);
    s.position = offset;
    s.resetStrategy = null;
  }

  public Long position(TopicPartition tp) {
    return state(tp).position;
  }

  /** Sets the position after records were handed to the application (or a batch was skipped). */
  public void advance(TopicPartition tp, long nextOffset) {
    PartitionState s = assignment.get(tp);
    if (s != null && s.resetStrategy == null) {
      s.position = nextOffset;
    }
  }

  public void requestReset(TopicPartition tp, OffsetResetStrategy strategy) {
    PartitionState s = state(tp);
    s.resetStrategy = strategy;
    s.position = null;
  }

  /** Partitions with neither a position nor a pending reset. */
  public List<TopicPartition> partitionsNeedingPosition() {
    List<TopicPartition> out = new ArrayList<>();
    assignment.forEach((tp, s) -> {
      if (s.position == null && s.resetStrategy == null) {
        out.add(tp);
      }
    });
    return out;
  }

  /** Gives partitions without a position the default {@code auto.offset.reset} strategy. */
  public void resetMissingPositions() {
    assignment.values().forEach(s -> {
      if (s.position == null && s.resetStrategy == null) {
        s.resetStrategy = defaultResetStrategy;
      }
    });
  }

  public OffsetResetStrategy defaultResetStrategy() {
    return defaultResetStrategy;
  }

  public Map<TopicPartition, OffsetResetStrategy> partitionsNeedingReset() {
    Map<TopicPartition, OffsetResetStrategy> out = new LinkedHashMap<>();
    assignment.forEach((tp, s) -> {
      if (s.resetStrategy != null) {
        out.put(tp, s.resetStrategy);
      }
    });
    return out;
  }

  /** Completes a reset unless the application seeked meanwhile. */
  public void completeReset(TopicPartition tp, OffsetResetStrategy strategy, long offset) {
    PartitionState s = assignment.get(tp);
    if (s != null && s.resetStrategy == strategy) {
      s.position = offset;
      s.resetStrategy = null;
    }
  }

  public boolean isFetchable(TopicPartition tp) {
    PartitionState s = assignment.get(tp);
    return s != null && !s.paused && s.position != null && s.resetStrategy == null;
  }

  public List<TopicPartition> fetchablePartitions() {
    List<TopicPartition> out = new ArrayList<>();
    assignment.forEach((tp, s) -> {
      if (!s.paused && s.position != null && s.resetStrategy == null) {
        out.add(tp);
      }
    });
    return out;
  }

  public void pause(TopicPartition tp) {
    state(tp).paused = true;
  }

  public void resume(TopicPartition tp) {
    state(tp).paused = false;
  }

  public boolean isPaused(TopicPartition tp) {
    PartitionState s = assignment.get(tp);
    return s != null && s.paused;
  }

  public Set<TopicPartition> pausedPartitions() {
    Set<TopicPartition> out = new LinkedHashSet<>();
    assignment.forEach((tp, s) -> {
      if (s.paused) {
        out.add(tp);
      }
    });
    return out;
  }

  /** The replica to fetch from instead of the leader (client.rack), or -1. */
  public int preferredReadReplica(TopicPartition tp, long nowMs) {
    PartitionState s = assignment.get(tp);
    if (s == null || s.preferredReadReplica < 0 || nowMs >= s.preferredReadReplicaExpiresMs) {
      return -1;
    }
    return s.preferredReadReplica;
  }

  public void updatePreferredReadReplica(TopicPartition tp, int replica, long expiresMs) {
    PartitionState s = assignment.get(tp);
    if (s != null) {
      s.preferredReadReplica = replica;
      s.preferredReadReplicaExpiresMs = expiresMs;
    }
  }

  public void clearPreferredReadReplica(TopicPartition tp) {
    updatePreferredReadReplica(tp, -1, 0);
  }

  /** Positions of partitions that have one: what a coordinator would commit. */
  public Map<TopicPartition, Long> allConsumed() {
    Map<TopicPartition, Long> out = new LinkedHashMap<>();
    assignment.forEach((tp, s) -> {
      if (s.position != null) {
        out.put(tp, s.position);
      }
    });
    return out;
  }
}
