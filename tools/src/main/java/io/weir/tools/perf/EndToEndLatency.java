package io.weir.tools.perf;

import io.weir.client.admin.Admin;
import io.weir.client.admin.NewTopic;
import io.weir.client.common.PartitionInfo;
import io.weir.client.common.serialization.ByteArrayDeserializer;
import io.weir.client.common.serialization.ByteArraySerializer;
import io.weir.client.consumer.ConsumerRecords;
import io.weir.client.consumer.WeirConsumer;
import io.weir.client.producer.ProducerRecord;
import io.weir.client.producer.WeirProducer;
import io.weir.common.TopicPartition;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code weir perf e2e}: Kafka's EndToEndLatency. Sends one record, waits for its acknowledgement,
 * polls until a consumer assigned to every partition receives it, and times the whole round; N times,
 * one record at a time.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true, sortOptions = false,
    description = "End-to-end latency, send to receive, one record at a time (Kafka's EndToEndLatency).",
    footer = {"", "Prints, as Kafka does:", "  Avg latency: A ms", "  Percentiles: 50th = P, 99th = P, 99.9th = P",
        "(percentiles in whole ms). Creates the topic (1 partition, 1 replica) if it does not exist.",
        "", "Examples:", "  weir perf e2e --topic t --messages 10000 --size 1024 --acks all"})
final class EndToEndLatency extends PerfTool {
  static final long POLL_TIMEOUT_MS = 60_000;

  @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The topic to use.")
  String topic;
  @Option(names = {"--messages", "--num-records"}, required = true, paramLabel = "N", description = "Records to send.")
  int messages;
  @Option(names = {"--size", "--record-size"}, required = true, paramLabel = "BYTES", description = "Each record's value size.")
  int size;
  @Option(names = {"--acks", "--producer-acks"}, defaultValue = "all", paramLabel = "all|1",
      description = "Producer acks: all or 1 (default: ${DEFAULT-VALUE}).")
  String acks;
  @Option(names = {"--producer-props", "--command-property"}, arity = "1..*", paramLabel = "KEY=VALUE",
      description = "Producer properties with Kafka's names.")
  Map<String, String> producerProps = new LinkedHashMap<>();

  @Override
  protected int execute() throws Exception {
    if (!acks.equals("all") && !acks.equals("-1") && !acks.equals("1")) {
      throw new IllegalArgumentException("--acks must be all or 1: latency needs an acknowledged send, not '" + acks + "'");
    }
    if (messages < 1 || size < 1) {
      throw new IllegalArgumentException("--messages and --size must be positive: " + messages + ", " + size);
    }
    createTopicIfMissing();
    Map<String, Object> consumerDefaults = new LinkedHashMap<>();
    consumerDefaults.put("group.id", "test-group-" + System.currentTimeMillis());
    consumerDefaults.put("enable.auto.commit", "false");
    consumerDefaults.put("auto.offset.reset", "latest");
    consumerDefaults.put("fetch.max.wait.ms", "0"); // as Kafka's tool: the broker answers at once
    Map<String, Object> producerDefaults = new LinkedHashMap<>();
    producerDefaults.put("linger.ms", "0");
    Map<String, Object> producerProperties = client.properties(producerDefaults, null, producerProps);
    producerProperties.put("acks", acks); // --acks wins, as the tool's own option

    LatencySamples latencies = new LatencySamples(messages, messages);
    long totalNanos = 0;
    Random random = new Random(0);
    try (WeirConsumer<byte[], byte[]> consumer = new WeirConsumer<>(
             client.properties(consumerDefaults, null, Map.of()), new ByteArrayDeserializer(), new ByteArrayDeserializer());
         WeirProducer<byte[], byte[]> producer =
             new WeirProducer<>(producerProperties, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(PartitionInfo::partition).map(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position); // resolve the end offsets before the clock starts
      for (int i = 0; i < messages; i++) {
        byte[] value = ProducerPerformance.randomLetters(size, random);
        long begin = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, value)).get();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(POLL_TIMEOUT_MS));
        long elapsed = System.nanoTime() - begin;
        validate(records, value);
        if (i % 1000 == 0) {
          out().println(i + "\t" + elapsed / 1000.0 / 1000.0);
          out().flush();
        }
        totalNanos += elapsed;
        latencies.record((int) (elapsed / 1_000_000));
      }
      consumer.commitSync();
    }
    int[] p = latencies.percentiles(0.5, 0.99, 0.999);
    out().printf(Locale.ROOT, "Avg latency: %.4f ms%n", totalNanos / (double) messages / 1000.0 / 1000.0);
    out().printf(Locale.ROOT, "Percentiles: 50th = %d, 99th = %d, 99.9th = %d%n", p[0], p[1], p[2]);
    return 0;
  }

  private void createTopicIfMissing() throws Exception {
    try (Admin admin = Admin.create(client.adminProperties())) {
      if (!admin.listTopics().get().contains(topic)) {
        out().printf(Locale.ROOT, "Topic \"%s\" does not exist. Will create topic with %d partition(s) and replication factor = %d%n",
            topic, 1, 1);
        admin.createTopics(List.of(new NewTopic(topic, 1, 1, Map.of()))).get();
      }
    }
  }

  private static void validate(ConsumerRecords<byte[], byte[]> records, byte[] sent) {
    if (records.isEmpty()) {
      throw new IllegalStateException("poll() timed out before finding a result (timeout:[" + POLL_TIMEOUT_MS + "ms])");
    }
    if (records.count() != 1) {
      throw new IllegalStateException("Only one result was expected during this test. We found [" + records.count() + "]");
    }
    byte[] read = records.iterator().next().value();
    if (!Arrays.equals(read, sent)) {
      throw new IllegalStateException("The record value read did not match the record value sent");
    }
  }
}
