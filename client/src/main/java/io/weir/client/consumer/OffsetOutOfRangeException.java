package io.weir.client.consumer;

import io.weir.client.common.errors.WeirException;
import io.weir.common.TopicPartition;
import java.util.Map;

/** The fetch position is outside the log and {@code auto.offset.reset} is {@code none}. */
public class OffsetOutOfRangeException extends WeirException {
  private final Map<TopicPartition, Long> offsetOutOfRangePartitions;

  public OffsetOutOfRangeException(Map<TopicPartition, Long> partitions) {
    super("Fetch position is out of range with no configured reset policy for partitions: " + partitions);
    this.offsetOutOfRangePartitions = Map.copyOf(partitions);
  }

  public Map<TopicPartition, Long> offsetOutOfRangePartitions() {
    return offsetOutOfRangePartitions;
  }
}
