package io.weir.client.consumer;

import io.weir.client.common.PartitionInfo;
import io.weir.client.common.TopicPartition;
import java.io.Closeable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The consumer API of Kafka's {@code Consumer} that works with manual assignment. Group
 * membership ({@code subscribe}, commits) arrives with the group coordinator.
 */
public interface Consumer<K, V> extends Closeable {
  void assign(Collection<TopicPartition> partitions);

  Set<TopicPartition> assignment();

  /** Drops the assignment (Kafka's {@code unsubscribe} for manual assignment). */
  void unsubscribe();

  ConsumerRecords<K, V> poll(Duration timeout);

  void seek(TopicPartition partition, long offset);

  void seek(TopicPartition partition, OffsetAndMetadata offsetAndMetadata);

  void seekToBeginning(Collection<TopicPartition> partitions);

  void seekToEnd(Collection<TopicPartition> partitions);

  long position(TopicPartition partition);

  long position(TopicPartition partition, Duration timeout);

  void pause(Collection<TopicPartition> partitions);

  void resume(Collection<TopicPartition> partitions);

  Set<TopicPartition> paused();

  List<PartitionInfo> partitionsFor(String topic);

  Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions);

  Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions);

  /** Makes a blocked or the next {@code poll} throw {@link io.weir.client.common.errors.WakeupException}; any thread. */
  void wakeup();

  @Override
  void close();

  void close(Duration timeout);
}
