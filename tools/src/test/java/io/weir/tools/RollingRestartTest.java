package io.weir.tools;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.client.admin.Admin;
import io.weir.client.admin.NewTopic;
import io.weir.client.common.serialization.StringDeserializer;
import io.weir.client.common.serialization.StringSerializer;
import io.weir.client.consumer.ConsumerRecord;
import io.weir.client.consumer.WeirConsumer;
import io.weir.client.producer.ProducerRecord;
import io.weir.client.producer.WeirProducer;
import io.weir.common.TopicPartition;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.image.TopicImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart of a three-node cluster, each node stopped as SIGTERM stops {@code weir
 * server} (controlled shutdown) and started again on its directories, while an idempotent acks=all
 * producer with retries sends without pause: no send fails and every acknowledged record reads
 * back, once.
 */
class RollingRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TOPIC = "rolling";
  private static final int PARTITIONS = 3;

  @TempDir Path dir;

  private record Ack(int partition, long offset, String value) {}

  @Test
  void noSendFailsAndEveryAcknowledgedRecordReadsBack() throws Exception {
    try (TestCluster cluster = new TestCluster(dir, 3, Map.of("broker.session.timeout.ms", "30000"))) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapAll()))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, 3, Map.of("min.insync.replicas", "2"))))
            .get(30, TimeUnit.SECONDS);
      }
      await("every replica in sync").atMost(WAIT).until(() -> allInSync(cluster, 1, 2, 3));

      Map<String, Object> props = new HashMap<>();
      props.put("bootstrap.servers", cluster.bootstrapAll());
      props.put("acks", "all");
      props.put("enable.idempotence", "true");
      props.put("linger.ms", "5");
      props.put("retry.backoff.ms", "50");
      props.put("request.timeout.ms", "10000");
      props.put("delivery.timeout.ms", "120000");
      ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
      AtomicInteger acked = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      Semaphore inFlight = new Semaphore(200); // sends as fast as acknowledgements come back
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      try (WeirProducer<String, String> producer =
               new WeirProducer<>(props, new StringSerializer(), new StringSerializer())) {
        Thread sender = new Thread(() -> {
          for (int i = 0; !stop.get() && System.nanoTime() < deadline; i++) {
            try {
              if (!inFlight.tryAcquire(1, TimeUnit.SECONDS)) {
                i--;
                continue;
              }
            } catch (InterruptedException e) {
              return;
            }
            String value = "v" + i;
            producer.send(new ProducerRecord<>(TOPIC, "k" + i, value), (metadata, error) -> {
              inFlight.release();
              if (error != null) {
                failures.add(error);
              } else {
                acks.add(new Ack(metadata.partition(), metadata.offset(), value));
                acked.incrementAndGet();
              }
            });
          }
        }, "rolling-producer");
        sender.start();
        try {
          for (int id = 1; id <= 3; id++) {
            int node = id;
            int before = acked.get();
            await("sends acknowledged before node " + id + " stops").atMost(WAIT)
                .until(() -> acked.get() >= before + 300);
            assertTrue(cluster.shutdown(node), "the controller let node " + node + " go");
            cluster.restart(node);
            await("node " + node + " back in every ISR").atMost(WAIT).until(() -> allInSync(cluster, node));
          }
          int last = acked.get();
          await("sends acknowledged after the last restart").atMost(WAIT).until(() -> acked.get() >= last + 300);
        } finally {
          stop.set(true);
          sender.join(TimeUnit.SECONDS.toMillis(30));
        }
        producer.flush();
      }
      assertEquals(List.of(), new ArrayList<>(failures), "failed sends");
      assertTrue(acks.size() >= 1200, "acknowledged " + acks.size());

      Map<TopicPartition, Map<Long, String>> read = readAll(cluster, acks.size());
      for (Ack a : acks) {
        assertEquals(a.value(), read.get(new TopicPartition(TOPIC, a.partition())).get(a.offset()),
            "acknowledged " + a + " reads back at its offset");
      }
      assertEquals(acks.size(), read.values().stream().mapToInt(Map::size).sum(),
          "every record read was acknowledged once");
    }
  }

  /** Whether {@code nodes} are in the ISR of every partition, as the active quorum sees it. */
  private static boolean allInSync(TestCluster cluster, int... nodes) {
    for (int id = 1; id <= 3; id++) {
      var controller = cluster.node(id).controller();
      if (controller.raft().leaderId() != id) {
        continue;
      }
      TopicImage topic = controller.committedImage().topics().topic(TOPIC);
      return topic != null && IntStream.range(0, PARTITIONS).allMatch(p -> {
        PartitionRegistration reg = topic.partition(p);
        return IntStream.of(nodes).allMatch(n -> reg.isr().contains(n));
      });
    }
    return false;
  }

  private static Map<TopicPartition, Map<Long, String>> readAll(TestCluster cluster, int expected) {
    Map<String, Object> props = Map.of("bootstrap.servers", cluster.bootstrapAll(), "auto.offset.reset", "earliest",
        "enable.auto.commit", "false");
    List<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
    Map<TopicPartition, Map<Long, String>> read = new HashMap<>();
    partitions.forEach(tp -> read.put(tp, new HashMap<>()));
    AtomicInteger count = new AtomicInteger();
    try (WeirConsumer<String, String> consumer =
             new WeirConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await("every acknowledged record read").atMost(WAIT).until(() -> {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          String previous = read.get(new TopicPartition(r.topic(), r.partition())).put(r.offset(), r.value());
          if (previous == null) {
            count.incrementAndGet();
          }
        }
        return count.get() >= expected;
      });
    }
    return read;
  }
}
