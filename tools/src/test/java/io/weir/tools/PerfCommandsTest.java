package io.weir.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.tools.ClientCommandsTest.Run;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weir perf produce|consume|e2e} through the {@code weir} entry point against one in-JVM node:
 * their output parses with the expressions the Kafka bench harness applies to Kafka's tools, and the
 * counts add up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PerfCommandsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** The total line as ../shared/bench/kafka/bench.sh parses Kafka's ProducerPerformance. */
  private static final Pattern PRODUCE_TOTAL = Pattern.compile("^(\\d+) records sent, ([0-9.]+) records/sec \\(([0-9.]+) MB/sec\\), "
      + "([0-9.]+) ms avg latency, ([0-9.]+) ms max latency, ([0-9]+) ms 50th, ([0-9]+) ms 95th, ([0-9]+) ms 99th, "
      + "([0-9]+) ms 99\\.9th\\.$");
  private static final String CONSUME_HEADER = "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, "
      + "nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec";
  private static final Pattern CONSUME_LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d:\\d{3}, "
      + "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d:\\d{3}, ([0-9.]+), ([0-9.]+), (\\d+), ([0-9.]+), (\\d+), (-?\\d+), ([0-9.]+), ([0-9.]+)$");

  private TestCluster cluster;

  @BeforeAll
  void startCluster(@TempDir Path dir) {
    cluster = new TestCluster(dir, 1);
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private Run run(String... args) {
    String[] all = Stream.concat(Stream.of(args), Stream.of("-b", cluster.bootstrap())).toArray(String[]::new);
    return assertTimeoutPreemptively(WAIT, () -> ClientCommandsTest.runWithInput("", all));
  }

  private Run ok(String... args) {
    Run r = run(args);
    assertEquals(0, r.code(), () -> String.join(" ", args) + ": " + r.err());
    return r;
  }

  private static Matcher matching(Pattern p, String line) {
    Matcher m = p.matcher(line);
    assertTrue(m.matches(), () -> "'" + line + "' does not match " + p);
    return m;
  }

  @Test
  void producedRecordsAreAllConsumedAndTheFiguresParse() {
    ok("topic", "create", "perf", "-p", "2");
    Run produced = ok("perf", "produce", "--topic", "perf", "--num-records", "2000", "--record-size", "100",
        "--throughput", "-1", "--producer-props", "acks=1", "linger.ms=5", "batch.size=16384", "--reporting-interval", "1");
    List<String> lines = produced.lines();
    Matcher total = matching(PRODUCE_TOTAL, lines.get(lines.size() - 1));
    assertEquals(2000, Long.parseLong(total.group(1)));
    double seconds = 2000 / Double.parseDouble(total.group(2));
    assertEquals(2000 * 100 / (1024.0 * 1024.0) / seconds, Double.parseDouble(total.group(3)), 0.01);
    int max = (int) Double.parseDouble(total.group(5));
    int p50 = Integer.parseInt(total.group(6));
    int p95 = Integer.parseInt(total.group(7));
    int p99 = Integer.parseInt(total.group(8));
    int p999 = Integer.parseInt(total.group(9));
    assertTrue(p50 <= p95 && p95 <= p99 && p99 <= p999 && p999 <= max, lines.get(lines.size() - 1));
    assertTrue(Double.parseDouble(total.group(4)) <= max, "avg <= max");
    // With a 1 ms interval every other line is a progress line, whose counts add up to at most the total.
    long progress = lines.subList(0, lines.size() - 1).stream()
        .map(l -> matching(Pattern.compile("^(\\d+) records sent, [0-9.]+ records/sec \\([0-9.]+ MB/sec\\), "
            + "[0-9.]+ ms avg latency, [0-9.]+ ms max latency\\.$"), l))
        .mapToLong(m -> Long.parseLong(m.group(1))).sum();
    assertTrue(progress <= 2000, "progress lines count " + progress);

    Run consumed = ok("perf", "consume", "--topic", "perf", "--messages", "2000", "--group", "perf-readers");
    assertEquals(CONSUME_HEADER, consumed.lines().get(0));
    Matcher line = matching(CONSUME_LINE, consumed.lines().get(1));
    assertEquals(String.format(java.util.Locale.ROOT, "%.4f", 2000 * 100 / (1024.0 * 1024.0)), line.group(1));
    assertEquals(2000, Long.parseLong(line.group(3)));
    assertEquals(2, consumed.lines().size());
    assertTrue(ok("group", "describe", "perf-readers").out().contains("perf"), "the consumer used its group");
  }

  @Test
  void everyRecordGetsFreshRandomLettersAsInKafkasTool() {
    ok("topic", "create", "letters", "-p", "1");
    ok("perf", "produce", "--topic", "letters", "--num-records", "20", "--record-size", "30", "--throughput", "-1");
    List<String> values = ok("consume", "letters", "--from-beginning", "-n", "20").lines();
    assertEquals(20, values.size());
    values.forEach(v -> assertTrue(v.matches("[A-Z]{30}"), v));
    assertEquals(20, new java.util.HashSet<>(values).size(), "a payload drawn once would repeat: " + values);
  }

  @Test
  void monotonicPayloadsAreTheSequenceNumbers() {
    ok("topic", "create", "counted", "-p", "1");
    Run produced = ok("perf", "produce", "--topic", "counted", "--num-records", "50", "--payload-monotonic",
        "--throughput", "-1");
    assertTrue(produced.out().startsWith("50 records sent, "), produced.out());
    assertEquals(IntStream.range(0, 50).mapToObj(Integer::toString).toList(),
        ok("consume", "counted", "--from-beginning", "-n", "50").lines());
  }

  @Test
  void aThrottledProducerKeepsItsRate() {
    ok("topic", "create", "slow", "-p", "1");
    long start = System.nanoTime();
    Run produced = ok("perf", "produce", "--topic", "slow", "--num-records", "300", "--record-size", "10",
        "--throughput", "1000");
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    // The 300th record is due 299 ms after the first: a lower bound that no slowness can break.
    assertTrue(elapsedMs >= 299, "took " + elapsedMs + " ms");
    Matcher total = matching(PRODUCE_TOTAL, produced.out().strip());
    assertTrue(Double.parseDouble(total.group(2)) <= 1000 * 1.05, total.group(2) + " records/sec");
  }

  @Test
  void endToEndLatencyCreatesItsTopicAndPrintsKafkasLines() {
    Run e2e = ok("perf", "e2e", "--topic", "roundtrip", "--messages", "30", "--size", "64", "--acks", "all");
    List<String> lines = e2e.lines();
    assertEquals("Topic \"roundtrip\" does not exist. Will create topic with 1 partition(s) and replication factor = 1",
        lines.get(0));
    assertTrue(lines.get(1).matches("0\t[0-9.]+(E-?\\d+)?"), lines.get(1));
    double avg = Double.parseDouble(matching(Pattern.compile("^Avg latency: ([0-9.]+) ms$"), lines.get(2)).group(1));
    Matcher p = matching(Pattern.compile("^Percentiles: 50th = (\\d+), 99th = (\\d+), 99\\.9th = (\\d+)$"), lines.get(3));
    assertTrue(Integer.parseInt(p.group(1)) <= Integer.parseInt(p.group(2))
        && Integer.parseInt(p.group(2)) <= Integer.parseInt(p.group(3)), lines.get(3));
    assertTrue(avg > 0, "avg " + avg);
    assertEquals(4, lines.size());
    // The records went through the log: 30 of them.
    assertEquals(30, ok("consume", "roundtrip", "--from-beginning", "-n", "30", "--timeout-ms", "5000").lines().size());
  }

  @Test
  void failuresAreCountedAndExitNonZero() {
    Run unknown = run("perf", "produce", "--topic", "nope", "--num-records", "10", "--record-size", "10",
        "--throughput", "-1", "--producer-props", "max.block.ms=1000");
    assertEquals(1, unknown.code());
    assertTrue(unknown.out().startsWith("0 records sent, "), unknown.out());
    assertEquals("weir perf produce: 1 of 1 records were not acknowledged (stopped sending after 1 of 10): "
        + "Topic nope not present in metadata after 1000 ms.", unknown.err().strip());

    ok("topic", "create", "empty", "-p", "1");
    Run idle = run("perf", "consume", "--topic", "empty", "--messages", "10", "--timeout", "300");
    assertEquals(1, idle.code());
    assertEquals(0, Long.parseLong(matching(CONSUME_LINE, idle.lines().get(1)).group(3)));
    assertEquals("weir perf consume: consumed 0 of 10 records: no record for 300 ms (--timeout)", idle.err().strip());

    Run acks0 = run("perf", "e2e", "--topic", "empty", "--messages", "1", "--size", "1", "--acks", "0");
    assertEquals(1, acks0.code());
    assertEquals("weir perf e2e: --acks must be all or 1: latency needs an acknowledged send, not '0'", acks0.err().strip());
  }

  @Test
  void wrongFlagsAreUsageErrors() {
    Run noSize = run("perf", "produce", "--topic", "t", "--num-records", "1", "--throughput", "-1");
    assertEquals(2, noSize.code());
    assertTrue(noSize.err().startsWith("weir perf produce: Error: Missing required argument"), noSize.err());
    Run both = run("perf", "produce", "--topic", "t", "--num-records", "1", "--throughput", "-1", "--record-size", "1",
        "--payload-monotonic");
    assertEquals(2, both.code());
    assertTrue(both.err().contains("mutually exclusive"), both.err());
    Run badProp = run("perf", "produce", "--topic", "t", "--num-records", "1", "--throughput", "-1", "--record-size", "1",
        "--producer-props", "acks");
    assertEquals(2, badProp.code());
    Run zeroRate = run("perf", "produce", "--topic", "t", "--num-records", "1", "--throughput", "0", "--record-size", "1");
    assertEquals(1, zeroRate.code());
    assertEquals("weir perf produce: --throughput must be positive, or -1 for no limit: 0.0", zeroRate.err().strip());
    Run badAcks = run("perf", "produce", "--topic", "t", "--num-records", "1", "--throughput", "-1", "--record-size", "1",
        "--producer-props", "acks=2");
    assertEquals(1, badAcks.code());
    assertTrue(badAcks.err().startsWith("weir perf produce: ") && badAcks.err().contains("acks"), badAcks.err());
  }
}
