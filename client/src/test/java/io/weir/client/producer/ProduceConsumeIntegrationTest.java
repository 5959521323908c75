package io.weir.client.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.client.consumer.ConsumerRecord;
import io.weir.client.consumer.WeirConsumer;
import io.weir.client.test.Clients;
import io.weir.client.test.WeirCluster;
import io.weir.common.TopicPartition;
import io.weir.common.record.Header;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProduceConsumeIntegrationTest {
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
  void everyRecordComesBackInOrderPerPartition(String compression) throws Exception {
    String topic = "t-" + compression;
    int partitions = 3;
    cluster.createTopic(topic, partitions, 1);
    int n = 5_000;
    Map<Integer, List<String>> sentByPartition = new HashMap<>();
    try (WeirProducer<String, String> producer =
        Clients.producer(cluster, Map.of("compression.type", compression, "linger.ms", "20", "batch.size", "4096"))) {
      List<Future<RecordMetadata>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, i % 7 == 0 ? null : "k" + (i % 50), "v" + i);
        record.headers().add(new Header("h", ("x" + i).getBytes(StandardCharsets.UTF_8)));
        futures.add(producer.send(record));
      }
      producer.flush();
      long[] lastOffset = new long[partitions];
      java.util.Arrays.fill(lastOffset, -1);
      for (int i = 0; i < n; i++) {
        RecordMetadata md = futures.get(i).get(30, TimeUnit.SECONDS);
        assertTrue(md.offset() > lastOffset[md.partition()], "offsets increase in send order per partition");
        lastOffset[md.partition()] = md.offset();
        sentByPartition.computeIfAbsent(md.partition(), p -> new ArrayList<>()).add("v" + i);
      }
    }
    try (WeirConsumer<String, String> consumer = Clients.consumer(cluster, Map.of("max.poll.records", "700"))) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        tps.add(new TopicPartition(topic, p));
      }
      consumer.assign(tps);
      Map<Integer, List<String>> received = new HashMap<>();
      int count = 0;
      long deadline = System.currentTimeMillis() + 30_000;
      while (count < n && System.currentTimeMillis() < deadline) {
        var records = consumer.poll(Duration.ofMillis(200));
        assertTrue(records.count() <= 700, "max.poll.records");
        for (ConsumerRecord<String, String> r : records) {
          received.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.value());
          assertEquals("x" + r.value().substring(1), new String(r.headers().get(0).value(), StandardCharsets.UTF_8));
          count++;
        }
      }
      assertEquals(sentByPartition, received);
      for (TopicPartition tp : tps) {
        assertEquals(sentByPartition.getOrDefault(tp.partition(), List.of()).size(), consumer.position(tp));
      }
    }
  }
}
