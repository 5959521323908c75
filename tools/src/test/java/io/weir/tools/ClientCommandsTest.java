package io.weir.tools;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.broker.node.LoopbackPorts;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every client command through the {@code weir} entry point, against one in-JVM node. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCommandsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private Path dir; // the class's temporary directory, set before the tests
  private TestCluster cluster;

  record Run(int code, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  @BeforeAll
  void startCluster(@TempDir Path tempDir) {
    dir = tempDir;
    cluster = new TestCluster(dir, 1);
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static Run runWithInput(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Weir.commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Run run(String... args) {
    return runWithInput("", withBootstrap(args));
  }

  private String[] withBootstrap(String... args) {
    return Stream.concat(Stream.of(args), Stream.of("-b", cluster.bootstrap())).toArray(String[]::new);
  }

  private Run ok(String... args) {
    Run r = run(args);
    assertEquals(0, r.code(), () -> String.join(" ", args) + ": " + r.err());
    return r;
  }

  @Test
  void topicLifecycle() {
    assertEquals("Created topic orders.", ok("topic", "create", "orders", "-p", "3").out().strip());
    Run again = run("topic", "create", "orders");
    assertEquals(1, again.code());
    assertEquals("weir topic create: TOPIC_ALREADY_EXISTS: Topic 'orders' already exists.", again.err().strip());
    assertEquals("Topic orders already exists.", ok("topic", "create", "orders", "--if-not-exists").out().strip());

    assertTrue(ok("topic", "list").lines().contains("orders"));
    assertTrue(ok("topic", "list", "-o", "json").out().strip().matches("\\[(\"[^\"]+\",)*\"orders\"(,\"[^\"]+\")*]"));

    List<String> described = ok("topic", "describe", "orders").lines();
    assertEquals(4, described.size(), described.toString());
    assertTrue(described.get(0).matches(
        "Topic: orders\tTopicId: \\S+\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: "), described.get(0));
    for (int p = 0; p < 3; p++) {
      assertEquals("\tTopic: orders\tPartition: " + p + "\tLeader: 1\tReplicas: 1\tIsr: 1", described.get(p + 1));
    }
    assertEquals("", ok("topic", "describe", "orders", "--under-replicated-partitions").out());
    assertEquals(3, ok("topic", "describe", "orders", "--at-min-isr-partitions").lines().size());

    ok("topic", "alter-config", "orders", "-c", "retention.ms=60000", "-c", "cleanup.policy=compact");
    ok("topic", "alter-config", "orders", "--delete-config", "cleanup.policy");
    await().atMost(WAIT).until(() -> ok("topic", "describe", "orders").lines().get(0)
        .endsWith("\tConfigs: retention.ms=60000"));

    Run alter = ok("topic", "alter", "orders", "--partitions", "4");
    assertTrue(alter.err().startsWith("WARNING: If partitions are increased"), alter.err());
    await().atMost(WAIT).until(() -> ok("topic", "describe", "orders").lines().size() == 5);
    assertTrue(ok("topic", "describe", "orders", "-o", "json").out()
        .contains("\"name\":\"orders\",\"topicId\":"), "json describe");

    assertEquals("Deleted topic orders.", ok("topic", "delete", "orders").out().strip());
    Run missing = run("topic", "delete", "orders");
    assertEquals(1, missing.code());
    assertTrue(missing.err().startsWith("weir topic delete: UNKNOWN_TOPIC_OR_PARTITION"), missing.err());
    assertEquals("Topic orders does not exist.", ok("topic", "delete", "orders", "--if-exists").out().strip());
  }

  @Test
  void produceThenConsumeWithKeysHeadersAndFormats() throws Exception {
    ok("topic", "create", "events", "-p", "1");
    Run produced = runWithInput("a:1\nb:2\n",
        withBootstrap("produce", "events", "--key-separator", ":", "--header", "src=cli", "--compression", "lz4"));
    assertEquals(0, produced.code(), produced.err());
    Path file = dir.resolve("more.txt");
    Files.writeString(file, "3\n");
    ok("produce", "events", "-f", file.toString(), "--acks", "1");

    assertEquals(List.of("a=1 0 0 src=cli", "b=2 0 1 src=cli", "null=3 0 2 "),
        ok("consume", "events", "--from-beginning", "-n", "3", "--format", "%k=%v %p %o %h").lines());
    assertEquals(List.of("2"), ok("consume", "events", "--partition", "0", "--offset", "1", "-n", "1").lines());
    assertEquals(List.of("1"), ok("consume", "events", "--partition", "0", "--offset", "earliest", "-n", "1").lines());

    Run idle = ok("consume", "events", "--timeout-ms", "500");
    assertEquals("", idle.out());
    assertEquals("Processed a total of 0 messages", idle.err().strip());

    Run badOffset = run("consume", "events", "--partition", "0", "--offset", "soon");
    assertEquals(1, badOffset.code());
    assertEquals("weir consume: --offset must be a non-negative number, earliest or latest, not 'soon'",
        badOffset.err().strip());
  }

  @Test
  void badInputIsOneLineAndNonZero() {
    Run unknown = run("topic", "describe", "nope");
    assertEquals(1, unknown.code());
    assertTrue(unknown.err().startsWith("weir topic describe: UNKNOWN_TOPIC_OR_PARTITION"), unknown.err());
    assertEquals(1, unknown.err().strip().lines().count());

    Run wide = run("topic", "create", "wide", "-r", "3");
    assertEquals(1, wide.code());
    assertEquals("weir topic create: INVALID_REPLICATION_FACTOR: Replication factor: 3 larger than available brokers: 1.",
        wide.err().strip());

    Run missingName = run("topic", "create");
    assertEquals(2, missingName.code());
    assertEquals("weir topic create: Missing required parameter: 'NAME' (see weir topic create --help)",
        missingName.err().strip());
    Run badFlag = run("topic", "list", "--bogus");
    assertEquals(2, badFlag.code());
    assertTrue(badFlag.err().startsWith("weir topic list: Unknown option: '--bogus'"), badFlag.err());
    Run noPartitions = run("topic", "alter", "x");
    assertEquals(2, noPartitions.code());
    assertEquals(1, run("config", "describe").code());
    assertEquals(1, run("leader", "elect", "--preferred").code());

    Run produceUnknown = runWithInput("x\n", withBootstrap("produce", "nope", "--request-timeout-ms", "1500"));
    assertEquals(1, produceUnknown.code());
    assertEquals("weir produce: 1 of 1 records were not acknowledged: Topic nope not present in metadata after 1500 ms.",
        produceUnknown.err().strip());
  }

  @Test
  void anUnreachableBootstrapServerFailsWithinTheRequestTimeout() {
    String nowhere = "127.0.0.1:" + LoopbackPorts.free();
    Run r = assertTimeoutPreemptively(WAIT, () -> runWithInput("",
        "topic", "list", "-b", nowhere, "--request-timeout-ms", "1500"));
    assertEquals(1, r.code());
    assertEquals("weir topic list: could not fetch metadata from any of " + nowhere + " or the known brokers",
        r.err().strip());
  }

  @Test
  void clusterQuorumConfigAndLeaderCommands() {
    String clusterId = cluster.node(1).clusterId();
    assertEquals(List.of("Cluster ID: " + clusterId, "Controller: 1",
            "Broker: 1\tHost: 127.0.0.1\tPort: " + cluster.brokerPort(1) + "\tRack: rack-1\tFenced: false"),
        ok("cluster", "info").lines());
    assertEquals("{\"clusterId\":\"" + clusterId + "\",\"controllerId\":1,\"brokers\":[{\"id\":1,\"host\":\"127.0.0.1\","
        + "\"port\":" + cluster.brokerPort(1) + ",\"rack\":\"rack-1\",\"fenced\":false}]}",
        ok("cluster", "info", "-o", "json").out().strip());

    List<String> status = ok("quorum", "describe").lines();
    assertEquals("LeaderId:\t1", status.get(0));
    assertEquals("CurrentVoters:\t[1]", status.get(3));
    List<String> replication = ok("quorum", "describe", "--replication").lines();
    assertEquals("NodeId\tLogEndOffset\tLag\tLastContactTimestamp\tStatus", replication.get(0));
    assertTrue(replication.get(1).matches("1\t\\d+\t0\t-?\\d+\tLeader"), replication.get(1));
    assertTrue(ok("quorum", "describe", "-o", "json").out().startsWith("{\"leaderId\":1,"));

    ok("topic", "create", "settings", "-p", "2");
    ok("config", "alter", "--topic", "settings", "-c", "retention.ms=5000");
    await().atMost(WAIT).until(() -> ok("config", "describe", "--topic", "settings").lines()
        .contains("  retention.ms=5000 (TOPIC_CONFIG)"));
    assertTrue(ok("config", "describe", "--topic", "settings", "-o", "json").out()
        .contains("{\"name\":\"retention.ms\",\"value\":\"5000\",\"source\":\"TOPIC_CONFIG\"}"));
    assertEquals("Configs for broker 1 are:", ok("config", "describe", "--broker", "1").lines().get(0));

    assertEquals("Valid replica already elected for the partitions.",
        ok("leader", "elect", "--preferred", "--all").out().strip());
    assertEquals("Valid replica already elected for the partitions.",
        ok("leader", "elect", "--preferred", "--topic", "settings", "--partition", "1").out().strip());
  }

  @Test
  void helpShowsExamples() {
    Run help = runWithInput("", "topic", "create", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("weir topic create demo -p 3"), help.out());
    assertTrue(help.out().contains("--bootstrap-server"), help.out());
  }
}
