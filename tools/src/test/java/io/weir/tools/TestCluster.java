package io.weir.tools;

import io.weir.broker.node.LoopbackPorts;
import io.weir.broker.node.ServerConfig;
import io.weir.broker.node.StorageFormatter;
import io.weir.broker.node.WeirNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/** N combined Weir nodes (ids 1..N) in this JVM on free 127.0.0.1 ports, for the CLI's tests. */
final class TestCluster implements AutoCloseable {
  private final List<WeirNode> nodes = new ArrayList<>(); // started by the test thread, closed by it
  private final List<ServerConfig> configs = new ArrayList<>();
  private final List<Integer> brokerPorts = new ArrayList<>();

  TestCluster(Path dir, int size) {
    this(dir, size, Map.of());
  }

  /** {@code overrides} replace any of the test timings and defaults. */
  TestCluster(Path dir, int size, Map<String, String> overrides) {
    StringJoiner voters = new StringJoiner(",");
    List<Integer> controllerPorts = new ArrayList<>();
    List<Integer> ports = LoopbackPorts.free(2 * size);
    for (int id = 1; id <= size; id++) {
      controllerPorts.add(ports.get(2 * id - 2));
      brokerPorts.add(ports.get(2 * id - 1));
      voters.add(id + "@127.0.0.1:" + controllerPorts.get(id - 1));
    }
    String clusterId = StorageFormatter.randomClusterId();
    try {
      for (int id = 1; id <= size; id++) {
        Map<String, String> p = new HashMap<>();
        p.put("node.id", String.valueOf(id));
        p.put("process.roles", "broker,controller");
        p.put("controller.quorum.voters", voters.toString());
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts.get(id - 1) + ",CONTROLLER://127.0.0.1:"
            + controllerPorts.get(id - 1));
        p.put("log.dirs", dir.resolve("node-" + id).toString());
        p.put("broker.rack", "rack-" + id);
        p.put("controller.quorum.election.timeout.ms", "300");
        p.put("controller.quorum.heartbeat.interval.ms", "40");
        p.put("controller.quorum.request.timeout.ms", "3000");
        p.put("broker.heartbeat.interval.ms", "150");
        p.put("broker.session.timeout.ms", "3000");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("metrics.port", "0");
        p.putAll(overrides);
        ServerConfig config = ServerConfig.fromProperties(p);
        StorageFormatter.format(config.allDirs(), id, clusterId);
        configs.add(config);
        nodes.add(WeirNode.start(config));
      }
      for (WeirNode n : nodes) {
        n.brokerReady().get(60, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      close();
      throw new IllegalStateException("the test cluster did not start", e);
    }
  }

  String bootstrap() {
    return "127.0.0.1:" + brokerPorts.get(0);
  }

  /** Every node's broker listener. */
  String bootstrapAll() {
    StringJoiner all = new StringJoiner(",");
    brokerPorts.forEach(port -> all.add("127.0.0.1:" + port));
    return all.toString();
  }

  /** What SIGTERM does to {@code weir server}: controlled shutdown, then close. */
  boolean shutdown(int id) {
    return node(id).shutdown(ServerCommand.CONTROLLED_SHUTDOWN_TIMEOUT);
  }

  /** A new node on the stopped node's directories and ports; returns once it serves. */
  void restart(int id) throws Exception {
    nodes.set(id - 1, WeirNode.start(configs.get(id - 1)));
    node(id).brokerReady().get(60, TimeUnit.SECONDS);
  }

  int brokerPort(int id) {
    return brokerPorts.get(id - 1);
  }

  WeirNode node(int id) {
    return nodes.get(id - 1);
  }

  @Override
  public void close() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
  }
}
