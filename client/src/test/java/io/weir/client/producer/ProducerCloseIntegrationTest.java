package io.weir.client.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.client.common.errors.SerializationException;
import io.weir.client.common.errors.WeirException;
import io.weir.client.common.serialization.IntegerSerializer;
import io.weir.client.common.serialization.StringSerializer;
import io.weir.client.test.Clients;
import io.weir.client.test.WeirCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerCloseIntegrationTest {
  @TempDir static Path dir;
  static WeirCluster cluster;

  @BeforeAll
  static void start() {
    cluster = new WeirCluster(dir, 1);
    cluster.createTopic("c", 2, 1);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void closeSendsWhatIsBufferedThenRefusesSends() throws Exception {
    WeirProducer<String, String> producer = Clients.producer(cluster, Map.of("linger.ms", "60000", "batch.size", "1000000"));
    List<Future<RecordMetadata>> futures = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      futures.add(producer.send(new ProducerRecord<>("c", 0, null, "v" + i)));
    }
    assertTrue(futures.stream().noneMatch(Future::isDone), "held back by linger.ms");
    producer.close(Duration.ofSeconds(30));
    for (int i = 0; i < 100; i++) {
      assertEquals(i, futures.get(i).get(0, TimeUnit.SECONDS).offset() - futures.get(0).get().offset());
    }
    assertThrows(IllegalStateException.class, () -> producer.send(new ProducerRecord<>("c", "late")));
  }

  @Test
  void closeWithZeroTimeoutFailsWhatIsUnsent() {
    WeirProducer<String, String> producer = Clients.producer(cluster, Map.of("linger.ms", "60000", "batch.size", "1000000"));
    producer.partitionsFor("c");
    Future<RecordMetadata> f = producer.send(new ProducerRecord<>("c", 1, null, "never"));
    producer.close(Duration.ZERO);
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
    assertInstanceOf(WeirException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("closed forcefully"), e.getCause().getMessage());
  }

  @Test
  void misuseThrowsFromSendAsInKafka() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    WeirProducer<Object, String> producer = new WeirProducer(
        Map.of("bootstrap.servers", cluster.bootstrapServers()), new IntegerSerializer(), new StringSerializer());
    try {
      assertThrows(SerializationException.class, () -> producer.send(new ProducerRecord<>("c", "not an int", "v")));
      assertThrows(IllegalArgumentException.class, () -> producer.send(new ProducerRecord<>("c", 7, null, "v")));
    } finally {
      producer.close();
    }
  }
}
