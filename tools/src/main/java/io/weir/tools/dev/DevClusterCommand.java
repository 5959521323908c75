package io.weir.tools.dev;

import io.weir.broker.node.LoopbackPorts;
import io.weir.broker.node.ServerConfig;
import io.weir.broker.node.StorageFormatter;
import io.weir.client.admin.Admin;
import io.weir.client.admin.BrokerDescription;
import io.weir.common.config.ConfigException;
import io.weir.tools.dev.DevClusterFiles.NodePid;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code weir dev cluster}: N {@code weir server} processes (separate JVMs running this same jar) on
 * 127.0.0.1, for trying replication and failover on one machine. Nodes 1..C are combined
 * broker+controller nodes (the Raft voters), nodes C+1..N brokers only. In the foreground it stops
 * every node on Ctrl-C/SIGTERM; with {@code --detach} it returns once every broker serves, leaving
 * {@code D/bootstrap} and {@code D/pids} for {@code weir dev cluster stop}.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, subcommands = DevClusterCommand.Stop.class,
    description = {"Start N local Weir nodes as separate processes on 127.0.0.1 (ports chosen and printed).",
        "Nodes 1..C are combined broker+controller nodes (the controller quorum's voters); nodes C+1..N run the "
            + "broker role only. Each node has D/node-<id>/server.properties, server.log and data/.",
        "default.replication.factor and offsets.topic.replication.factor are min(3, N), as Kafka's defaults.",
        "In the foreground, Ctrl-C stops every node. With --detach the command returns once every broker serves, "
            + "leaving D/bootstrap (host:port,...) and D/pids (one 'node.id pid' line per node)."},
    footer = {"", "Examples:", "  weir dev cluster --nodes 3",
        "  weir dev cluster --nodes 5 --controllers 3 --dir /tmp/weir5 --detach",
        "  weir topic create t -p 3 -r 3 -b $(cat weir-dev/bootstrap)",
        "  weir dev cluster stop --dir weir-dev"})
