package io.weir.client.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.client.common.serialization.ByteArrayDeserializer;
import io.weir.client.common.serialization.ByteArraySerializer;
import io.weir.client.common.serialization.IntegerDeserializer;
import io.weir.client.common.serialization.IntegerSerializer;
import io.weir.client.consumer.ConsumerRecord;
import io.weir.client.consumer.WeirConsumer;
import io.weir.client.test.WeirCluster;
import io.weir.common.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many small records under linger.ms batching, then read back: none lost, none duplicated, in
 * send order per partition. {@code -Dweir.client.records=N} changes the count (default 1,000,000).
 */
class MillionRecordsIntegrationTest {
  private static final int RECORDS = Integer.getInteger("weir.client.records", 1_000_000);
  private static final int PARTITIONS = 4;

  @TempDir static Path dir;
  static WeirCluster cluster;

  @BeforeAll
  static void start() {
    cluster = new WeirCluster(dir, 1);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
  void allRecordsKeptInOrderPerPartition(String compression) {
    String topic = "million-" + compression;
    cluster.createTopic(topic, PARTITIONS, 1);
    AtomicReference<Exception> failure = new AtomicReference<>();
    byte[] payload = new byte[20];
    try (WeirProducer<Integer, byte[]> producer = new WeirProducer<>(
        Map.of("bootstrap.servers", cluster.bootstrapServers(), "linger.ms", "10", "batch.size", "65536",
            "compression.type", compression),
        new IntegerSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        // Null keys (sticky partitioning) for most records, keys for some: both paths batch.
        Integer key = i % 10 == 0 ? i : null;
        byte[] value = payload.clone();
        value[0] = (byte) i;
        producer.send(new ProducerRecord<>(topic, key, i % 10 == 0 ? value : intBytes(i)), (md, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
      }
      producer.flush();
    }
    assertNull(failure.get(), () -> "a send failed: " + failure.get());

    BitSet seen = new BitSet(RECORDS);
    int[] lastSeq = new int[PARTITIONS];
    java.util.Arrays.fill(lastSeq, -1);
    int count = 0;
    try (WeirConsumer<Integer, byte[]> consumer = new WeirConsumer<>(
        Map.of("bootstrap.servers", cluster.bootstrapServers(), "auto.offset.reset", "earliest", "max.poll.records", "5000"),
        new IntegerDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        tps.add(new TopicPartition(topic, p));
      }
      consumer.assign(tps);
      long deadline = System.currentTimeMillis() + 120_000;
      while (count < RECORDS && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<Integer, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          int seq = r.key() != null ? r.key() : readInt(r.value());
          assertTrue(seq > lastSeq[r.partition()], "partition " + r.partition() + ": " + seq + " after " + lastSeq[r.partition()]);
          lastSeq[r.partition()] = seq;
          assertTrue(!seen.get(seq), "duplicate " + seq);
          seen.set(seq);
          count++;
        }
      }
      assertEquals(RECORDS, count);
      assertEquals(RECORDS, seen.cardinality());
      long total = 0;
      for (long end : consumer.endOffsets(tps).values()) {
        total += end;
      }
      assertEquals(RECORDS, total, "the log holds exactly the records sent");
    }
  }

  private static byte[] intBytes(int i) {
    return new IntegerSerializer().serialize("", i);
  }

  private static int readInt(byte[] b) {
    return new IntegerDeserializer().deserialize("", b);
  }
}
