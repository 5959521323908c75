package io.weir.tools.perf;

import io.weir.client.common.serialization.ByteArraySerializer;
import io.weir.client.producer.ProducerRecord;
import io.weir.client.producer.WeirProducer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code weir perf produce}: Kafka's ProducerPerformance. Sends N records as fast as allowed, measuring
 * each record's latency from {@code send()} to its acknowledgement callback; prints a progress line
 * every reporting interval and Kafka's total line at the end.
 */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Producer throughput and latency (Kafka's kafka-producer-perf-test.sh).",
    footer = {"", "Prints, as Kafka does:",
        "  N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, "
            + "P ms 50th, P ms 95th, P ms 99th, P ms 99.9th.",
        "Exits with 1 if any record was not acknowledged (it stops sending at the first failure).",
        "", "Examples:", "  weir perf produce --topic t --num-records 1000000 --record-size 1024 --throughput -1 \\",
        "      --producer-props acks=1 linger.ms=5 batch.size=131072"})
final class ProducerPerformance extends PerfTool {
  @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "Produce to this topic.")
  String topic;
  @Option(names = "--num-records", required = true, paramLabel = "N", description = "Records to produce.")
  long numRecords;
  @ArgGroup(exclusive = true, multiplicity = "1") Payload payload;
  @Option(names = "--throughput", required = true, paramLabel = "RATE",
      description = "At most about RATE records/sec; -1 for no limit.")
  double throughput;
  @Option(names = {"--producer-props", "--command-property"}, arity = "1..*", paramLabel = "KEY=VALUE",
      description = "Producer properties with Kafka's names (acks, linger.ms, batch.size, compression.type, "
          + "enable.idempotence, ...), over --producer.config.")
  Map<String, String> producerProps = new LinkedHashMap<>();
  @Option(names = "--producer.config", paramLabel = "FILE", description = "Producer properties file.")
  Path producerConfig;
  @Option(names = "--reporting-interval", paramLabel = "MS", defaultValue = "5000",
      description = "Progress line interval in ms (default: ${DEFAULT-VALUE}).")
  long reportingIntervalMs;

  static final class Payload {
    @Option(names = "--record-size", paramLabel = "BYTES",
        description = "Each record's value: BYTES random letters, drawn anew for every record as Kafka's tool does.")
    Integer recordSize;
    @Option(names = "--payload-monotonic", description = "Each record's value: its sequence number (0, 1, 2, ...).")
    boolean monotonic;
  }

  @Override
  protected int execute() throws Exception {
    if (numRecords < 1) {
      throw new IllegalArgumentException("--num-records must be positive: " + numRecords);
    }
    if (payload.recordSize != null && payload.recordSize < 1) {
      throw new IllegalArgumentException("--record-size must be positive: " + payload.recordSize);
    }
    if (reportingIntervalMs < 1) {
      throw new IllegalArgumentException("--reporting-interval must be positive: " + reportingIntervalMs);
    }
    Map<String, Object> props = client.properties(Map.of("client.id", "perf-producer-client"), producerConfig, producerProps);
    // As Kafka's tool: one buffer, refilled with random letters before every send (send() copies it
    // into the batch), so both tools spend the same CPU per record outside the client.
    byte[] letters = payload.recordSize == null ? null : new byte[payload.recordSize];
    SplittableRandom random = new SplittableRandom(0);
    ProducerStats stats;
    long sent = 0;
    try (WeirProducer<byte[], byte[]> producer = new WeirProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      // As Kafka's tool: the clock starts once the producer is built.
      stats = new ProducerStats(numRecords, reportingIntervalMs, monotonicMs(), out());
      Throttle throttle = new Throttle(throughput, System.nanoTime());
      while (sent < numRecords && stats.failed() == 0) {
        byte[] value = letters != null ? fillLetters(letters, random) : Long.toString(sent).getBytes(StandardCharsets.US_ASCII);
        long sendStartMs = monotonicMs();
        int size = value.length;
        producer.send(new ProducerRecord<>(topic, value), (metadata, e) -> {
          long now = monotonicMs();
          if (e == null) {
            stats.record((int) (now - sendStartMs), size, now);
          } else {
            stats.failure(e);
          }
        });
        sent++;
        throttle.await(sent);
      }
      producer.flush();
      out().println(stats.totalLine(monotonicMs()));
    }
    long failed = stats.failed();
    if (failed > 0) {
      Exception e = stats.firstError();
      String unsent = sent < numRecords ? " (stopped sending after " + sent + " of " + numRecords + ")" : "";
      throw new IllegalStateException(failed + " of " + sent + " records were not acknowledged" + unsent + ": "
          + (e.getMessage() == null ? e.toString() : e.getMessage()));
    }
    return 0;
  }

  /** Kafka's payload: random upper-case letters. */
  static byte[] randomLetters(int size, RandomGenerator random) {
    return fillLetters(new byte[size], random);
  }

  /** Refills {@code b} with random upper-case letters, as Kafka's ProducerPerformance does per record. */
  static byte[] fillLetters(byte[] b, RandomGenerator random) {
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) ('A' + random.nextInt(26));
    }
    return b;
  }
}
