package io.weir.tools;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.weir.broker.node.ConfigDocs;
import io.weir.broker.node.LoopbackPorts;
import io.weir.broker.node.MetaProperties;
import io.weir.proto.v1.MetadataRequest;
import io.weir.proto.v1.MetadataServiceGrpc;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code weir server} run in-process: the real command code on free loopback ports. */
class ServerCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine cli() {
    CommandLine cli = new CommandLine(new Weir());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }

  @Test
  void printsTheConfigurationReferenceWithoutStarting() {
    assertEquals(0, cli().execute("server", "--print-config-docs"));
    assertEquals(ConfigDocs.markdown(), out.toString());
    assertTrue(out.toString().contains("| `node.id` | int | (required) |"), out.toString());
    assertEquals("", err.toString());
  }

  @Test
  void devModeFormatsServesMetadataAndStops() throws Exception {
    List<Integer> ports = LoopbackPorts.free(2);
    int brokerPort = ports.get(0);
    int controllerPort = ports.get(1);
    Path data = dir.resolve("weir-data");
    CommandLine cli = cli();
    ServerCommand server = cli.getSubcommands().get("server").getCommand();
    ExecutorService commandThread = Executors.newSingleThreadExecutor();
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", brokerPort).usePlaintext().build();
    try {
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("server",
          "--override", "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
          "--override", "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
          "--override", "log.dirs=" + data, "--override", "metrics.port=0"), commandThread);
      await("the broker answers MetadataService").atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
          MetadataServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
              .getMetadata(MetadataRequest.newBuilder().build()).getBrokersCount() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("started"));
      assertEquals("Weir node 1 started: broker on 127.0.0.1:" + brokerPort + ", controller on 127.0.0.1:"
          + controllerPort + ", data in " + data, out.toString().strip());
      assertEquals(1, MetaProperties.read(data).orElseThrow().nodeId());

      server.stop();
      assertEquals(0, exit.get(30, TimeUnit.SECONDS));
    } finally {
      server.stop();
      channel.shutdownNow();
      commandThread.shutdownNow();
    }
  }

  @Test
  void anInvalidValueIsOneLineOnStderrAndExitCodeOne() {
    int code = cli().execute("server", "--override", "node.id=one", "--override", "log.dirs=" + dir);
    assertEquals(1, code);
    assertEquals("weir server: Invalid value one for configuration node.id: Not a number of type INT",
        err.toString().strip());
  }

  @Test
  void aConfiguredNodeRefusesAnUnformattedDirectory() throws IOException {
    Path props = dir.resolve("server.properties");
    List<Integer> ports = LoopbackPorts.free(2);
    Files.writeString(props, String.join("\n",
        "node.id=3", "process.roles=broker,controller", "controller.quorum.voters=3@127.0.0.1:" + ports.get(1),
        "listeners=PLAINTEXT://127.0.0.1:" + ports.get(0) + ",CONTROLLER://127.0.0.1:" + ports.get(1),
        "log.dirs=" + dir.resolve("data"), "metrics.port=0"));
    assertEquals(1, cli().execute("server", "--config", props.toString()));
    String message = err.toString().strip();
    assertTrue(message.startsWith("weir server: No meta.properties found in " + dir.resolve("data")), message);
    assertEquals(1, message.lines().count(), message);
  }

  @Test
  void aMissingConfigFileIsNamed() {
    assertEquals(1, cli().execute("server", "--config", dir.resolve("nope.properties").toString()));
    assertEquals("weir server: Configuration file " + dir.resolve("nope.properties") + " does not exist",
        err.toString().strip());
  }

  @Test
  void aNodeFormattedWithStorageFormatStartsFromItsConfig() throws Exception {
    List<Integer> ports = LoopbackPorts.free(2);
    int brokerPort = ports.get(0);
    int controllerPort = ports.get(1);
    Path props = dir.resolve("server.properties");
    Files.writeString(props, String.join("\n",
        "node.id=3", "process.roles=broker,controller", "controller.quorum.voters=3@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "log.dirs=" + dir.resolve("data"), "metrics.port=0"));
    assertEquals(0, cli().execute("storage", "random-uuid"));
    String clusterId = out.toString().strip();
    assertEquals(22, clusterId.length(), clusterId);
    assertEquals(0, cli().execute("storage", "format", "--config", props.toString(), "--cluster-id", clusterId));
    assertEquals(clusterId, MetaProperties.read(dir.resolve("data")).orElseThrow().clusterId());
    // Formatting again for another cluster is refused.
    assertEquals(1, cli().execute("storage", "format", "-c", props.toString(), "-t", "another"));
    assertTrue(err.toString().contains("belongs to another cluster"), err.toString());

    out.getBuffer().setLength(0);
    CommandLine cli = cli();
    ServerCommand server = cli.getSubcommands().get("server").getCommand();
    ExecutorService commandThread = Executors.newSingleThreadExecutor();
    try {
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(() -> cli.execute("server", "--config", props.toString()), commandThread);
      await().atMost(Duration.ofSeconds(60)).until(() -> out.toString().contains("started"));
      assertTrue(out.toString().startsWith("Weir node 3 started: broker on 127.0.0.1:" + brokerPort), out.toString());
      server.stop();
      assertEquals(0, exit.get(30, TimeUnit.SECONDS));
    } finally {
      server.stop();
      commandThread.shutdownNow();
    }
  }
}
