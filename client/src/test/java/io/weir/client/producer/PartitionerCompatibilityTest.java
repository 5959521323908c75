package io.weir.client.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.client.common.PartitionInfo;
import io.weir.client.common.network.Cluster;
import io.weir.client.common.serialization.IntegerSerializer;
import io.weir.client.common.serialization.LongSerializer;
import io.weir.client.common.serialization.StringSerializer;
import io.weir.client.producer.internals.BuiltInPartitioner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keyed records must land where Kafka's producer puts them. */
class PartitionerCompatibilityTest {
  @Test
  void keyedRecordsLandOnKafkasPartition() {
    Random random = new Random(42);
    int[] partitionCounts = {1, 2, 3, 6, 7, 12, 50, 1000};
    for (int i = 0; i < 20_000; i++) {
      byte[] key = new byte[random.nextInt(40)];
      random.nextBytes(key);
      int n = partitionCounts[i % partitionCounts.length];
      assertEquals(
          org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(key, n),
          BuiltInPartitioner.partitionForKey(key, n),
          "key of " + key.length + " bytes, " + n + " partitions");
      assertEquals(org.apache.kafka.common.utils.Utils.murmur2(key), io.weir.common.utils.Murmur2.murmur2(key));
    }
  }

  @Test
  void serializedKeysMatchKafkasSerializersAndPartitions() {
    var kafkaStrings = new org.apache.kafka.common.serialization.StringSerializer();
    var kafkaInts = new org.apache.kafka.common.serialization.IntegerSerializer();
    var kafkaLongs = new org.apache.kafka.common.serialization.LongSerializer();
    for (int i = -500; i < 500; i++) {
      String s = "key-" + i + "-\u00e9\u4e2d";
      byte[] ours = new StringSerializer().serialize("t", s);
      assertEquals(java.util.Arrays.toString(kafkaStrings.serialize("t", s)), java.util.Arrays.toString(ours));
      assertEquals(java.util.Arrays.toString(kafkaInts.serialize("t", i * 7919)), java.util.Arrays.toString(new IntegerSerializer().serialize("t", i * 7919)));
      long l = i * 1_000_000_007L;
      assertEquals(java.util.Arrays.toString(kafkaLongs.serialize("t", l)), java.util.Arrays.toString(new LongSerializer().serialize("t", l)));
      assertEquals(
          org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(kafkaStrings.serialize("t", s), 12),
          BuiltInPartitioner.partitionForKey(ours, 12));
    }
  }

  @Test
  void nullKeysStickToOnePartitionUntilABatchWorthThenMove() {
    List<PartitionInfo> parts = new ArrayList<>();
    for (int p = 0; p < 8; p++) {
      parts.add(new PartitionInfo("t", p, 1, 0, List.of(1), List.of(1), List.of()));
    }
    Cluster cluster = new Cluster("c", 1, Map.of(), Map.of("t", parts), Map.of(), Map.of());
    BuiltInPartitioner partitioner = new BuiltInPartitioner(1000);
    int first = partitioner.stickyPartition("t", cluster);
    for (int i = 0; i < 9; i++) {
      assertEquals(first, partitioner.stickyPartition("t", cluster));
      partitioner.onAppend("t", first, 100, cluster);
    }
    partitioner.onAppend("t", first, 100, cluster);
    int second = partitioner.stickyPartition("t", cluster);
    assertNotEquals(first, second, "moves on after batch.size bytes");
    Set<Integer> used = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int p = partitioner.stickyPartition("t", cluster);
      used.add(p);
      partitioner.onAppend("t", p, 1000, cluster);
    }
    assertTrue(used.size() > 4, "spreads over partitions: " + used);
  }
}
