package io.weir.common.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Records with the shapes that matter to the format, generated from a seed. */
record Sample(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {

  static final long BASE_TIMESTAMP = 1_700_000_000_000L;

  /**
   * Null and empty keys and values, headers (null value, non-ASCII key), gaps in offsets,
   * timestamps before and after the first one, and one value larger than an lz4 block.
   */
  static List<Sample> mixed(long baseOffset, int count, long seed) {
    Random random = new Random(seed);
    List<Sample> out = new ArrayList<>();
    long offset = baseOffset;
    for (int i = 0; i < count; i++) {
      byte[] key = i % 7 == 3 ? null : ("key-" + random.nextInt(1000)).getBytes(StandardCharsets.UTF_8);
      byte[] value;
      if (i % 11 == 5) {
        value = null;
      } else if (i % 13 == 6) {
        value = new byte[0];
      } else if (i == count / 2) {
        value = text(random, 200_000);
      } else {
        value = text(random, random.nextInt(300));
      }
      List<Header> headers = new ArrayList<>();
      if (i % 4 == 1) {
        headers.add(new Header("trace-id", ("t" + i).getBytes(StandardCharsets.UTF_8)));
        headers.add(new Header("schlüssel-✓", null));
        headers.add(new Header("", new byte[0]));
      }
      long timestamp = BASE_TIMESTAMP + random.nextInt(20_000) - 10_000;
      out.add(new Sample(offset, timestamp, key, value, List.copyOf(headers)));
      offset += 1 + (i % 9 == 8 ? random.nextInt(5) + 1 : 0); // occasional gaps
    }
    return out;
  }

  /** Compressible bytes: words from a small vocabulary, like log lines or JSON. */
  static byte[] text(Random random, int length) {
    String[] words = {"order", "user", "id", "amount", "status", "ok", "eu-west", "1234", "{", "}", ":"};
    StringBuilder sb = new StringBuilder(length + 16);
    while (sb.length() < length) {
      sb.append(words[random.nextInt(words.length)]).append(' ');
    }
    return sb.substring(0, length).getBytes(StandardCharsets.US_ASCII);
  }

  static MemoryRecordsBuilder builder(CompressionType compression, long baseOffset) {
    return new MemoryRecordsBuilder(compression, TimestampType.CREATE_TIME, baseOffset, 1 << 20);
  }

  static MemoryRecords build(MemoryRecordsBuilder builder, List<Sample> samples) {
    for (Sample s : samples) {
      builder.appendWithOffset(s.offset, s.timestamp, s.key, s.value, s.headers);
    }
    return builder.build();
  }

  static byte[] bytes(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b;
  }

  /** Asserts that {@code actual} holds exactly the samples, in order. */
  static void assertRecords(List<Sample> expected, Iterable<Record> actual) {
    List<Record> records = new ArrayList<>();
    actual.forEach(records::add);
    assertEquals(expected.size(), records.size(), "record count");
    for (int i = 0; i < expected.size(); i++) {
      Sample e = expected.get(i);
      Record r = records.get(i);
      assertEquals(e.offset, r.offset(), "offset of record " + i);
      assertEquals(e.timestamp, r.timestamp(), "timestamp of record " + i);
      assertArrayEquals(e.key, bytes(r.key()), "key of record " + i);
      assertArrayEquals(e.value, bytes(r.value()), "value of record " + i);
      assertEquals(e.headers, r.headers(), "headers of record " + i);
    }
  }

  static long maxTimestamp(List<Sample> samples) {
    return samples.stream().mapToLong(Sample::timestamp).max().orElseThrow();
  }
}
