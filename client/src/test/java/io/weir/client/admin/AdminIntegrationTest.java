package io.weir.client.admin;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.client.common.Node;
import io.weir.client.common.errors.ApiException;
import io.weir.client.consumer.ConsumerRecord;
import io.weir.client.consumer.WeirConsumer;
import io.weir.client.producer.ProducerRecord;
import io.weir.client.producer.WeirProducer;
import io.weir.client.test.Clients;
import io.weir.client.test.WeirCluster;
import io.weir.common.TopicPartition;
import io.weir.proto.v1.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminIntegrationTest {
  @TempDir Path dir;

  @Test
  void describesClusterTopicsAndOffsets() throws Exception {
    try (WeirCluster cluster = new WeirCluster(dir, 3);
        Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      cluster.createTopic("a", 3, 2);
      cluster.createTopic("b", 1, 3);
      ClusterDescription description = admin.describeCluster().get(10, TimeUnit.SECONDS);
      assertEquals(Set.of(1, 2, 3), description.nodes().stream().map(Node::id).collect(Collectors.toSet()));
      assertTrue(admin.listTopics().get(10, TimeUnit.SECONDS).containsAll(Set.of("a", "b")));
      TopicDescription a = admin.describeTopics(List.of("a")).get(10, TimeUnit.SECONDS).get("a");
      assertEquals(3, a.partitions().size());
      for (TopicPartitionInfo p : a.partitions()) {
        assertEquals(2, p.replicas().size());
        assertTrue(p.replicas().contains(p.leader()));
        assertEquals(cluster.partition("a", p.partition()).leader(), p.leader().id());
      }
      ExecutionException missing = assertThrows(ExecutionException.class, () -> admin.describeTopics(List.of("nope")).get(10, TimeUnit.SECONDS));
      assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, assertInstanceOf(ApiException.class, missing.getCause()).code());

      try (WeirProducer<String, String> producer = Clients.producer(cluster, Map.of())) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>("b", 0, 1000L + i, null, "v" + i));
        }
        producer.flush();
      }
      TopicPartition b0 = new TopicPartition("b", 0);
      assertEquals(0, admin.listOffsets(Map.of(b0, OffsetSpec.earliest())).get(10, TimeUnit.SECONDS).get(b0).offset());
      assertEquals(10, admin.listOffsets(Map.of(b0, OffsetSpec.latest())).get(10, TimeUnit.SECONDS).get(b0).offset());
      assertEquals(4, admin.listOffsets(Map.of(b0, OffsetSpec.forTimestamp(1004))).get(10, TimeUnit.SECONDS).get(b0).offset());
    }
  }

  @Test
  void deleteRecordsMovesTheLogStartOnEveryReplica() throws Exception {
    try (WeirCluster cluster = new WeirCluster(dir, 3);
        Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      cluster.createTopic("d", 1, 3);
      try (WeirProducer<String, String> producer = Clients.producer(cluster, Map.of())) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>("d", 0, null, "v" + i));
        }
        producer.flush();
      }
      TopicPartition d0 = new TopicPartition("d", 0);
      assertEquals(4L, admin.deleteRecords(Map.of(d0, 4L)).get(10, TimeUnit.SECONDS).get(d0));
      assertEquals(4, admin.listOffsets(Map.of(d0, OffsetSpec.earliest())).get(10, TimeUnit.SECONDS).get(d0).offset());
      io.weir.common.TopicPartition storageTp = new io.weir.common.TopicPartition("d", 0);
      await("every replica follows the leader's log start").atMost(Duration.ofSeconds(30)).until(() ->
          List.of(1, 2, 3).stream().allMatch(id ->
              cluster.broker(id).replicaManager().hostedPartition(storageTp).logStartOffset() == 4));
      try (WeirConsumer<String, String> consumer = Clients.consumer(cluster, Map.of())) {
        consumer.assign(List.of(d0));
        consumer.seekToBeginning(List.of(d0));
        List<ConsumerRecord<String, String>> first = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          consumer.poll(Duration.ofMillis(100)).forEach(first::add);
          return !first.isEmpty();
        });
        assertEquals(4, first.get(0).offset());
        assertEquals("v4", first.get(0).value());
      }

      ExecutionException pastEnd = assertThrows(ExecutionException.class,
          () -> admin.deleteRecords(Map.of(d0, 11L)).get(10, TimeUnit.SECONDS));
      assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, assertInstanceOf(ApiException.class, pastEnd.getCause()).code());
      assertEquals(10L, admin.deleteRecords(Map.of(d0, -1L)).get(10, TimeUnit.SECONDS).get(d0),
          "-1 deletes up to the high watermark");
    }
  }
}
