package io.weir.client.consumer;

import io.weir.client.common.PartitionInfo;
import io.weir.common.TopicPartition;
import java.io.Closeable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Kafka's {@code Consumer}: manual assignment or group subscription, positions and commits. */
public interface Consumer<K, V> extends Closeable {
  void assign(Collection<TopicPartition> partitions);

  Set<TopicPartition> assignment();

  /** The subscribed topics (for a pattern: those it matched so far). */
  Set<String> subscription();

  void subscribe(Collection<String> topics);

  void subscribe(Collection<String> topics, ConsumerRebalanceListener listener);

  void subscribe(Pattern pattern);

  void subscribe(Pattern pattern, ConsumerRebalanceListener listener);

  /** Leaves the group (after revoking) or drops the manual assignment. */
  void unsubscribe();

  /** Commits the positions of every assigned partition and waits. */
  void commitSync();

  void commitSync(Duration timeout);

  void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets);

  void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout);

  void commitAsync();

  void commitAsync(OffsetCommitCallback callback);

  void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback);

  /** The group's committed offsets; partitions without one are absent. */
  Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions);

  Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout);

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

  void close(CloseOptions options);
}
