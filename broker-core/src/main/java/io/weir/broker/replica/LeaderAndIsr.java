package io.weir.broker.replica;

import java.util.List;
import java.util.Set;

/**
 * A partition's role as the latest applied metadata (and accepted ISR changes) define it.
 *
 * @param leader the leader's broker id, -1 if none
 * @param isr the committed ISR
 * @param pendingIsr the ISR proposed to the controller and not yet answered, or null
 */
public record LeaderAndIsr(
    boolean isLeader,
    int leader,
    int leaderEpoch,
    int partitionEpoch,
    List<Integer> replicas,
    Set<Integer> isr,
    Set<Integer> pendingIsr) {

  static final LeaderAndIsr NONE = new LeaderAndIsr(false, -1, -1, -1, List.of(), Set.of(), null);

  /** The ISR counted for the high watermark while a change is in flight: the larger of the two. */
  boolean inMaximalIsr(int replica) {
    return isr.contains(replica) || pendingIsr != null && pendingIsr.contains(replica);
  }
}
