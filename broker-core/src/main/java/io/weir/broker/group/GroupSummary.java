package io.weir.broker.group;

import io.weir.common.TopicPartition;
import java.util.Map;

/**
 * A group coordinated here as of one moment, for metrics.
 *
 * @param committedOffsets the group's committed offset per partition
 */
public record GroupSummary(String groupId, GroupState state, Map<TopicPartition, Long> committedOffsets) {
  public GroupSummary {
    committedOffsets = Map.copyOf(committedOffsets);
  }
}
