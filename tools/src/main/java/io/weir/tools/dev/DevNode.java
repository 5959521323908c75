package io.weir.tools.dev;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One node of a dev cluster: its id, whether it is a combined broker+controller (a voter) or a
 * broker only, its loopback ports (broker, controller, Prometheus) and its directory ({@code D/node-<id>}).
 */
record DevNode(int id, boolean controller, int brokerPort, int controllerPort, int metricsPort, Path dir) {
  static final String HOST = "127.0.0.1";

  Path config() {
    return dir.resolve("server.properties");
  }

  Path logFile() {
    return dir.resolve("server.log");
  }

  Path dataDir() {
    return dir.resolve("data");
  }

  String brokerAddress() {
    return HOST + ":" + brokerPort;
  }

  /**
   * The node's {@code server.properties}. Replication defaults follow Kafka's ({@code
   * default.replication.factor} and {@code offsets.topic.replication.factor} up to 3), and, as
   * Kafka's shipped development config, a first group rebalance does not wait.
   */
  Map<String, String> properties(String voters, int clusterSize) {
    String replicas = String.valueOf(Math.min(3, clusterSize));
    Map<String, String> p = new LinkedHashMap<>();
    p.put("node.id", String.valueOf(id));
    p.put("process.roles", controller ? "broker,controller" : "broker");
    p.put("listeners", "PLAINTEXT://" + brokerAddress() + (controller ? ",CONTROLLER://" + HOST + ":" + controllerPort : ""));
    p.put("controller.listener.names", "CONTROLLER");
    p.put("controller.quorum.voters", voters);
    p.put("metrics.port", String.valueOf(metricsPort));
    p.put("log.dirs", dataDir().toString());
    p.put("default.replication.factor", replicas);
    p.put("offsets.topic.replication.factor", replicas);
    p.put("min.insync.replicas", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    return p;
  }
}
