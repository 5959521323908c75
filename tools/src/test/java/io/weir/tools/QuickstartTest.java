package io.weir.tools;

import static io.weir.tools.ClientCommandsTest.runWithInput;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weir.broker.node.LoopbackPorts;
import java.io.PrintWriter;
import java.io.StringWriter;
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

/** The README's quickstart, command by command: server, topic create, produce, consume. */
class QuickstartTest {
  @TempDir Path dir;

  @Test
  void helloGoesInAndComesBackOut() throws Exception {
    List<Integer> ports = LoopbackPorts.free(2);
    int brokerPort = ports.get(0);
    int controllerPort = ports.get(1);
    String bootstrap = "127.0.0.1:" + brokerPort;
    StringWriter serverOut = new StringWriter();
    CommandLine serverCli = Weir.commandLine(System.in);
    serverCli.setOut(new PrintWriter(serverOut, true));
    ServerCommand server = serverCli.getSubcommands().get("server").getCommand();
    ExecutorService serverThread = Executors.newSingleThreadExecutor();
    try {
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> serverCli.execute("server",
          "--override", "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
          "--override", "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
          "--override", "log.dirs=" + dir.resolve("weir-data"), "--override", "metrics.port=0"), serverThread);
      await("the server starts").atMost(Duration.ofSeconds(60)).until(() -> serverOut.toString().contains("started"));

      ClientCommandsTest.Run created = runWithInput("", "topic", "create", "demo", "-p", "3", "-b", bootstrap);
      assertEquals(0, created.code(), created.err());
      ClientCommandsTest.Run produced = runWithInput("hello\n", "produce", "demo", "-b", bootstrap);
      assertEquals(0, produced.code(), produced.err());
      ClientCommandsTest.Run consumed = runWithInput("", "consume", "demo", "--from-beginning", "-n", "1",
          "--timeout-ms", "30000", "-b", bootstrap);
      assertEquals(0, consumed.code(), consumed.err());
      assertEquals("hello\n", consumed.out());

      server.stop();
      assertEquals(0, exit.get(30, TimeUnit.SECONDS));
    } finally {
      server.stop();
      serverThread.shutdownNow();
    }
  }
}
