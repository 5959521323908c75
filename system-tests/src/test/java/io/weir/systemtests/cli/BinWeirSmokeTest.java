package io.weir.systemtests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.broker.node.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code bin/weir} as a user runs it: version, help, a wrong flag, an unreachable cluster, the
 * class archive of a command's first run.
 */
class BinWeirSmokeTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private BinWeir weir() {
    return new BinWeir(dir, Map.of());
  }

  @Test
  void versionIsOneLine() throws Exception {
    BinWeir.Result r = weir().run(WAIT, "--version");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().matches("weir \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), r.toString());
    assertEquals("", r.err());
  }

  @Test
  void helpListsTheCommandsAndDevClusterItsOptions() throws Exception {
    BinWeir.Result r = weir().run(WAIT, "--help");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().startsWith("Usage: weir "), r.toString());
    for (String command : List.of("server", "topic", "produce", "consume", "group", "cluster", "dev")) {
      assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith(command + " ")), command + " in\n" + r);
    }
    BinWeir.Result dev = weir().run(WAIT, "dev", "cluster", "--help");
    assertEquals(0, dev.code(), dev.toString());
    for (String option : List.of("--nodes", "--controllers", "--dir", "--detach", "--base-port", "--java-opts", "stop")) {
      assertTrue(dev.out().contains(option), option + " in\n" + dev);
    }
  }

  @Test
  void aWrongFlagIsOneLineOnStderrAndExitCodeTwo() throws Exception {
    BinWeir.Result r = weir().run(WAIT, "topic", "list", "--no-such-flag");
    assertEquals(2, r.code(), r.toString());
    assertEquals("weir topic list: Unknown option: '--no-such-flag' (see weir topic list --help)\n", r.err());
    assertEquals("", r.out());
  }

  @Test
  void anUnreachableBootstrapServerIsAClearMessageWithinTheTimeout() throws Exception {
    String nowhere = "127.0.0.1:" + LoopbackPorts.free();
    // The request timeout bounds the wait; the rest of the bound is the JVM starting.
    BinWeir.Result r = weir().run(Duration.ofSeconds(20), "topic", "list", "-b", nowhere, "--request-timeout-ms", "2000");
    assertEquals(1, r.code(), r.toString());
    assertEquals("weir topic list: could not fetch metadata from any of " + nowhere + " or the known brokers\n",
        r.err());
  }

  @Test
  void aCommandsFirstSuccessfulRunRecordsTheClassesItsLaterRunsMap() throws Exception {
    Path cds = dir.resolve("cds");
    Path classLog = dir.resolve("classes.log");
    BinWeir weir = new BinWeir(dir, Map.of("WEIR_CDS_DIR", cds.toString()));

    String nowhere = "127.0.0.1:" + LoopbackPorts.free();
    BinWeir.Result failed = weir.run(Duration.ofSeconds(20), "topic", "list", "-b", nowhere, "--request-timeout-ms", "500");
    assertEquals(1, failed.code(), failed.toString());
    assertEquals(List.of(), archives(cds), "a failed run publishes no archive and leaves no partial one");

    BinWeir.Result first = weir.run(WAIT, "storage", "random-uuid");
    assertEquals(0, first.code(), first.toString());
    assertEquals("", first.err(), "recording is silent");
    List<String> recorded = archives(cds);
    assertEquals(1, recorded.size(), recorded.toString());
    assertTrue(recorded.get(0).matches("storage-random-uuid-\\d+\\.jsa"), recorded.toString());

    BinWeir mapped = new BinWeir(dir, Map.of("WEIR_CDS_DIR", cds.toString(),
        "WEIR_JAVA_OPTS", BinWeir.FAST_JVM + " -Xlog:class+load=info:file=" + classLog));
    BinWeir.Result second = mapped.run(WAIT, "storage", "random-uuid");
    assertEquals(0, second.code(), second.toString());
    assertEquals("", second.err());
    assertTrue(second.out().matches("[A-Za-z0-9_-]{22}\n"), second.toString());
    assertTrue(Files.readAllLines(classLog).stream()
            .anyMatch(l -> l.contains(" io.weir.tools.Weir source: shared objects file (top)")),
        "the CLI's main class comes from the command's archive");
    assertEquals(recorded, archives(cds), "the archive is reused, not recorded again");
  }

  private static List<String> archives(Path cds) throws Exception {
    if (!Files.isDirectory(cds)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(cds)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }
}
