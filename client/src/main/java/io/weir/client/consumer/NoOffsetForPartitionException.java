package io.weir.client.consumer;

import io.weir.client.common.errors.WeirException;
import io.weir.common.TopicPartition;
import java.util.Set;

/** A partition has no position and {@code auto.offset.reset} is {@code none}. */
public class NoOffsetForPartitionException extends WeirException {
  private final Set<TopicPartition> partitions;

  public NoOffsetForPartitionException(Set<TopicPartition> partitions) {
    super("Undefined offset with no reset policy for partitions: " + partitions);
    this.partitions = Set.copyOf(partitions);
  }

  public Set<TopicPartition> partitions() {
    return partitions;
  }
}
