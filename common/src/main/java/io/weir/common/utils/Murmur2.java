package io.weir.common.utils;

/**
 * Kafka's default partitioner hash: 32-bit MurmurHash2 with seed 0x9747b28c, reading the key as
 * little-endian 4-byte words. Keyed records must land on the partition Kafka would pick, so users
 * moving between the two keep per-key ordering and co-partitioning.
 */
public final class Murmur2 {
  private static final int SEED = 0x9747b28c;
  private static final int M = 0x5bd1e995;
  private static final int R = 24;

  private Murmur2() {}

  public static int murmur2(byte[] data) {
    int length = data.length;
    int h = SEED ^ length;
    int tail = length & ~3;
    for (int i = 0; i < tail; i += 4) {
      int k =
          (data[i] & 0xff)
              | (data[i + 1] & 0xff) << 8
              | (data[i + 2] & 0xff) << 16
              | (data[i + 3] & 0xff) << 24;
      k *= M;
      k ^= k >>> R;
      k *= M;
      h *= M;
      h ^= k;
    }
    int rest = length & 3;
    if (rest == 3) {
      h ^= (data[tail + 2] & 0xff) << 16;
    }
    if (rest >= 2) {
      h ^= (data[tail + 1] & 0xff) << 8;
    }
    if (rest >= 1) {
      h ^= data[tail] & 0xff;
      h *= M;
    }
    h ^= h >>> 13;
    h *= M;
    h ^= h >>> 15;
    return h;
  }

  /** Clears the sign bit, as Kafka does; unlike Math.abs it never returns a negative number. */
  public static int toPositive(int n) {
    return n & 0x7fffffff;
  }

  /** The partition Kafka's default partitioner gives a non-null key. */
  public static int partition(byte[] key, int numPartitions) {
    if (numPartitions <= 0) {
      throw new IllegalArgumentException("numPartitions must be positive, not " + numPartitions);
    }
    return toPositive(murmur2(key)) % numPartitions;
  }
}
