package io.weir.client.consumer.assignor;

import io.weir.common.TopicPartition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka's cooperative-sticky assignor: the sticky assignment, minus every partition that changes
 * owner. Its owner sees it missing and revokes it; the member rejoins and the follow-up rebalance
 * hands it to its new owner. Members never stop consuming partitions that stay theirs.
 */
public final class CooperativeStickyAssignor extends StickyAssignor {
  @Override
  public String name() {
    return "cooperative-sticky";
  }

  @Override
  public List<RebalanceProtocol> supportedProtocols() {
    return List.of(RebalanceProtocol.COOPERATIVE, RebalanceProtocol.EAGER);
  }

  @Override
  public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
    Map<String, List<TopicPartition>> out = super.assign(partitionsPerTopic, subscriptions);
    Map<TopicPartition, String> owners = new HashMap<>();
    subscriptions.forEach((m, s) -> s.ownedPartitions().forEach(tp -> owners.putIfAbsent(tp, m)));
    out.forEach((m, partitions) -> partitions.removeIf(tp -> owners.containsKey(tp) && !owners.get(tp).equals(m)));
    return out;
  }
}
