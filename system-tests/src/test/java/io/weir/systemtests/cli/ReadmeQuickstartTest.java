package io.weir.systemtests.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.broker.node.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quickstart through the real {@code bin/weir}: one {@code weir server} with the
 * commands exactly as printed (the bootstrap comes from {@code WEIR_BOOTSTRAP}, as ports are free
 * ones here), and a three-node {@code weir dev cluster} holding a topic with three in-sync replicas.
 */
class ReadmeQuickstartTest {
  private static final Duration COMMAND = Duration.ofSeconds(60);
  /** Dev cluster nodes start on small heaps, without the optimising compiler: they live for seconds. */
  private static final String NODE_JVM = "-Xms128m -Xmx256m " + BinWeir.FAST_JVM;

  @TempDir Path dir;

  private final List<ProcessHandle> started = new ArrayList<>(); // the test thread's, stopped after each test

  @AfterEach
  void stopEverythingStarted() {
    started.forEach(BinWeir::stop);
  }

  @Test
  void helloGoesInAndComesBackOutOfWeirServer() throws Exception {
    List<Integer> ports = LoopbackPorts.free(2);
    int brokerPort = ports.get(0);
    int controllerPort = ports.get(1);
    Path log = dir.resolve("server.log");
    BinWeir weir = new BinWeir(dir, Map.of("WEIR_BOOTSTRAP", "127.0.0.1:" + brokerPort));
    Process server = weir.start(log, "server",
        "--override", "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "--override", "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "--override", "metrics.port=0",
        "--override", "log.dirs=" + dir.resolve("weir-data"));
    started.add(server.toHandle());
    await("weir server starts").atMost(COMMAND).until(() -> {
      String printed = Files.readString(log);
      if (!server.isAlive()) {
        throw new AssertionError("weir server exited with " + server.exitValue() + ":\n" + printed);
      }
      return printed.contains("Weir node 1 started: broker on 127.0.0.1:" + brokerPort);
    });

    BinWeir.Result created = weir.run(COMMAND, "topic", "create", "demo", "-p", "3");
    assertEquals(0, created.code(), created.toString());
    BinWeir.Result produced = weir.runWithInput(COMMAND, "hello\n", "produce", "demo");
    assertEquals(0, produced.code(), produced.toString());
    BinWeir.Result consumed = weir.run(COMMAND, "consume", "demo", "--from-beginning", "-n", "1");
    assertEquals(0, consumed.code(), consumed.toString());
    assertEquals("hello\n", consumed.out());

    server.destroy();
    assertTrue(server.waitFor(30, TimeUnit.SECONDS), "weir server stops on SIGTERM");
  }

  @Test
  void aDetachedDevClusterServesATopicWithThreeInSyncReplicasAndStops() throws Exception {
    Path d = dir.resolve("dev");
    BinWeir weir = new BinWeir(dir, Map.of());
    try {
      BinWeir.Result up = weir.run(Duration.ofSeconds(90),
          "dev", "cluster", "--nodes", "3", "--dir", d.toString(), "--detach", "--java-opts", NODE_JVM);
      assertEquals(0, up.code(), up.toString());
      String bootstrap = Files.readString(d.resolve("bootstrap")).strip();
      assertTrue(up.out().contains("Bootstrap: " + bootstrap), up.toString());
      assertEquals(3, bootstrap.split(",").length, bootstrap);
      List<Long> pids = pids(d);
      assertEquals(3, pids.size());
      assertTrue(pids.stream().allMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)));

      BinWeir.Result created = weir.run(COMMAND, "topic", "create", "t", "-p", "3", "-r", "3", "-b", bootstrap);
      assertEquals(0, created.code(), created.toString());
      BinWeir.Result described = weir.run(COMMAND, "topic", "describe", "t", "-b", bootstrap);
      assertEquals(0, described.code(), described.toString());
      List<String> partitions = described.out().lines().filter(l -> l.contains("Partition:")).toList();
      assertEquals(3, partitions.size(), described.toString());
      for (String line : partitions) {
        assertEquals(Set.of(1, 2, 3), ids(line, "Replicas"), line);
        assertEquals(Set.of(1, 2, 3), ids(line, "Isr"), line);
      }

      BinWeir.Result down = weir.run(COMMAND, "dev", "cluster", "stop", "--dir", d.toString());
      assertEquals(0, down.code(), down.toString());
      for (long pid : pids) {
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " is gone");
      }
      assertFalse(Files.exists(d.resolve("pids")));
    } finally {
      // Whatever happened, no node outlives the test.
      if (Files.exists(d.resolve("pids"))) {
        pids(d).forEach(pid -> ProcessHandle.of(pid).ifPresent(started::add));
      }
    }
  }

  private static List<Long> pids(Path devDir) throws IOException {
    return Files.readAllLines(devDir.resolve("pids")).stream().filter(l -> !l.isBlank())
        .map(l -> Long.parseLong(l.split(" ")[1])).toList();
  }

  /** The ids after {@code Name: } in a line of {@code topic describe}, e.g. {@code Isr: 3,1,2}. */
  private static Set<Integer> ids(String line, String name) {
    Optional<String> field = Arrays.stream(line.split("\t")).map(String::strip)
        .filter(f -> f.startsWith(name + ": ")).findFirst();
    return Arrays.stream(field.orElseThrow(() -> new AssertionError("no " + name + " in " + line))
            .substring(name.length() + 2).split(","))
        .map(Integer::parseInt).collect(Collectors.toSet());
  }
}
