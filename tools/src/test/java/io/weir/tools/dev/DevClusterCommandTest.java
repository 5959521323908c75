package io.weir.tools.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.broker.node.MetaProperties;
import io.weir.broker.node.ServerConfig;
import io.weir.tools.Weir;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code weir dev cluster}'s options, generated configs, directory checks and {@code stop}, without JVMs. */
class DevClusterCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine cli() {
    CommandLine cli = Weir.commandLine(InputStream.nullInputStream());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }

  private int run(String... args) {
    return cli().execute(args);
  }

  private void assertInputError(String message, String... args) throws IOException {
    assertEquals(2, run(args), err.toString());
    assertEquals("weir dev cluster: " + message + " (see weir dev cluster --help)", err.toString().strip());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(0, files.count(), "nothing is written for a refused command");
    }
  }

  @Test
  void noNodesIsAnInputError() throws IOException {
    assertInputError("--nodes must be at least 1, was 0", "dev", "cluster", "--nodes", "0", "--dir", dir.toString());
  }

  @Test
  void moreControllersThanNodesIsAnInputError() throws IOException {
    assertInputError("--controllers must be between 1 and --nodes (2), was 3",
        "dev", "cluster", "--nodes", "2", "--controllers", "3", "--dir", dir.toString());
  }

  @Test
  void noControllersIsAnInputError() throws IOException {
    assertInputError("--controllers must be between 1 and --nodes (4), was 0",
        "dev", "cluster", "--nodes", "4", "--controllers", "0", "--dir", dir.toString());
  }

  @Test
  void portsPastTheLastPortAreAnInputError() throws IOException {
    assertInputError("--base-port 65531 leaves no room for 9 ports below 65536",
        "dev", "cluster", "--base-port", "65531", "--dir", dir.toString());
  }

  private DevClusterCommand parsed(String... args) {
    CommandLine cli = cli();
    CommandLine.ParseResult r = cli.parseArgs(args);
    return r.subcommand().subcommand().commandSpec().commandLine().getCommand();
  }

  private static ServerConfig load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      p.load(in);
    }
    Map<String, String> map = new HashMap<>();
    p.stringPropertyNames().forEach(k -> map.put(k, p.getProperty(k)));
    return ServerConfig.fromProperties(map);
  }

  @Test
  void fiveNodesWithThreeControllersGetConfigsTheServerAccepts() throws IOException {
    DevClusterCommand cmd = parsed("dev", "cluster", "--nodes", "5", "--controllers", "3", "--base-port", "20000",
        "--dir", dir.toString());
    List<DevNode> plan = cmd.plan();
    DevClusterCommand.writeConfigs(plan);
    assertEquals("127.0.0.1:20000,127.0.0.1:20003,127.0.0.1:20006,127.0.0.1:20009,127.0.0.1:20012",
        DevClusterCommand.bootstrap(plan));

    Set<String> clusterIds = new HashSet<>();
    for (int id = 1; id <= 5; id++) {
      Path nodeDir = dir.resolve("node-" + id);
      ServerConfig c = load(nodeDir.resolve("server.properties"));
      assertEquals(id, c.nodeId());
      assertTrue(c.hasBrokerRole());
      assertEquals(id <= 3, c.hasControllerRole(), "node " + id);
      assertEquals(List.of(1, 2, 3), List.copyOf(c.quorumConfig().voters().keySet()));
      assertEquals(20001, c.quorumConfig().voters().get(1).port());
      assertEquals(20007, c.quorumConfig().voters().get(3).port());
      assertEquals(new ServerConfig.Listener("PLAINTEXT", "127.0.0.1", 20000 + 3 * (id - 1)), c.brokerListener());
      assertEquals(20002 + 3 * (id - 1), c.metricsPort());
      if (id <= 3) {
        assertEquals(new ServerConfig.Listener("CONTROLLER", "127.0.0.1", 20001 + 3 * (id - 1)),
            c.controllerListener());
      }
      assertEquals(List.of(nodeDir.resolve("data")), c.logDirs());
      assertEquals(3, c.controllerConfig().defaultReplicationFactor());
      assertEquals(3, c.brokerConfig().groupConfig().offsetsTopicReplicationFactor());
      assertEquals(1, c.brokerConfig().minInsyncReplicas());
      MetaProperties meta = MetaProperties.read(nodeDir.resolve("data")).orElseThrow();
      assertEquals(id, meta.nodeId());
      clusterIds.add(meta.clusterId());
    }
    assertEquals(1, clusterIds.size(), "every node is formatted for one cluster");
  }

  @Test
  void replicationDefaultsFollowASmallClusterAndPortsAreFreeAndDistinct() throws IOException {
    List<DevNode> plan = parsed("dev", "cluster", "--nodes", "2", "--dir", dir.toString()).plan();
    DevClusterCommand.writeConfigs(plan);
    Set<Integer> ports = new HashSet<>();
    for (DevNode n : plan) {
      assertTrue(n.controller(), "min(N, 3) controllers by default");
      ports.add(n.brokerPort());
      ports.add(n.controllerPort());
      ports.add(n.metricsPort());
      ServerConfig c = load(n.config());
      assertEquals(2, c.controllerConfig().defaultReplicationFactor());
      assertEquals(2, c.brokerConfig().groupConfig().offsetsTopicReplicationFactor());
    }
    assertEquals(6, ports.size(), ports.toString());
    assertFalse(ports.contains(0));
  }

  /** A stand-in for a node: a process whose command line names {@code file}, as a node's names its config. */
  private static Process standIn(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "");
    return new ProcessBuilder("tail", "-f", file.toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  @Test
  void stopSignalsExactlyTheListedNodesAndRemovesThePids() throws Exception {
    Process node1 = standIn(dir.resolve("node-1/server.properties"));
    Process stranger = standIn(dir.resolve("unrelated.txt")); // listed, but its command line is not node 2's
    try {
      Files.writeString(dir.resolve("pids"), "1 " + node1.pid() + "\n2 " + stranger.pid() + "\n");
      Files.writeString(dir.resolve("bootstrap"), "127.0.0.1:1\n");
      assertEquals(0, run("dev", "cluster", "stop", "--dir", dir.toString()), err.toString());
      assertTrue(node1.waitFor(10, TimeUnit.SECONDS), "node 1 was stopped");
      assertTrue(stranger.isAlive(), "a reused pid is never signalled");
      assertEquals(List.of("Not running: node 2 (pid " + stranger.pid() + ")",
          "Stopped 1 node(s) of the dev cluster in " + dir), out.toString().lines().toList());
      assertFalse(Files.exists(dir.resolve("pids")));
      assertFalse(Files.exists(dir.resolve("bootstrap")));

      assertEquals(1, run("dev", "cluster", "stop", "--dir", dir.toString()));
      assertEquals("weir dev cluster stop: no dev cluster runs in " + dir + " (no " + dir.resolve("pids") + ")",
          err.toString().strip());
    } finally {
      node1.destroyForcibly();
      stranger.destroyForcibly();
    }
  }

  @Test
  void aDirectoryWithARunningClusterIsRefusedAndLeftAlone() throws Exception {
    Process node1 = standIn(dir.resolve("node-1/server.properties"));
    try {
      Files.writeString(dir.resolve("pids"), "1 " + node1.pid() + "\n");
      assertEquals(1, run("dev", "cluster", "--nodes", "1", "--dir", dir.toString()));
      assertEquals("weir dev cluster: " + dir + " already has a running dev cluster (node 1 pid " + node1.pid()
          + "); stop it with: weir dev cluster stop --dir " + dir, err.toString().strip());
      assertTrue(node1.isAlive());
      assertEquals("1 " + node1.pid() + "\n", Files.readString(dir.resolve("pids")));
    } finally {
      node1.destroyForcibly();
    }
  }

  @Test
  void theLeftoversOfAnEarlierClusterAreRefused() throws IOException {
    Files.createDirectories(dir.resolve("node-1/data"));
    assertEquals(1, run("dev", "cluster", "--nodes", "1", "--dir", dir.toString()));
    assertEquals("weir dev cluster: " + dir + " holds the nodes of an earlier dev cluster (node-1); "
        + "delete it or choose another --dir", err.toString().strip());
  }

  @Test
  void aMalformedPidsFileIsNamed() throws IOException {
    Files.writeString(dir.resolve("pids"), "1 123\nnode-2 456\n");
    assertEquals(1, run("dev", "cluster", "stop", "--dir", dir.toString()));
    assertEquals("weir dev cluster stop: " + dir.resolve("pids") + " line 2 is not 'node.id pid': node-2 456",
        err.toString().strip());
  }
}
