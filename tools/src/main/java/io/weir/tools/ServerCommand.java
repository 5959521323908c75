package io.weir.tools;

import io.weir.broker.node.ConfigDocs;
import io.weir.broker.node.ServerConfig;
import io.weir.broker.node.StorageFormatter;
import io.weir.broker.node.WeirNode;
import io.weir.common.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code weir server}: starts a node from {@code server.properties}, or without one the single-node
 * development default (formatted on first start). Runs until SIGTERM/Ctrl-C, which closes the node
 * through a shutdown hook. A configuration error is one line on stderr and exit code 1.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Start a Weir node (broker, controller or both).")
public final class ServerCommand implements Callable<Integer> {
  /**
   * How long a stopping broker waits for the controller to move its leaderships away; public because
   * the Kubernetes manifests' termination grace period must cover it (checked by a test).
   */
  public static final Duration CONTROLLED_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "server.properties; without it, a single combined node with data in ./weir-data.")
  Path config;

  @Option(names = "--override", paramLabel = "KEY=VALUE", description = "Set a property, over the file's value.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--log-level", paramLabel = "LOGGER=LEVEL",
      description = "Set a logger's level (a package or class; a bare LEVEL sets the root), over the logback "
          + "configuration. Repeatable, e.g. --log-level io.weir.metadata=DEBUG.")
  List<String> logLevels = new ArrayList<>();

  @Option(names = "--print-config-docs",
      description = "Print the reference of every server.properties key (docs/configuration.md) and exit.")
  boolean printConfigDocs;

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean(); // the first stop() closes the node
  private volatile WeirNode node; // set by the command thread, closed by whoever stops it
  private volatile Thread shutdownHook;

  /** The single-node default of the README's quickstart. */
  static Map<String, String> devDefaults() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("node.id", "1");
    p.put("process.roles", "broker,controller");
    p.put("listeners", "PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093");
    p.put("controller.quorum.voters", "1@localhost:9093");
    p.put("log.dirs", "./weir-data");
    return p;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      LogLevels.apply(logLevels);
    } catch (IllegalArgumentException e) {
      err.println("weir server: " + e.getMessage());
      err.flush();
      return 1;
    }
    if (printConfigDocs) {
      out.print(ConfigDocs.markdown());
      out.flush();
      return 0;
    }
    ServerConfig serverConfig;
    try {
      Map<String, String> props = config == null ? devDefaults() : load(config);
      props.putAll(overrides);
      serverConfig = ServerConfig.fromProperties(props);
      if (config == null) {
        // Development mode formats its own directory; a configured node must be formatted first.
        StorageFormatter.format(serverConfig.allDirs(), serverConfig.nodeId(),
            StorageFormatter.existingClusterId(serverConfig.allDirs()).orElseGet(StorageFormatter::randomClusterId));
      }
      node = WeirNode.start(serverConfig);
    } catch (ConfigException | IllegalStateException | UncheckedIOException e) {
      err.println("weir server: " + e.getMessage());
      err.flush();
      return 1;
    }
    shutdownHook = new Thread(this::stop, "weir-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      if (serverConfig.hasBrokerRole()) {
        // As Kafka, a broker waits as long as it takes for its controllers; Ctrl-C stops the wait.
        node.brokerReady().get();
      }
    } catch (ExecutionException e) {
      if (stopping.get()) {
        return 0; // stopped while starting
      }
      err.println("weir server: node " + serverConfig.nodeId() + " did not start serving: " + e.getCause().getMessage());
      err.flush();
      stop();
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      return 1;
    }
    out.println(startedLine(serverConfig));
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
    }
    return 0;
  }

  static String startedLine(ServerConfig c) {
    StringJoiner roles = new StringJoiner(", ");
    if (c.hasBrokerRole()) {
      roles.add("broker on " + address(c.brokerListener()));
    }
    if (c.hasControllerRole()) {
      roles.add("controller on " + address(c.controllerListener()));
    }
    return "Weir node " + c.nodeId() + " started: " + roles + ", data in " + c.logDirs().get(0);
  }

  private static String address(ServerConfig.Listener l) {
    return (l.host().isEmpty() ? "0.0.0.0" : l.host()) + ":" + l.port();
  }

  /** Closes the node (from the shutdown hook, or a test) and lets {@link #call} return. */
  void stop() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    WeirNode n = node;
    if (n != null) {
      n.shutdown(CONTROLLED_SHUTDOWN_TIMEOUT);
    }
    Thread hook = shutdownHook;
    if (hook != null && Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down.
      }
    }
    stopped.countDown();
  }

  /** Reads a properties file; a missing file is a configuration error naming it. */
  static Map<String, String> load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("Configuration file " + file + " does not exist");
    }
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> map = new LinkedHashMap<>();
    props.stringPropertyNames().forEach(k -> map.put(k, props.getProperty(k)));
    return map;
  }
}
