package io.weir.client.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.weir.client.producer.ProducerRecord;
import io.weir.client.producer.WeirProducer;
import io.weir.client.test.Clients;
import io.weir.client.test.WeirCluster;
import io.weir.common.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsumerLeaderChangeIntegrationTest {
  @TempDir Path dir;

  @Test
  void aConsumerFollowsTheNewLeader() {
    try (WeirCluster cluster = new WeirCluster(dir, 3);
        WeirProducer<String, String> producer = Clients.producer(cluster, Map.of());
        WeirConsumer<String, String> consumer = Clients.consumer(cluster, Map.of("fetch.max.wait.ms", "100"))) {
      cluster.createTopic("moving", 1, 3);
      TopicPartition tp = new TopicPartition("moving", 0);
      for (int i = 0; i < 50; i++) {
        producer.send(new ProducerRecord<>("moving", "v" + i));
      }
      producer.flush();
      consumer.assign(List.of(tp));
      List<String> values = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 15_000;
      while (values.size() < 50 && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
      }
      int oldLeader = cluster.partition("moving", 0).leader();
      cluster.fence(oldLeader);
      assertNotEquals(oldLeader, cluster.partition("moving", 0).leader());
      for (int i = 50; i < 100; i++) {
        producer.send(new ProducerRecord<>("moving", "v" + i));
      }
      producer.flush();
      deadline = System.currentTimeMillis() + 15_000;
      while (values.size() < 100 && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        expected.add("v" + i);
      }
      assertEquals(expected, values);
      assertEquals(100, consumer.position(tp));
    }
  }
}
