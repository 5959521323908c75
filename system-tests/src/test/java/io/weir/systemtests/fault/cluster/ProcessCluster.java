package io.weir.systemtests.fault.cluster;

import static org.awaitility.Awaitility.await;

import io.weir.broker.node.LoopbackPorts;
import io.weir.broker.node.ServerConfig;
import io.weir.broker.node.StorageFormatter;
import io.weir.client.admin.Admin;
import io.weir.client.admin.AdminClientConfig;
import io.weir.client.admin.TopicDescription;
import io.weir.client.admin.TopicPartitionInfo;
import io.weir.client.common.Node;
import io.weir.systemtests.fault.proxy.FaultProxy;
import io.weir.systemtests.fault.proxy.LinkRules;
import io.weir.systemtests.fault.proxy.SocketOwners;
import org.awaitility.core.ConditionTimeoutException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * A Weir cluster of real {@code weir server} processes on loopback, every listener behind a
 * {@link FaultProxy}: nodes bind the real ports, advertise the broker proxy and name the controller
 * proxies in {@code controller.quorum.voters}, so every byte between nodes (Raft, broker heartbeats,
 * replication) and from clients crosses a proxy. Owned by one test thread; {@link #close} kills
 * every process it started.
 */
public final class ProcessCluster implements AutoCloseable {
  public static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Layout layout;
  private final LinkRules rules = new LinkRules();
  private final Map<Integer, NodeProcess> nodes = new TreeMap<>();
  private final Map<Integer, FaultProxy> brokerProxies = new TreeMap<>();
  private final Map<Integer, FaultProxy> controllerProxies = new TreeMap<>();
  private Admin admin; // created once the nodes are up
  // Kills the processes should the test JVM be stopped before close() (a surefire timeout).
  private final Thread killOnExit = new Thread(this::killAll, "process-cluster-kill");

  private ProcessCluster(Layout layout) {
    this.layout = layout;
  }

  /**
   * Formats and starts every node (data under {@code dataDir}, process output under {@code logDir})
   * and waits until each has printed its started line.
   */
  public static ProcessCluster start(Layout layout, Path dataDir, Path logDir, Path jar) {
    ProcessCluster c = new ProcessCluster(layout);
    Runtime.getRuntime().addShutdownHook(c.killOnExit);
    try {
      SocketOwners owners = new SocketOwners(c::pids);
      Map<Integer, Integer> brokerPorts = new TreeMap<>();
      Map<Integer, Integer> controllerPorts = new TreeMap<>();
      StringJoiner voters = new StringJoiner(",");
      Iterator<Integer> ports = LoopbackPorts.free(2 * layout.nodes().size()).iterator();
      for (int id : layout.nodes()) {
        if (layout.isBroker(id)) {
          brokerPorts.put(id, ports.next());
          c.brokerProxies.put(id, new FaultProxy("broker-" + id, id, brokerPorts.get(id), c.rules, owners));
        }
        if (layout.isController(id)) {
          controllerPorts.put(id, ports.next());
          FaultProxy p = new FaultProxy("controller-" + id, id, controllerPorts.get(id), c.rules, owners);
          c.controllerProxies.put(id, p);
          voters.add(id + "@127.0.0.1:" + p.port());
        }
      }
      String clusterId = StorageFormatter.randomClusterId();
      for (int id : layout.nodes()) {
        Map<String, String> p = new LinkedHashMap<>(defaults());
        p.put("node.id", Integer.toString(id));
        List<String> roles = new ArrayList<>();
        StringJoiner listeners = new StringJoiner(",");
        if (layout.isBroker(id)) {
          roles.add("broker");
          listeners.add("PLAINTEXT://127.0.0.1:" + brokerPorts.get(id));
          p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + c.brokerProxies.get(id).port());
        }
        if (layout.isController(id)) {
          roles.add("controller");
          listeners.add("CONTROLLER://127.0.0.1:" + controllerPorts.get(id));
        }
        p.put("process.roles", String.join(",", roles));
        p.put("listeners", listeners.toString());
        p.put("controller.quorum.voters", voters.toString());
        Path nodeDir = dataDir.resolve("node-" + id);
        p.put("log.dirs", nodeDir.resolve("data").toString());
        StorageFormatter.format(ServerConfig.fromProperties(p).allDirs(), id, clusterId);
        Path config = nodeDir.resolve("server.properties");
        writeProperties(config, p);
        c.nodes.put(id, new NodeProcess(id, jar, config, logDir, nodeDir.resolve("tmp")));
      }
      c.nodes.values().forEach(NodeProcess::start);
      c.awaitStarted(c.nodes.keySet());
      Properties props = new Properties();
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrap());
      props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
      c.admin = Admin.create(props);
      return c;
    } catch (IOException e) {
      c.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  /** Timings short enough that failures are noticed within seconds. */
  private static Map<String, String> defaults() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("controller.listener.names", "CONTROLLER");
    p.put("metrics.port", "0");
    p.put("controller.quorum.election.timeout.ms", "1000");
    p.put("controller.quorum.heartbeat.interval.ms", "100");
    p.put("controller.quorum.request.timeout.ms", "2000");
    p.put("broker.heartbeat.interval.ms", "300");
    p.put("broker.session.timeout.ms", "4000");
    p.put("replica.lag.time.max.ms", "5000");
    p.put("replica.fetch.backoff.ms", "200");
    p.put("default.replication.factor", "3");
    p.put("min.insync.replicas", "2");
    p.put("num.partitions", "3");
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.num.partitions", "3");
    p.put("offsets.topic.replication.factor", "3");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("group.min.session.timeout.ms", "1000");
    p.put("leader.imbalance.check.interval.seconds", "10");
    p.put("num.io.threads", "2");
    return p;
  }

  private static void writeProperties(Path file, Map<String, String> p) throws IOException {
    Files.createDirectories(file.getParent());
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Map.Entry<String, String> e : p.entrySet()) {
        w.write(e.getKey() + "=" + e.getValue() + "\n");
      }
    }
  }

  private Map<Integer, Long> pids() {
    Map<Integer, Long> pids = new TreeMap<>();
    nodes.forEach((id, n) -> {
      if (n.running()) {
        pids.put(id, n.pid());
      }
    });
    return pids;
  }

  private void awaitStarted(Collection<Integer> ids) {
    await("nodes " + ids + " start").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
      for (int id : ids) {
        nodes.get(id).checkAlive();
      }
      return ids.stream().allMatch(id -> nodes.get(id).started());
    });
  }

  public Layout layout() {
    return layout;
  }

  public LinkRules rules() {
    return rules;
  }

  public Admin admin() {
    return admin;
  }

  public String bootstrap() {
    return brokerProxies.values().stream().map(p -> "127.0.0.1:" + p.port()).collect(Collectors.joining(","));
  }

  public void kill(int id) {
    nodes.get(id).kill();
  }

  /** SIGTERM, then waits for the process to end (a controlled shutdown). */
  public void stop(int id) {
    nodes.get(id).stop();
  }

  public void pause(int id) {
    nodes.get(id).pause();
  }

  public void resume(int id) {
    nodes.get(id).resume();
  }

  /** Starts a stopped node on its data directory and waits for its started line. */
  public void restart(int id) {
    nodes.get(id).start();
    awaitStarted(List.of(id));
  }

  /** Lifts every network fault, resumes paused nodes and restarts stopped ones. */
  public void heal() {
    rules.heal();
    List<Integer> stopped = new ArrayList<>();
    for (NodeProcess n : nodes.values()) {
      n.resume();
      if (!n.running()) {
        n.start();
        stopped.add(n.id());
      }
    }
    awaitStarted(stopped);
  }

  /** The partition's leader as the metadata says, or -1. */
  public int leaderOf(String topic, int partition) {
    TopicPartitionInfo info = describe(topic).partitions().get(partition);
    return info.leader() == null ? -1 : info.leader().id();
  }

  public TopicDescription describe(String topic) {
    try {
      return admin.describeTopics(List.of(topic)).get(10, TimeUnit.SECONDS).get(topic);
    } catch (Exception e) {
      throw new IllegalStateException("describe " + topic + " failed: " + e, e);
    }
  }

  /** The Raft leader of the metadata quorum. */
  public int activeController() {
    try {
      return admin.describeQuorum().get(10, TimeUnit.SECONDS).leaderId();
    } catch (Exception e) {
      throw new IllegalStateException("describe quorum failed: " + e, e);
    }
  }

  /** The broker coordinating {@code group}. */
  public int coordinatorOf(String group) {
    try {
      Node n = admin.describeConsumerGroups(List.of(group)).get(10, TimeUnit.SECONDS).get(group).coordinator();
      return n == null ? -1 : n.id();
    } catch (Exception e) {
      throw new IllegalStateException("describe group " + group + " failed: " + e, e);
    }
  }

  /**
   * Waits until every partition of the topics has a leader and its full replica set in sync; on
   * timeout fails with what the cluster last reported (leaders, ISRs, fenced brokers).
   */
  public void awaitFullyReplicated(Collection<String> topics, Duration timeout) {
    AtomicReference<String> lastSeen = new AtomicReference<>("nothing: every describe failed");
    try {
      await("every partition of " + topics + " has a leader and a full ISR").atMost(timeout)
          .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            boolean full = true;
            StringJoiner seen = new StringJoiner("; ");
            for (String t : topics) {
              for (TopicPartitionInfo p : describe(t).partitions()) {
                seen.add(t + "-" + p.partition() + " leader " + (p.leader() == null ? "none" : p.leader().id())
                    + " isr " + ids(p.isr()) + " replicas " + ids(p.replicas()));
                full &= p.leader() != null && p.isr().size() == p.replicas().size();
              }
            }
            lastSeen.set(seen.toString());
            return full;
          });
    } catch (ConditionTimeoutException e) {
      throw new NotReplicatedException("not fully replicated within " + timeout + "; last seen: " + lastSeen.get()
          + "; brokers: " + brokersDescription(), e);
    }
  }

  private static List<Integer> ids(List<Node> nodes) {
    return nodes.stream().map(Node::id).toList();
  }

  private String brokersDescription() {
    try {
      return admin.describeBrokers().get(10, TimeUnit.SECONDS).brokers().stream()
          .map(b -> b.id() + (b.fenced() ? " fenced" : " unfenced")).collect(Collectors.joining(", "));
    } catch (Exception e) {
      return "unknown (" + e + ")";
    }
  }

  /**
   * Asks every running node for a thread dump (SIGQUIT; the JVM prints it to its log) and waits a
   * little for it, so a stuck cluster can be read after it is killed.
   */
  public void dumpThreads() {
    for (NodeProcess n : nodes.values()) {
      n.dumpThreads();
    }
    try {
      await("thread dumps").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
          .until(() -> nodes.values().stream().allMatch(NodeProcess::threadsDumped));
    } catch (ConditionTimeoutException e) {
      // a paused or dying node dumps nothing; the others did
    }
  }


  @Override
  public void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    killAll();
    brokerProxies.values().forEach(FaultProxy::close);
    controllerProxies.values().forEach(FaultProxy::close);
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
  }

  private void killAll() {
    for (NodeProcess n : nodes.values()) {
      n.kill();
    }
  }
}
