package io.weir.client.consumer.assignor;

import io.weir.common.TopicPartition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kafka's sticky assignor: as balanced as round-robin, but members keep what they own where
 * balance allows. Ownership claimed by two members (a zombie's stale view) goes to the claim of
 * the higher generation.
 */
public class StickyAssignor extends AbstractPartitionAssignor {
  @Override
  public String name() {
    return "sticky";
  }

  @Override
  public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
    Map<String, List<TopicPartition>> out = emptyAssignment(subscriptions);
    List<TopicPartition> all = allPartitions(partitionsPerTopic, subscriptions);
    Set<TopicPartition> existing = new HashSet<>(all);
    Map<TopicPartition, String> owner = new HashMap<>();
    Map<TopicPartition, Integer> ownerGeneration = new HashMap<>();
    for (String m : out.keySet()) {
      Subscription s = subscriptions.get(m);
      for (TopicPartition tp : s.ownedPartitions()) {
        if (existing.contains(tp) && s.topics().contains(tp.topic())
            && s.generation() > ownerGeneration.getOrDefault(tp, Integer.MIN_VALUE)) {
          owner.put(tp, m);
          ownerGeneration.put(tp, s.generation());
        }
      }
    }
    owner.forEach((tp, m) -> out.get(m).add(tp));
    out.values().forEach(l -> l.sort(PARTITION_ORDER));

    // Members keep at most their quota: floor(P/M), or one more for the first P%M that have it.
    int members = out.size();
    int min = all.size() / members;
    int maxSlots = all.size() % members;
    List<TopicPartition> unassigned = new ArrayList<>();
    Set<TopicPartition> kept = new HashSet<>();
    List<String> bySize = new ArrayList<>(out.keySet());
    bySize.sort(Comparator.comparingInt((String m) -> -out.get(m).size()).thenComparing(m -> m));
    for (String m : bySize) {
      List<TopicPartition> owned = out.get(m);
      int quota = min;
      if (owned.size() > min && maxSlots > 0) {
        quota = min + 1;
        maxSlots--;
      }
      while (owned.size() > quota) {
        unassigned.add(owned.remove(owned.size() - 1));
      }
      kept.addAll(owned);
    }
    for (TopicPartition tp : all) {
      if (!kept.contains(tp) && !unassigned.contains(tp)) {
        unassigned.add(tp);
      }
    }
    unassigned.sort(PARTITION_ORDER);
    for (TopicPartition tp : unassigned) {
      out.keySet().stream()
          .filter(m -> subscriptions.get(m).topics().contains(tp.topic()))
          .min(Comparator.comparingInt((String m) -> out.get(m).size()).thenComparing(m -> m))
          .ifPresent(m -> out.get(m).add(tp));
    }
    return out;
  }
}
