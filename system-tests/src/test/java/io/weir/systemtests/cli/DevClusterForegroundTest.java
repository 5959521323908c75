package io.weir.systemtests.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weir dev cluster} in the foreground: it refuses a second start in its directory and SIGTERM stops its nodes. */
class DevClusterForegroundTest {
  @TempDir Path dir;

  private final List<ProcessHandle> started = new ArrayList<>(); // the test thread's, stopped after each test

  @AfterEach
  void stopEverythingStarted() {
    started.forEach(BinWeir::stop);
  }

  @Test
  void sigtermStopsEveryNodeAndRemovesThePids() throws Exception {
    Path d = dir.resolve("dev");
    Path log = dir.resolve("dev-cluster.out");
    BinWeir weir = new BinWeir(dir, Map.of());
    Process cluster = weir.start(log, "dev", "cluster", "--nodes", "1", "--dir", d.toString(),
        "--java-opts", "-Xms128m -Xmx256m " + BinWeir.FAST_JVM);
    started.add(cluster.toHandle());
    await("the dev cluster serves").atMost(Duration.ofSeconds(60)).until(() -> {
      String printed = Files.readString(log);
      if (!cluster.isAlive()) {
        throw new AssertionError("weir dev cluster exited with " + cluster.exitValue() + ":\n" + printed);
      }
      return printed.contains("Press Ctrl-C to stop every node.");
    });
    String[] line = Files.readString(d.resolve("pids")).strip().split(" ");
    assertEquals("1", line[0]);
    ProcessHandle node = ProcessHandle.of(Long.parseLong(line[1])).orElseThrow();
    started.add(node);

    BinWeir.Result again = weir.run(Duration.ofSeconds(30), "dev", "cluster", "--nodes", "1", "--dir", d.toString());
    assertEquals(1, again.code(), again.toString());
    assertTrue(again.err().startsWith("weir dev cluster: " + d + " already has a running dev cluster (node 1 pid "
        + node.pid() + ")"), again.toString());

    cluster.destroy(); // SIGTERM, as Ctrl-C's shutdown path
    assertTrue(cluster.waitFor(40, TimeUnit.SECONDS), "weir dev cluster exits after SIGTERM");
    assertFalse(node.isAlive(), "the node was stopped with it");
    assertFalse(Files.exists(d.resolve("pids")));
    assertFalse(Files.exists(d.resolve("bootstrap")));
  }
}
