package io.weir.client.producer.internals;

import io.weir.client.common.PartitionInfo;
import io.weir.client.common.network.Cluster;
import io.weir.common.utils.Murmur2;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kafka's default partitioning: murmur2 of the key bytes for keyed records (the same partition Kafka
 * would pick), and for null keys a sticky partition per topic that changes after about {@code
 * batch.size} bytes (KIP-794), so records batch well without piling onto one partition.
 *
 * <p>Thread-safe: a topic's sticky partition is replaced atomically; the bytes appended to it are
 * counted without a lock, since every record passes here.
 */
public final class BuiltInPartitioner {
  private static final class Sticky {
    final int partition;
    final AtomicLong bytes = new AtomicLong();

    Sticky(int partition) {
      this.partition = partition;
    }
  }

  private final int stickyBatchSize;
  private final Map<String, Sticky> sticky = new ConcurrentHashMap<>(); // any application thread

  public BuiltInPartitioner(int batchSize) {
    this.stickyBatchSize = Math.max(1, batchSize);
  }

  /** The partition Kafka gives a non-null key. */
  public static int partitionForKey(byte[] serializedKey, int numPartitions) {
    return Murmur2.partition(serializedKey, numPartitions);
  }

  /** The current sticky partition for a null-key record to {@code topic}. */
  public int stickyPartition(String topic, Cluster cluster) {
    Sticky s = sticky.get(topic);
    int numPartitions = cluster.partitionsFor(topic).size();
    if (s != null && s.partition < numPartitions) {
      return s.partition;
    }
    return sticky.compute(topic, (t, old) -> old != null && old.partition < numPartitions ? old : new Sticky(next(topic, cluster, -1))).partition;
  }

  /** Counts bytes appended to the sticky partition and moves on once a batch's worth went there. */
  public void onAppend(String topic, int partition, int bytes, Cluster cluster) {
    Sticky s = sticky.get(topic);
    if (s != null && s.partition == partition && s.bytes.addAndGet(bytes) >= stickyBatchSize) {
      // Of the threads that pass the mark, only the first replaces the partition.
      sticky.replace(topic, s, new Sticky(next(topic, cluster, partition)));
    }
  }

  /** A random partition with a leader (any partition if none has one), not {@code previous} when avoidable. */
  private static int next(String topic, Cluster cluster, int previous) {
    List<PartitionInfo> all = cluster.partitionsFor(topic);
    List<Integer> candidates = new ArrayList<>();
    for (PartitionInfo p : all) {
      if (p.leader() >= 0 && p.partition() != previous) {
        candidates.add(p.partition());
      }
    }
    if (candidates.isEmpty()) {
      return all.size() <= 1 ? 0 : ThreadLocalRandom.current().nextInt(all.size());
    }
    return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
  }
}
