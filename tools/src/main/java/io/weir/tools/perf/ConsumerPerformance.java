package io.weir.tools.perf;

import io.weir.client.common.serialization.ByteArrayDeserializer;
import io.weir.client.consumer.ConsumerRebalanceListener;
import io.weir.client.consumer.ConsumerRecord;
import io.weir.client.consumer.ConsumerRecords;
import io.weir.client.consumer.WeirConsumer;
import io.weir.common.TopicPartition;
import java.nio.file.Path;
import java.text.SimpleDateFormat;
import java.time.Duration;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code weir perf consume}: Kafka's ConsumerPerformance. A group member reads N records and prints
 * Kafka's header and CSV line: MB and records per second over the whole run, and over the fetch time
 * alone (the run less the time spent joining the group).
 */
@Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Consumer throughput (Kafka's kafka-consumer-perf-test.sh).",
    footer = {"", "Prints, as Kafka does:", "  " + ConsumerPerformance.HEADER,
        "and one line of those values. Exits with 1 if fewer than N records came before the timeout.",
        "", "Examples:", "  weir perf consume --topic t --messages 1000000"})
final class ConsumerPerformance extends PerfTool {
  static final String HEADER = "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, "
      + "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec";

  @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "Consume from this topic.")
  String topic;
  @Option(names = {"--messages", "--num-records"}, required = true, paramLabel = "N", description = "Records to consume.")
  long messages;
  @Option(names = "--group", paramLabel = "GROUP", description = "The consumer group (default: perf-consumer-<random>).")
  String group;
  @Option(names = "--timeout", paramLabel = "MS", defaultValue = "10000",
      description = "Stop after MS ms without a record (default: ${DEFAULT-VALUE}).")
  long timeoutMs;
  @Option(names = "--from-latest", description = "Without a committed offset, start at the end, not the beginning.")
  boolean fromLatest;
  @Option(names = {"--consumer-props", "--command-property"}, arity = "1..*", paramLabel = "KEY=VALUE",
      description = "Consumer properties with Kafka's names, over --consumer.config.")
  Map<String, String> consumerProps = new LinkedHashMap<>();
  @Option(names = "--consumer.config", paramLabel = "FILE", description = "Consumer properties file.")
  Path consumerConfig;
  @Option(names = "--hide-header", description = "Print the line without the header.")
  boolean hideHeader;

  @Override
  protected int execute() throws Exception {
    if (messages < 1) {
      throw new IllegalArgumentException("--messages must be positive: " + messages);
    }
    Map<String, Object> defaults = new LinkedHashMap<>();
    defaults.put("group.id", group != null ? group : "perf-consumer-" + ThreadLocalRandom.current().nextInt(100_000));
    defaults.put("auto.offset.reset", fromLatest ? "latest" : "earliest");
    defaults.put("check.crcs", "false"); // as Kafka's tool: it measures transfer, not verification
    defaults.put("client.id", "perf-consumer-client");
    Map<String, Object> props = client.properties(defaults, consumerConfig, consumerProps);

    long records = 0;
    long bytes = 0;
    long startMs;
    long endMs;
    JoinTimer join;
    try (WeirConsumer<byte[], byte[]> consumer =
             new WeirConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      // As Kafka's tool: the clock starts once the consumer is built, before it subscribes.
      startMs = System.currentTimeMillis();
      join = new JoinTimer(startMs);
      consumer.subscribe(List.of(topic), join);
      long now = startMs;
      long lastRecordMs = startMs;
      while (records < messages && now - lastRecordMs <= timeoutMs) {
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(100));
        now = System.currentTimeMillis();
        if (!polled.isEmpty()) {
          lastRecordMs = now;
        }
        for (ConsumerRecord<byte[], byte[]> r : polled) {
          records++;
          bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
        }
      }
      endMs = System.currentTimeMillis();
    }
    if (!hideHeader) {
      out().println(HEADER);
    }
    out().println(line(startMs, endMs, bytes, records, join.totalMs));
    if (records < messages) {
      err().println(spec.qualifiedName() + ": consumed " + records + " of " + messages + " records: no record for "
          + timeoutMs + " ms (--timeout)");
      return 1;
    }
    return 0;
  }

  /** Kafka's CSV line. */
  static String line(long startMs, long endMs, long bytes, long records, long joinMs) {
    SimpleDateFormat date = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss:SSS", Locale.ROOT);
    double seconds = Math.max(1, endMs - startMs) / 1000.0;
    double fetchSeconds = Math.max(1, endMs - startMs - joinMs) / 1000.0;
    double mb = bytes / (1024.0 * 1024.0);
    return String.format(Locale.ROOT, "%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f",
        date.format(new Date(startMs)), date.format(new Date(endMs)), mb, mb / seconds, records, records / seconds,
        joinMs, endMs - startMs - joinMs, mb / fetchSeconds, records / fetchSeconds);
  }

  /**
   * Time spent joining the group, as Kafka's tool counts it: from the start (or a revocation) to each
   * assignment. Called by the consumer inside poll(), on the command thread.
   */
  private static final class JoinTimer implements ConsumerRebalanceListener {
    private long joinStartMs;
    private long totalMs;

    JoinTimer(long startMs) {
      this.joinStartMs = startMs;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      joinStartMs = System.currentTimeMillis();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      totalMs += System.currentTimeMillis() - joinStartMs;
    }
  }
}
