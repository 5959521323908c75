package io.weir.client.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.client.common.errors.WakeupException;
import io.weir.client.producer.ProducerRecord;
import io.weir.client.producer.WeirProducer;
import io.weir.client.test.Clients;
import io.weir.client.test.WeirCluster;
import io.weir.common.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsumerIntegrationTest {
  private static final String TOPIC = "consumer-test";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
  private static final int PER_PARTITION = 100;

  @TempDir static Path dir;
  static WeirCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new WeirCluster(dir, 1);
    cluster.createTopic(TOPIC, 2, 1);
    try (WeirProducer<String, String> producer = Clients.producer(cluster, Map.of())) {
      for (int i = 0; i < PER_PARTITION; i++) {
        producer.send(new ProducerRecord<>(TOPIC, 0, null, "p0-" + i));
        producer.send(new ProducerRecord<>(TOPIC, 1, null, "p1-" + i));
      }
      producer.flush();
    }
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static List<ConsumerRecord<String, String>> pollUntil(WeirConsumer<String, String> consumer, int count) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 15_000;
    while (out.size() < count && System.currentTimeMillis() < deadline) {
      consumer.poll(Duration.ofMillis(100)).forEach(out::add);
    }
    return out;
  }

  @Test
  void assignPollSeekAndPosition() {
    try (WeirConsumer<String, String> consumer = Clients.consumer(cluster, Map.of("max.poll.records", "30"))) {
      consumer.assign(List.of(P0));
      assertEquals(Set.of(P0), consumer.assignment());
      assertEquals(0, consumer.position(P0), "earliest");
      List<ConsumerRecord<String, String>> records = pollUntil(consumer, PER_PARTITION);
      assertEquals(PER_PARTITION, records.size());
      for (int i = 0; i < PER_PARTITION; i++) {
        assertEquals(i, records.get(i).offset());
        assertEquals("p0-" + i, records.get(i).value());
      }
      assertEquals(PER_PARTITION, consumer.position(P0));
      consumer.seek(P0, 42);
      assertEquals(42, consumer.position(P0));
      ConsumerRecord<String, String> first = pollUntil(consumer, 1).get(0);
      assertEquals(42, first.offset(), "a fetch returns whole batches; records below the position are skipped");
      consumer.seekToBeginning(List.of(P0));
      assertEquals(0, consumer.position(P0));
      consumer.seekToEnd(List.of(P0));
      assertEquals(PER_PARTITION, consumer.position(P0));
      assertTrue(consumer.poll(Duration.ofMillis(200)).isEmpty());
      assertEquals(Map.of(P0, 0L), consumer.beginningOffsets(List.of(P0)));
      assertEquals(Map.of(P0, (long) PER_PARTITION), consumer.endOffsets(List.of(P0)));
    }
  }

  @Test
  void maxPollRecordsBoundsEachPoll() {
    try (WeirConsumer<String, String> consumer = Clients.consumer(cluster, Map.of("max.poll.records", "7"))) {
      consumer.assign(List.of(P0, P1));
      int total = 0;
      long deadline = System.currentTimeMillis() + 15_000;
      while (total < 2 * PER_PARTITION && System.currentTimeMillis() < deadline) {
        int n = consumer.poll(Duration.ofMillis(100)).count();
        assertTrue(n <= 7, "poll returned " + n);
        total += n;
      }
      assertEquals(2 * PER_PARTITION, total);
    }
  }

  @Test
  void autoOffsetReset() {
    try (WeirConsumer<String, String> latest = Clients.consumer(cluster, Map.of("auto.offset.reset", "latest"))) {
      latest.assign(List.of(P1));
      assertEquals(PER_PARTITION, latest.position(P1));
    }
    try (WeirConsumer<String, String> none = Clients.consumer(cluster, Map.of("auto.offset.reset", "none"))) {
      none.assign(List.of(P1));
      NoOffsetForPartitionException e = assertThrows(NoOffsetForPartitionException.class, () -> none.poll(Duration.ofMillis(100)));
      assertEquals(Set.of(P1), e.partitions());
      none.seek(P1, 5_000); // beyond the log end
      OffsetOutOfRangeException out = assertThrows(OffsetOutOfRangeException.class, () -> pollUntil(none, 1));
      assertEquals(Map.of(P1, 5_000L), out.offsetOutOfRangePartitions());
    }
    try (WeirConsumer<String, String> earliest = Clients.consumer(cluster, Map.of("auto.offset.reset", "earliest"))) {
      earliest.assign(List.of(P1));
      earliest.seek(P1, 5_000);
      ConsumerRecord<String, String> r = pollUntil(earliest, 1).get(0);
      assertEquals(0, r.offset(), "out of range resets to the earliest offset");
    }
  }

  @Test
  void pauseAndResume() {
    try (WeirConsumer<String, String> consumer = Clients.consumer(cluster, Map.of())) {
      consumer.assign(List.of(P0, P1));
      consumer.pause(List.of(P1));
      assertEquals(Set.of(P1), consumer.paused());
      List<ConsumerRecord<String, String>> records = pollUntil(consumer, PER_PARTITION);
      assertEquals(PER_PARTITION, records.size());
      assertTrue(records.stream().allMatch(r -> r.partition() == 0));
      assertTrue(consumer.poll(Duration.ofMillis(300)).isEmpty(), "nothing from the paused partition");
      assertEquals(0, consumer.position(P1));
      consumer.resume(List.of(P1));
      List<ConsumerRecord<String, String>> resumed = pollUntil(consumer, PER_PARTITION);
      assertEquals(PER_PARTITION, resumed.size());
      assertTrue(resumed.stream().allMatch(r -> r.partition() == 1));
    }
  }

  @Test
  void wakeupInterruptsABlockedPoll() throws Exception {
    try (WeirConsumer<String, String> consumer = Clients.consumer(cluster, Map.of("auto.offset.reset", "latest"))) {
      consumer.assign(List.of(P0));
      java.util.concurrent.atomic.AtomicReference<Thread> poller = new java.util.concurrent.atomic.AtomicReference<>();
      CompletableFuture<Object> result = CompletableFuture.supplyAsync(() -> {
        poller.set(Thread.currentThread());
        try {
          return consumer.poll(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
          return e;
        }
      });
      // Blocked inside poll, waiting for data that does not come.
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(
          () -> poller.get() != null && poller.get().getState() == Thread.State.TIMED_WAITING);
      assertThrows(ConcurrentModificationException.class, () -> consumer.poll(Duration.ZERO), "a second thread is rejected, as in Kafka");
      consumer.wakeup();
      Object outcome = result.get(10, TimeUnit.SECONDS);
      assertTrue(outcome instanceof WakeupException, "poll ended with " + outcome);
      consumer.wakeup();
      assertThrows(WakeupException.class, () -> consumer.poll(Duration.ofSeconds(5)), "a wakeup before poll is kept for it");
      assertTrue(consumer.poll(Duration.ZERO).isEmpty(), "and used up");
    }
  }

  @Test
  void clientRackIsAcceptedAndFetchingStillWorks() {
    try (WeirConsumer<String, String> consumer = Clients.consumer(cluster, Map.of("client.rack", "rack-a"))) {
      consumer.assign(List.of(P1));
      assertEquals(PER_PARTITION, pollUntil(consumer, PER_PARTITION).size());
    }
  }
}
