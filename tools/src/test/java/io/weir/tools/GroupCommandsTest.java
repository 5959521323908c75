package io.weir.tools;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.client.common.serialization.StringDeserializer;
import io.weir.client.consumer.WeirConsumer;
import io.weir.tools.ClientCommandsTest.Run;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code weir consume -g} and every {@code weir group} command through the entry point, against one in-JVM node. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupCommandsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int N = 6;

  private TestCluster cluster; // started before the tests, closed after them

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
    return ClientCommandsTest.runWithInput("",
        Stream.concat(Stream.of(args), Stream.of("-b", cluster.bootstrap())).toArray(String[]::new));
  }

  private Run ok(String... args) {
    Run r = run(args);
    assertEquals(0, r.code(), () -> String.join(" ", args) + ": " + r.err());
    return r;
  }

  private Run fails(int code, String... args) {
    Run r = run(args);
    assertEquals(code, r.code(), () -> String.join(" ", args) + " should fail: " + r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    return r;
  }

  private static List<String> sorted(List<String> lines) {
    return lines.stream().sorted().toList();
  }

  @Test
  void consumeAsAGroupThenDescribeResetAndDelete() {
    ok("topic", "create", "ledger", "-p", "2");
    String input = IntStream.range(0, N).mapToObj(i -> "k" + i + ":v" + i).collect(Collectors.joining("\n")) + "\n";
    Run produced = ClientCommandsTest.runWithInput(input,
        "produce", "ledger", "--key-separator", ":", "-b", cluster.bootstrap());
    assertEquals(0, produced.code(), produced.err());
    List<String> first = IntStream.range(0, N).mapToObj(i -> "v" + i).toList();
    assertEquals(first, sorted(ok("consume", "ledger", "-g", "g1", "--from-beginning", "-n", String.valueOf(N)).lines()));
    assertEquals("", ok("consume", "ledger", "-g", "g1", "--from-beginning", "--timeout-ms", "1500").out());
    Run more = ClientCommandsTest.runWithInput("late\n", "produce", "ledger", "-b", cluster.bootstrap());
    assertEquals(0, more.code(), more.err());
    assertEquals(List.of("late"), ok("consume", "ledger", "-g", "g1", "--from-beginning", "-n", "1").lines(),
        "the group resumes from its commits, not from the beginning");

    assertTrue(ok("group", "list").lines().contains("g1"));
    assertTrue(ok("group", "list", "-o", "json").out().contains("{\"groupId\":\"g1\",\"state\":\"Empty\","),
        "json list");

    List<String> described = ok("group", "describe", "g1").lines();
    assertEquals("GROUP\tSTATE\tASSIGNMENT-STRATEGY\t#MEMBERS", described.get(0));
    assertTrue(described.get(1).matches("g1\tEmpty\t\\S+\t0"), described.get(1));
    assertEquals("GROUP\tTOPIC\tPARTITION\tCURRENT-OFFSET\tLOG-END-OFFSET\tLAG\tCONSUMER-ID\tHOST\tCLIENT-ID",
        described.get(3));
    long total = 0;
    for (int p = 0; p < 2; p++) {
      String[] row = described.get(4 + p).split("\t");
      assertEquals(List.of("g1", "ledger", String.valueOf(p)), List.of(row).subList(0, 3));
      assertEquals(row[3], row[4], "CURRENT-OFFSET = LOG-END-OFFSET in " + described.get(4 + p));
      assertEquals(List.of("0", "-", "-", "-"), List.of(row).subList(5, 9));
      total += Long.parseLong(row[4]);
    }
    assertEquals(N + 1, total);
    assertTrue(ok("group", "describe", "g1", "-o", "json").out().contains("\"lag\":0"));

    Run dryRun = ok("group", "reset-offsets", "g1", "--topic", "ledger", "--to-earliest", "--dry-run");
    assertEquals(List.of("GROUP\tTOPIC\tPARTITION\tNEW-OFFSET", "g1\tledger\t0\t0", "g1\tledger\t1\t0"),
        dryRun.lines());
    assertEquals(described, ok("group", "describe", "g1").lines(), "a dry run changes nothing");

    ok("group", "reset-offsets", "g1", "--topic", "ledger", "--to-earliest", "--execute");
    assertTrue(ok("group", "describe", "g1").lines().get(4).matches("g1\tledger\t0\t0\t\\d+\t\\d+\t-\t-\t-"));
    List<String> all = Stream.concat(first.stream(), Stream.of("late")).sorted().toList();
    assertEquals(all, sorted(ok("consume", "ledger", "-g", "g1", "-n", String.valueOf(N + 1)).lines()));

    ok("group", "reset-offsets", "g1", "--topic", "ledger:1", "--shift-by", "-1", "--execute");
    assertEquals(1, ok("consume", "ledger", "-g", "g1", "-n", "1").lines().size());

    assertEquals("Deletion of requested consumer groups ('g1') was successful.",
        ok("group", "delete", "g1").out().strip());
    assertEquals("weir group describe: Consumer group 'g1' does not exist.",
        fails(1, "group", "describe", "g1").err().strip());
    assertTrue(fails(1, "group", "delete", "g1").err().contains("g1"));
  }

  @Test
  void resetIsRefusedWhileTheGroupHasActiveMembers() {
    ok("topic", "create", "busy", "-p", "1");
    Map<String, Object> props = Map.of("bootstrap.servers", cluster.bootstrap(), "group.id", "live",
        "enable.auto.commit", "false");
    try (WeirConsumer<String, String> member =
             new WeirConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      member.subscribe(List.of("busy"));
      await().atMost(WAIT).until(() -> {
        member.poll(Duration.ofMillis(100));
        return !member.assignment().isEmpty();
      });
      Run refused = fails(1, "group", "reset-offsets", "live", "--topic", "busy", "--to-latest", "--execute");
      assertTrue(refused.err().startsWith(
          "weir group reset-offsets: Assignments can only be reset if the group 'live' is inactive"), refused.err());
      List<String> described = ok("group", "describe", "live").lines();
      assertTrue(described.get(1).matches("live\tStable\t\\S+\t1"), described.get(1));
      assertTrue(described.get(4).matches("live\tbusy\t0\t-\t0\t-\t\\S+\t-\t\\S+"), described.get(4));
      assertTrue(fails(1, "group", "delete", "live").err().contains("NON_EMPTY_GROUP"));
    }
  }

  @Test
  void badInputIsOneLineAndNonZero() {
    assertEquals("weir group describe: Consumer group 'nobody' does not exist.",
        fails(1, "group", "describe", "nobody").err().strip());
    String noTarget = fails(2, "group", "reset-offsets", "g", "--topic", "t", "--execute").err();
    assertEquals("weir group reset-offsets: Error: Missing required argument (specify one of these): (--to-earliest | "
        + "--to-latest | --to-offset=N | --to-datetime=ISO | --shift-by=N | --by-duration=PnDTnHnM) "
        + "(see weir group reset-offsets --help)", noTarget.strip());
    String noMode = fails(2, "group", "reset-offsets", "g", "--topic", "t", "--to-latest").err();
    assertTrue(noMode.contains("Missing required argument (specify one of these): (--dry-run | --execute)"), noMode);
    Run both = fails(2, "group", "reset-offsets", "g", "--topic", "t", "--to-latest", "--to-earliest", "--execute");
    assertTrue(both.err().contains("mutually exclusive"), both.err());
    assertEquals(2, fails(2, "group", "reset-offsets", "g", "--to-latest", "--execute").code());
    ok("topic", "create", "small", "-p", "1");
    assertEquals("weir group reset-offsets: topic small has no partition 3",
        fails(1, "group", "reset-offsets", "g", "--topic", "small:3", "--to-latest", "--dry-run").err().strip());
    assertEquals("weir group reset-offsets: --by-duration must be a non-negative ISO-8601 duration like P1DT2H30M, "
            + "not 'soon'",
        fails(1, "group", "reset-offsets", "g", "--topic", "small", "--by-duration", "soon", "--dry-run").err().strip());
    assertEquals("weir consume: --group cannot be used with --partition: the group assigns partitions",
        fails(1, "consume", "small", "-g", "g", "--partition", "0").err().strip());
    Run help = run("group", "reset-offsets", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--to-datetime"), help.out());
  }
}
