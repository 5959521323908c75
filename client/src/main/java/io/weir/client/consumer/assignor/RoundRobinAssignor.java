package io.weir.client.consumer.assignor;

import io.weir.common.TopicPartition;
import java.util.List;
import java.util.Map;

/**
 * Kafka's round-robin assignor: all partitions in topic-partition order dealt to the members in
 * member-id order, skipping members not subscribed to the partition's topic.
 */
public final class RoundRobinAssignor extends AbstractPartitionAssignor {
  @Override
  public String name() {
    return "roundrobin";
  }

  @Override
  public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
    Map<String, List<TopicPartition>> out = emptyAssignment(subscriptions);
    List<String> members = List.copyOf(out.keySet());
    int next = 0;
    for (TopicPartition tp : allPartitions(partitionsPerTopic, subscriptions)) {
      for (int tried = 0; tried < members.size(); tried++) {
        String m = members.get(next);
        next = (next + 1) % members.size();
        if (subscriptions.get(m).topics().contains(tp.topic())) {
          out.get(m).add(tp);
          break;
        }
      }
    }
    return out;
  }
}
