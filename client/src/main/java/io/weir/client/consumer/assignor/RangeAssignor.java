package io.weir.client.consumer.assignor;

import io.weir.common.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Kafka's range assignor: per topic, the members subscribed to it (by member id) take consecutive
 * ranges; the first {@code partitions % members} take one more.
 */
public final class RangeAssignor extends AbstractPartitionAssignor {
  @Override
  public String name() {
    return "range";
  }

  @Override
  public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
    Map<String, List<TopicPartition>> out = emptyAssignment(subscriptions);
    TreeSet<String> topics = new TreeSet<>();
    subscriptions.values().forEach(s -> topics.addAll(s.topics()));
    for (String topic : topics) {
      List<String> members = subscriptions.entrySet().stream()
          .filter(e -> e.getValue().topics().contains(topic)).map(Map.Entry::getKey).sorted().toList();
      int partitions = partitionsPerTopic.getOrDefault(topic, 0);
      int each = partitions / members.size();
      int extra = partitions % members.size();
      for (int i = 0; i < members.size(); i++) {
        int start = each * i + Math.min(i, extra);
        int length = each + (i < extra ? 1 : 0);
        for (int p = start; p < start + length; p++) {
          out.get(members.get(i)).add(new TopicPartition(topic, p));
        }
      }
    }
    return out;
  }
}
