package io.weir.client.consumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.weir.broker.group.GroupConfig;
import io.weir.client.producer.ProducerRecord;
import io.weir.client.producer.WeirProducer;
import io.weir.client.test.Clients;
import io.weir.client.test.WeirCluster;
import io.weir.common.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker leading the group's offsets partition dies: the group moves and keeps its offsets. */
class CoordinatorFailoverIntegrationTest {
  private static final int OFFSETS_PARTITIONS = 5;

  @TempDir Path dir;

  @Test
  void groupRecoversOnANewCoordinatorWithItsCommittedOffsets() throws Exception {
    try (WeirCluster cluster = new WeirCluster(dir, 3, id -> GroupTestConfig.broker(id, OFFSETS_PARTITIONS))) {
      String topic = "failover";
      String group = "g-failover";
      cluster.createTopic(topic, 2, 3);
      try (WeirProducer<String, String> producer = Clients.producer(cluster, Map.of())) {
        for (int i = 0; i < 100; i++) {
          producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
        }
        producer.flush();
      }
      Map<String, Object> props = new HashMap<>(GroupTestConfig.consumerProps());
      props.put("group.id", group);
      props.put("enable.auto.commit", "false");
      Set<TopicPartition> partitions = Set.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
      try (WeirConsumer<String, String> consumer = Clients.consumer(cluster, props)) {
        consumer.subscribe(List.of(topic));
        int[] seen = {0};
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          seen[0] += consumer.poll(Duration.ofMillis(100)).count();
          return seen[0] >= 100;
        });
        consumer.commitSync();
        Map<TopicPartition, OffsetAndMetadata> before = consumer.committed(partitions);
        assertEquals(100, before.values().stream().mapToLong(OffsetAndMetadata::offset).sum());

        int offsetsPartition = GroupTestConfig.broker(1, OFFSETS_PARTITIONS).groupConfig().partitionFor(group);
        int coordinator = cluster.partition(GroupConfig.OFFSETS_TOPIC, offsetsPartition).leader();
        cluster.kill(coordinator);
        assertNotEquals(coordinator, cluster.partition(GroupConfig.OFFSETS_TOPIC, offsetsPartition).leader());

        // The group finds its new coordinator, which replayed the partition: the offsets are there.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          consumer.poll(Duration.ofMillis(100));
          assertEquals(before, consumer.committed(partitions, Duration.ofSeconds(5)));
          assertEquals(partitions, consumer.assignment());
        });
        try (WeirProducer<String, String> producer = Clients.producer(cluster, Map.of())) {
          for (int i = 0; i < 10; i++) {
            producer.send(new ProducerRecord<>(topic, "more" + i, "more" + i));
          }
          producer.flush();
        }
        int[] more = {0};
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          more[0] += consumer.poll(Duration.ofMillis(100)).count();
          return more[0] >= 10;
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertNull(commitError(consumer)));
        assertEquals(110, consumer.committed(partitions).values().stream().mapToLong(OffsetAndMetadata::offset).sum());
      }
    }
  }

  /** The commit's failure (a rebalance may refuse the first try while the group re-forms), or null. */
  private static Exception commitError(WeirConsumer<String, String> consumer) {
    try {
      consumer.poll(Duration.ofMillis(50));
      consumer.commitSync();
      return null;
    } catch (CommitFailedException e) {
      return e;
    }
  }
}
