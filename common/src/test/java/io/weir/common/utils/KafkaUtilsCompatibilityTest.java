package io.weir.common.utils;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** murmur2 partitioning and varints agree with Apache Kafka's client library. */
class KafkaUtilsCompatibilityTest {

  @Test
  void murmur2PicksKafkasPartition() {
    Random random = new Random(42);
    int[] partitionCounts = {1, 3, 6, 12, 50, 1000};
    for (int i = 0; i < 5000; i++) {
      byte[] key = new byte[random.nextInt(64)];
      random.nextBytes(key);
      if (i % 2 == 0) {
        key = ("user-" + random.nextLong()).getBytes(StandardCharsets.UTF_8);
      }
      assertEquals(Utils.murmur2(key), Murmur2.murmur2(key), "murmur2 of key " + i);
      int partitions = partitionCounts[i % partitionCounts.length];
      assertEquals(
          Utils.toPositive(Utils.murmur2(key)) % partitions,
          Murmur2.partition(key, partitions),
          "partition of key " + i + " among " + partitions);
    }
  }

  @Test
  void varintsMatchKafkasBytes() {
    Random random = new Random(11);
    ByteBuffer ours = ByteBuffer.allocate(16);
    ByteBuffer theirs = ByteBuffer.allocate(16);
    for (int i = 0; i < 5000; i++) {
      // Vary the magnitude so every encoded length occurs.
      long v = random.nextLong() >> random.nextInt(64);
      ours.clear();
      theirs.clear();
      ByteUtils.writeVarint((int) v, ours);
      org.apache.kafka.common.utils.ByteUtils.writeVarint((int) v, theirs);
      assertArrayEquals(
          java.util.Arrays.copyOf(theirs.array(), theirs.position()),
          java.util.Arrays.copyOf(ours.array(), ours.position()),
          "varint " + (int) v);
      ours.clear();
      theirs.clear();
      ByteUtils.writeVarlong(v, ours);
      org.apache.kafka.common.utils.ByteUtils.writeVarlong(v, theirs);
      assertArrayEquals(
          java.util.Arrays.copyOf(theirs.array(), theirs.position()),
          java.util.Arrays.copyOf(ours.array(), ours.position()),
          "varlong " + v);
    }
  }
}