final class DevClusterCommand implements Callable<Integer> {
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "3", description = "Nodes to start (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--controllers", paramLabel = "C",
      description = "Combined broker+controller nodes among the N (default: min(N, 3)); the rest are brokers only.")
  Integer controllers;

  @Option(names = "--dir", paramLabel = "D", defaultValue = "weir-dev",
      description = "Directory for the nodes' configs, logs and data (default: ./${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--detach", description = "Return once the cluster serves, leaving the nodes running.")
  boolean detach;

  @Option(names = "--base-port", paramLabel = "P",
      description = "Node i listens on P+3(i-1) (broker), P+3(i-1)+1 (controller) and P+3(i-1)+2 (metrics); "
          + "default: free ports.")
  Integer basePort;

  @Option(names = "--java-opts", paramLabel = "OPTS", defaultValue = "-Xms1g -Xmx1g",
      description = "JVM options of every node (default: ${DEFAULT-VALUE}).")
  String javaOpts;

  @Option(names = "--start-timeout-ms", paramLabel = "MS", defaultValue = "60000",
      description = "How long to wait for every broker to serve (default: ${DEFAULT-VALUE}).")
  long startTimeoutMs;

  private static final int PORTS_PER_NODE = 3; // broker, controller, metrics

  private final AtomicBoolean stopping = new AtomicBoolean(); // the first stopAll() stops the nodes

  /** The nodes this invocation plans: the options checked, ports chosen, nothing started. */
  List<DevNode> plan() {
    CommandLine cl = spec.commandLine();
    if (nodes < 1) {
      throw new CommandLine.ParameterException(cl, "--nodes must be at least 1, was " + nodes);
    }
    int c = controllers == null ? Math.min(nodes, 3) : controllers;
    if (c < 1 || c > nodes) {
      throw new CommandLine.ParameterException(cl,
          "--controllers must be between 1 and --nodes (" + nodes + "), was " + c);
    }
    if (basePort != null && (basePort < 1 || basePort + PORTS_PER_NODE * nodes - 1 > 65535)) {
      throw new CommandLine.ParameterException(cl, "--base-port " + basePort + " leaves no room for "
          + PORTS_PER_NODE * nodes + " ports below 65536");
    }
    if (startTimeoutMs < 1) {
      throw new CommandLine.ParameterException(cl, "--start-timeout-ms must be positive, was " + startTimeoutMs);
    }
    Path root = dir.toAbsolutePath().normalize();
    List<Integer> ports = basePort != null ? consecutive(basePort, PORTS_PER_NODE * nodes)
        : LoopbackPorts.free(PORTS_PER_NODE * nodes);
    List<DevNode> plan = new ArrayList<>();
    for (int id = 1; id <= nodes; id++) {
      int first = PORTS_PER_NODE * (id - 1);
      plan.add(new DevNode(id, id <= c, ports.get(first), ports.get(first + 1), ports.get(first + 2),
          root.resolve("node-" + id)));
    }
    return plan;
  }

  static String voters(List<DevNode> plan) {
    return plan.stream().filter(DevNode::controller)
        .map(n -> n.id() + "@" + DevNode.HOST + ":" + n.controllerPort()).collect(Collectors.joining(","));
  }

  static String bootstrap(List<DevNode> plan) {
    return plan.stream().map(DevNode::brokerAddress).collect(Collectors.joining(","));
  }

  @Override
  public Integer call() {
    List<DevNode> plan = plan();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DevClusterFiles files = new DevClusterFiles(dir.toAbsolutePath().normalize());
    List<Process> started = new ArrayList<>(); // the command thread starts them; stopAll() may run on the hook thread
    Thread hook = new Thread(() -> stopAll(started, files), "weir-dev-cluster-stop");
    try {
      refuseUsedDirectory(files);
      writeConfigs(plan);
      Runtime.getRuntime().addShutdownHook(hook);
      List<NodePid> pids = new ArrayList<>();
      for (DevNode n : plan) {
        Process p = launch(n);
        synchronized (started) {
          started.add(p);
        }
        pids.add(new NodePid(n.id(), p.pid()));
      }
      // Written at once so that `stop` finds the nodes even if this command dies while they start.
      files.writePids(pids);
      out.printf("Starting %d Weir nodes in %s (%s)%n", plan.size(), files.dir(), roles(plan));
      for (int i = 0; i < plan.size(); i++) {
        DevNode n = plan.get(i);
        out.printf("  node %d: broker %s%s, pid %d, log %s%n", n.id(), n.brokerAddress(),
            n.controller() ? ", controller " + DevNode.HOST + ":" + n.controllerPort() : "",
            started.get(i).pid(), n.logFile());
      }
      out.flush();
      awaitServing(plan, started);
      files.writeBootstrap(bootstrap(plan));
      out.println("Weir dev cluster serving: " + plan.size() + " brokers");
      out.println("Bootstrap: " + bootstrap(plan));
      if (detach) {
        out.println("Stop it with: weir dev cluster stop --dir " + files.dir());
        out.flush();
        removeHook(hook); // the nodes outlive this command
        return 0;
      }
      out.println("Press Ctrl-C to stop every node.");
      out.flush();
      for (int i = 0; i < plan.size(); i++) {
        DevNode n = plan.get(i);
        started.get(i).onExit().thenAccept(p -> {
          if (!stopping.get()) {
            err.printf("weir dev cluster: node %d (pid %d) exited with code %d; see %s%n",
                n.id(), p.pid(), p.exitValue(), n.logFile());
            err.flush();
          }
        });
      }
      CompletableFuture.allOf(started.stream().map(Process::onExit).toArray(CompletableFuture[]::new)).get();
      stopAll(started, files); // every node has exited on its own (e.g. killed by someone else)
      removeHook(hook);
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopAll(started, files);
      removeHook(hook);
      return 1;
    } catch (RuntimeException | ExecutionException | IOException e) {
      if (!stopping.get()) { // else Ctrl-C while starting: the nodes' exits are expected
        err.println("weir dev cluster: " + e.getMessage());
        err.flush();
      }
      stopAll(started, files);
      removeHook(hook);
      return 1;
    }
  }

  /** A directory with a live cluster, or the leftovers of an earlier one, is not reused. */
  private static void refuseUsedDirectory(DevClusterFiles files) {
    Optional<List<NodePid>> pids = files.readPids();
    if (pids.isPresent()) {
      String live = pids.get().stream().filter(p -> files.liveProcess(p).isPresent())
          .map(p -> "node " + p.nodeId() + " pid " + p.pid()).collect(Collectors.joining(", "));
      if (!live.isEmpty()) {
        throw new IllegalStateException(files.dir() + " already has a running dev cluster (" + live
            + "); stop it with: weir dev cluster stop --dir " + files.dir());
      }
    }
    List<Path> old = files.existingNodeDirs();
    if (!old.isEmpty()) {
      throw new IllegalStateException(files.dir() + " holds the nodes of an earlier dev cluster ("
          + old.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", "))
          + "); delete it or choose another --dir");
    }
  }

  /** Writes each node's server.properties (checked as the node will parse it) and formats its storage. */
  static void writeConfigs(List<DevNode> plan) throws IOException {
    String voters = voters(plan);
    String clusterId = StorageFormatter.randomClusterId();
    for (DevNode n : plan) {
      Map<String, String> props = n.properties(voters, plan.size());
      ServerConfig config;
      try {
        config = ServerConfig.fromProperties(props);
      } catch (ConfigException e) {
        throw new IllegalStateException("node " + n.id() + ": " + e.getMessage(), e);
      }
      Files.createDirectories(n.dataDir());
      StringBuilder sb = new StringBuilder("# node " + n.id() + " of a `weir dev cluster` of " + plan.size() + "\n");
      props.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
      Files.writeString(n.config(), sb.toString(), StandardCharsets.UTF_8);
      StorageFormatter.format(config.allDirs(), n.id(), clusterId);
    }
  }

  private Process launch(DevNode n) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (!javaOpts.isBlank()) {
      cmd.addAll(Arrays.asList(javaOpts.strip().split("\\s+")));
    }
    cmd.addAll(selfInvocation());
    cmd.addAll(List.of("server", "--config", n.config().toString()));
    Process p = new ProcessBuilder(cmd)
        .directory(n.dir().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(n.logFile().toFile()))
        .start();
    p.getOutputStream().close(); // a node reads no input
    return p;
  }

  /** How a child JVM runs this same CLI: {@code -jar weir.jar}, or the class path when not run from a jar. */
  static List<String> selfInvocation() {
    Path location;
    try {
      location = Path.of(DevClusterCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the weir jar: " + e.getMessage(), e);
    }
    if (Files.isRegularFile(location) && location.toString().endsWith(".jar")) {
      return List.of("-jar", location.toString());
    }
    return List.of("-cp", System.getProperty("java.class.path"), "io.weir.tools.Weir");
  }

  /** Waits until every broker is registered and unfenced; fails early when a node exits. */
  private void awaitServing(List<DevNode> plan, List<Process> processes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(startTimeoutMs);
    String last = "no answer yet";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap(plan),
        "request.timeout.ms", 2000, "default.api.timeout.ms", 2000))) {
      while (true) {
        for (int i = 0; i < plan.size(); i++) {
          if (!processes.get(i).isAlive()) {
            throw new IllegalStateException("node " + plan.get(i).id() + " exited with code "
                + processes.get(i).exitValue() + " while starting; see " + plan.get(i).logFile());
          }
        }
        try {
          BrokerDescription d = admin.describeBrokers().get(3, TimeUnit.SECONDS);
          long serving = d.brokers().stream().filter(b -> !b.fenced()).count();
          if (serving == plan.size()) {
            return;
          }
          last = serving + " of " + plan.size() + " brokers unfenced";
        } catch (ExecutionException | TimeoutException e) {
          last = e.getCause() == null ? e.toString() : e.getCause().getMessage();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the cluster did not serve within " + startTimeoutMs + " ms (" + last
              + "); see the logs in " + plan.get(0).dir().getParent());
        }
        Thread.sleep(200);
      }
    }
  }

  /** Stops every started node (SIGTERM, bounded wait, SIGKILL) and removes D/pids and D/bootstrap, once. */
  private void stopAll(List<Process> started, DevClusterFiles files) {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    List<ProcessHandle> handles;
    synchronized (started) {
      handles = started.stream().map(Process::toHandle).toList();
    }
    if (handles.isEmpty()) {
      return; // refused before starting anything: D's files, if any, belong to another cluster
    }
    List<ProcessHandle> survivors = DevClusterFiles.stop(handles, STOP_GRACE);
    if (survivors.isEmpty()) {
      files.deletePidsAndBootstrap();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook runs anyway, and stopAll() runs only once.
    }
  }

  private static String roles(List<DevNode> plan) {
    long c = plan.stream().filter(DevNode::controller).count();
    return c == plan.size() ? "all combined broker+controller"
        : "nodes 1-" + c + " broker+controller, " + (c + 1) + "-" + plan.size() + " broker only";
  }

  private static List<Integer> consecutive(int from, int count) {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ports.add(from + i);
    }
    return ports;
  }

  /** {@code weir dev cluster stop --dir D}: stops exactly the processes D/pids names. */
  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "Stop the nodes a detached dev cluster left in D/pids (SIGTERM, then SIGKILL after "
          + "a bounded wait) and remove D/pids and D/bootstrap. The nodes' data and logs stay.",
      footer = {"", "Example:", "  weir dev cluster stop --dir weir-dev"})
  static final class Stop implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", paramLabel = "D", defaultValue = "weir-dev",
        description = "The dev cluster's directory (default: ./${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      DevClusterFiles files = new DevClusterFiles(dir.toAbsolutePath().normalize());
      try {
        Optional<List<NodePid>> pids = files.readPids();
        if (pids.isEmpty()) {
          err.println("weir dev cluster stop: no dev cluster runs in " + files.dir()
              + " (no " + files.pidsFile() + ")");
          return 1;
        }
        List<ProcessHandle> live = new ArrayList<>();
        StringJoiner gone = new StringJoiner(", ");
        for (NodePid p : pids.get()) {
          Optional<ProcessHandle> h = files.liveProcess(p);
          if (h.isPresent()) {
            live.add(h.get());
          } else {
            gone.add("node " + p.nodeId() + " (pid " + p.pid() + ")");
          }
        }
        if (gone.length() > 0) {
          out.println("Not running: " + gone);
        }
        List<ProcessHandle> survivors = DevClusterFiles.stop(live, STOP_GRACE);
        if (!survivors.isEmpty()) {
          err.println("weir dev cluster stop: could not stop pids "
              + survivors.stream().map(h -> String.valueOf(h.pid())).collect(Collectors.joining(", ")));
          return 1;
        }
        files.deletePidsAndBootstrap();
        out.println("Stopped " + live.size() + " node(s) of the dev cluster in " + files.dir());
        return 0;
      } catch (RuntimeException e) {
        err.println("weir dev cluster stop: " + e.getMessage());
        return 1;
      } finally {
        out.flush();
        err.flush();
      }
    }
  }
}
