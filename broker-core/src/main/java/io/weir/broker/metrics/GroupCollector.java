package io.weir.broker.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import io.weir.broker.group.GroupCoordinator;
import io.weir.broker.group.GroupState;
import io.weir.broker.group.GroupSummary;
import io.weir.broker.replica.Partition;
import io.weir.broker.replica.ReplicaManager;
import io.weir.common.TopicPartition;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The group coordinator's groups at scrape time: how many are in each state, and each group's lag
 * on the partitions this broker also leads. Lag on a partition led by another broker is not
 * reported (the coordinator knows the offset, not that leader's high watermark); {@code weir group
 * describe} shows it.
 */
public final class GroupCollector extends Collector {
  private final GroupCoordinator coordinator;
  private final ReplicaManager replicaManager;

  public GroupCollector(GroupCoordinator coordinator, ReplicaManager replicaManager) {
    this.coordinator = coordinator;
    this.replicaManager = replicaManager;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    Map<GroupState, Integer> byState = new EnumMap<>(GroupState.class);
    GaugeMetricFamily lag = new GaugeMetricFamily("weir_group_consumer_lag",
        "High watermark minus the group's committed offset, for groups coordinated here and only on "
            + "partitions whose leader is this broker.",
        List.of("group", "topic", "partition"));
    for (GroupSummary g : coordinator.groupSummaries()) {
      byState.merge(g.state(), 1, Integer::sum);
      for (Map.Entry<TopicPartition, Long> e : g.committedOffsets().entrySet()) {
        Partition p = replicaManager.partition(e.getKey());
        if (p != null && p.state().isLeader()) {
          lag.addMetric(List.of(g.groupId(), e.getKey().topic(), String.valueOf(e.getKey().partition())),
              Math.max(0, p.highWatermark() - e.getValue()));
        }
      }
    }
    GaugeMetricFamily groups = new GaugeMetricFamily("weir_groups",
        "Consumer groups coordinated by this broker, per state.", List.of("state"));
    for (GroupState state : GroupState.values()) {
      if (state != GroupState.DEAD) {
        groups.addMetric(List.of(state.displayName()), byState.getOrDefault(state, 0));
      }
    }
    return List.of(groups, lag);
  }
}
