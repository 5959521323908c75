package io.weir.client.consumer.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.client.common.network.ChannelPool;
import io.weir.client.common.network.Metadata;
import io.weir.client.common.serialization.StringDeserializer;
import io.weir.client.consumer.ConsumerRecord;
import io.weir.client.consumer.OffsetResetStrategy;
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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fetcher asks for a partition's next chunk while the application still reads the last one. */
class FetcherPrefetchTest {
  private static final String TOPIC = "prefetch";
  private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
  private static final int RECORDS = 600;
  private static final int PARTITION_MAX_BYTES = 2048; // a few small batches per answer

  @TempDir static Path dir;
  static WeirCluster cluster;

  private ChannelPool channels;
  private SubscriptionState subscriptions;
  private Fetcher<String, String> fetcher;

  @BeforeAll
  static void start() throws Exception {
    cluster = new WeirCluster(dir, 1);
    cluster.createTopic(TOPIC, 1, 1);
    // Small batches, so one answer of PARTITION_MAX_BYTES holds several and the log holds many answers.
    try (WeirProducer<String, String> producer = Clients.producer(cluster, Map.of("batch.size", "512", "linger.ms", "0"))) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(new ProducerRecord<>(TOPIC, 0, null, "v" + i));
      }
      producer.flush();
    }
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private Metadata metadata;

  @BeforeEach
  void setUp() {
    channels = new ChannelPool(64 << 20);
    metadata = new Metadata(List.of(cluster.bootstrapServers()), channels, 300_000, 30_000, 100);
    metadata.refresh(java.util.Set.of(TOPIC), System.currentTimeMillis() + 15_000);
    subscriptions = new SubscriptionState(OffsetResetStrategy.EARLIEST);
    subscriptions.assign(List.of(TP));
    subscriptions.seek(TP, 0);
    fetcher = fetcher(100);
    assertTrue(metadata.cluster().leaderFor(TP).isPresent());
  }

  private Fetcher<String, String> fetcher(int maxWaitMs) {
    return new Fetcher<>(metadata, channels, subscriptions, new StringDeserializer(), new StringDeserializer(),
        new Fetcher.Settings(1, maxWaitMs, 50 << 20, PARTITION_MAX_BYTES, "", 30_000, 100, 300_000, true));
  }

  @AfterEach
  void tearDown() {
    channels.close();
  }

  /** Sends fetches until {@code answers} are buffered for the partition. */
  private void fetchUntilBuffered(int answers) {
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> {
      fetcher.sendFetches();
      return fetcher.bufferedFetches(TP) >= answers;
    });
  }

  private void awaitIfIdle() {
    if (!fetcher.hasCompletedFetches()) {
      try {
        fetcher.awaitCompletion(100, () -> false);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void secondChunkIsFetchedWhileTheFirstIsReadAndNoMore() {
    fetchUntilBuffered(2);
    // Two answers buffered: a third fetch would only add memory, so none is sent.
    fetcher.sendFetches();
    Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> fetcher.bufferedFetches(TP) == 2);

    List<ConsumerRecord<String, String>> read = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 15_000;
    while (read.size() < RECORDS && System.currentTimeMillis() < deadline) {
      read.addAll(fetcher.collectFetch(7).getOrDefault(TP, List.of()));
      fetcher.sendFetches();
      awaitIfIdle();
    }
    assertEquals(RECORDS, read.size());
    for (int i = 0; i < RECORDS; i++) {
      assertEquals(i, read.get(i).offset(), "in order, no gap, no duplicate across chained answers");
      assertEquals("v" + i, read.get(i).value());
    }
    assertEquals(RECORDS, subscriptions.position(TP));
  }

  @Test
  void aPartitionWithMoreToReadIsContinuedWhileItsFetchIsStillOnTheWire() {
    // Every fetch waits its whole max wait (min bytes is never reached): answers arrive one by
    // one, far apart, while the test reads.
    int maxWaitMs = 1_500;
    fetcher = new Fetcher<>(metadata, channels, subscriptions, new StringDeserializer(), new StringDeserializer(),
        new Fetcher.Settings(50 << 20, maxWaitMs, 50 << 20, PARTITION_MAX_BYTES, "", 30_000, 100, 300_000, true));
    List<ConsumerRecord<String, String>> read = new ArrayList<>();

    fetcher.sendFetches(); // A, from 0
    fetcher.sendFetches();
    assertEquals(1, fetcher.fetchesInFlight(TP), "a fetch whose answer is not known yet is not continued");
    fetchUntilBuffered(1);
    read.addAll(fetcher.collectFetch(1).get(TP)); // A is taken: it left more to read
    fetcher.sendFetches(); // B, from A's end, which the fetcher knows
    assertEquals(1, fetcher.fetchesInFlight(TP));
    read.addAll(fetcher.collectFetch(RECORDS).get(TP)); // the rest of A; B waits at the broker
    long endOfA = subscriptions.position(TP);
    fetcher.sendFetches(); // C, continuing B: only the broker knows where B ends
    assertEquals(2, fetcher.fetchesInFlight(TP), "B still waits at the broker");

    fetchUntilBuffered(1);
    read.addAll(fetcher.collectFetch(RECORDS).get(TP)); // B
    long endOfB = subscriptions.position(TP);
    assertTrue(endOfB > endOfA);
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> fetcher.bufferedFetches(TP) == 1);
    read.addAll(fetcher.collectFetch(RECORDS).get(TP)); // C
    assertTrue(subscriptions.position(TP) > endOfB, "C started where B ended, so its records were taken");
    assertEquals(subscriptions.position(TP), read.size());
    for (int i = 0; i < read.size(); i++) {
      assertEquals(i, read.get(i).offset(), "in order, no gap, no duplicate across continued answers");
      assertEquals("v" + i, read.get(i).value());
    }
  }

  @Test
  void seekDiscardsPrefetchedAnswers() {
    fetchUntilBuffered(2);
    List<ConsumerRecord<String, String>> first = fetcher.collectFetch(3).get(TP);
    assertEquals(0, first.get(0).offset());

    subscriptions.seek(TP, 500);
    List<ConsumerRecord<String, String>> read = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 15_000;
    while (read.size() < RECORDS - 500 && System.currentTimeMillis() < deadline) {
      fetcher.sendFetches();
      read.addAll(fetcher.collectFetch(50).getOrDefault(TP, List.of()));
      awaitIfIdle();
    }
    assertEquals(RECORDS - 500, read.size());
    assertEquals(500, read.get(0).offset(), "nothing buffered from before the seek is handed out");
    for (int i = 1; i < read.size(); i++) {
      assertTrue(read.get(i).offset() == read.get(i - 1).offset() + 1, "consecutive after the seek");
    }
  }
}
