package io.weir.client.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.client.common.errors.TimeoutException;
import io.weir.client.common.serialization.StringSerializer;
import io.weir.client.consumer.ConsumerRecord;
import io.weir.client.consumer.WeirConsumer;
import io.weir.client.test.Clients;
import io.weir.client.test.ResponseDroppingProxy;
import io.weir.client.test.WeirCluster;
import io.weir.common.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerFaultsIntegrationTest {
  @TempDir Path dir;

  private static List<String> readAll(WeirCluster cluster, TopicPartition tp, int expected) {
    List<String> out = new ArrayList<>();
    try (WeirConsumer<String, String> consumer = Clients.consumer(cluster, Map.of())) {
      consumer.assign(List.of(tp));
      long deadline = System.currentTimeMillis() + 20_000;
      while (out.size() < expected && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          out.add(r.value());
        }
      }
      // Anything beyond the expected count (a duplicate) would be here by the log end.
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      assertEquals(out.size(), end, "records in the log");
    }
    return out;
  }

  @Test
  void idempotentRetriesOfALostResponseDoNotDuplicate() throws Exception {
    try (WeirCluster cluster = new WeirCluster(dir, 1);
        ResponseDroppingProxy proxy = new ResponseDroppingProxy(cluster.broker(1).port(), 3)) {
      cluster.createTopic("idem", 1, 1);
      List<Future<RecordMetadata>> futures = new ArrayList<>();
      try (WeirProducer<String, String> producer = new WeirProducer<>(
          Map.of("bootstrap.servers", "127.0.0.1:" + proxy.port(), "linger.ms", "0", "retry.backoff.ms", "10"),
          new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 200; i++) {
          futures.add(producer.send(new ProducerRecord<>("idem", 0, null, "v" + i)));
        }
        producer.flush();
      }
      for (int i = 0; i < futures.size(); i++) {
        assertEquals(i, futures.get(i).get(10, TimeUnit.SECONDS).offset(), "record " + i + " keeps its place");
      }
      assertTrue(proxy.produceRequests() > 3, "the dropped responses led to retries");
      List<String> values = readAll(cluster, new TopicPartition("idem", 0), 200);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        expected.add("v" + i);
      }
      assertEquals(expected, values);
    }
  }

  @Test
  void withoutIdempotenceTheSameLostResponsesDuplicate() throws Exception {
    try (WeirCluster cluster = new WeirCluster(dir, 1);
        ResponseDroppingProxy proxy = new ResponseDroppingProxy(cluster.broker(1).port(), 1)) {
      cluster.createTopic("dup", 1, 1);
      try (WeirProducer<String, String> producer = new WeirProducer<>(
          Map.of("bootstrap.servers", "127.0.0.1:" + proxy.port(), "enable.idempotence", "false", "retry.backoff.ms", "10"),
          new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("dup", 0, null, "once")).get(10, TimeUnit.SECONDS);
      }
      // The control for the test above: the proxy does make a retry write twice.
      assertEquals(List.of("once", "once"), readAll(cluster, new TopicPartition("dup", 0), 2));
    }
  }

  @Test
  void aLeaderChangeMidStreamIsRetriedTransparently() throws Exception {
    try (WeirCluster cluster = new WeirCluster(dir, 3)) {
      cluster.createTopic("moving", 1, 3);
      int oldLeader = cluster.partition("moving", 0).leader();
      int n = 3000;
      List<Future<RecordMetadata>> futures = new ArrayList<>();
      AtomicReference<Exception> failure = new AtomicReference<>();
      try (WeirProducer<String, String> producer = Clients.producer(cluster, Map.of("linger.ms", "2", "retry.backoff.ms", "20"))) {
        for (int i = 0; i < n; i++) {
          if (i == n / 2) {
            producer.flush();
            cluster.fence(oldLeader);
          }
          futures.add(producer.send(new ProducerRecord<>("moving", null, "v" + i), (md, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            }
          }));
        }
        producer.flush();
      }
      assertNull(failure.get());
      assertNotEquals(oldLeader, cluster.partition("moving", 0).leader());
      long previous = -1;
      for (Future<RecordMetadata> f : futures) {
        long offset = f.get(10, TimeUnit.SECONDS).offset();
        assertEquals(previous + 1, offset, "no gaps, no reordering");
        previous = offset;
      }
      List<String> values = readAll(cluster, new TopicPartition("moving", 0), n);
      for (int i = 0; i < n; i++) {
        assertEquals("v" + i, values.get(i));
      }
    }
  }

  @Test
  void anUnknownTopicFailsAfterMaxBlockMsWithAClearError() throws Exception {
    try (WeirCluster cluster = new WeirCluster(dir, 1);
        WeirProducer<String, String> producer = Clients.producer(cluster, Map.of("max.block.ms", "500"))) {
      AtomicReference<Exception> callbackError = new AtomicReference<>();
      long start = System.currentTimeMillis();
      Future<RecordMetadata> f = producer.send(new ProducerRecord<>("no-such-topic", "v"), (md, e) -> callbackError.set(e));
      assertTrue(System.currentTimeMillis() - start >= 500);
      ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
      assertInstanceOf(TimeoutException.class, e.getCause());
      assertEquals("Topic no-such-topic not present in metadata after 500 ms.", e.getCause().getMessage());
      assertInstanceOf(TimeoutException.class, callbackError.get());
    }
  }

  @Test
  void recordsForAPartitionWithoutLeaderExpireAfterTheDeliveryTimeout() throws Exception {
    try (WeirCluster cluster = new WeirCluster(dir, 2)) {
      cluster.createTopic("stuck", 1, 1);
      int leader = cluster.partition("stuck", 0).leader();
      try (WeirProducer<String, String> producer = Clients.producer(cluster,
          Map.of("delivery.timeout.ms", "1500", "request.timeout.ms", "1000", "linger.ms", "0", "retry.backoff.ms", "50"))) {
        producer.send(new ProducerRecord<>("stuck", "warm-up")).get(10, TimeUnit.SECONDS);
        cluster.fence(leader); // its only replica: no leader remains
        Future<RecordMetadata> f = producer.send(new ProducerRecord<>("stuck", 0, null, "lost"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("stuck-0"), e.getCause().getMessage());
      }
    }
  }
}
