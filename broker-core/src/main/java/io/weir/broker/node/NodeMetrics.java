package io.weir.broker.node;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import io.prometheus.client.hotspot.BufferPoolsExports;
import io.prometheus.client.hotspot.ClassLoadingExports;
import io.prometheus.client.hotspot.GarbageCollectorExports;
import io.prometheus.client.hotspot.MemoryPoolsExports;
import io.prometheus.client.hotspot.StandardExports;
import io.prometheus.client.hotspot.ThreadExports;
import io.prometheus.client.hotspot.VersionInfoExports;
import io.weir.broker.BrokerServer;
import io.weir.broker.NamedThreadFactory;
import io.weir.broker.metrics.ControllerCollector;
import io.weir.broker.metrics.GroupCollector;
import io.weir.broker.metrics.GrpcServerMetrics;
import io.weir.broker.metrics.ReplicaCollector;
import io.weir.metadata.controller.server.QuorumController;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's Prometheus endpoint: its own {@link CollectorRegistry} (never the JVM-wide default, as
 * several nodes share a JVM in tests) holding the request metrics, the broker's counters, the
 * scrape-time collectors of the roles this node runs and the JVM's collectors, served on {@code
 * GET /metrics} by one HTTP thread.
 */
final class NodeMetrics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeMetrics.class);

  private final CollectorRegistry registry;
  private final HTTPServer server;
  private final ExecutorService executor;

  private NodeMetrics(CollectorRegistry registry, HTTPServer server, ExecutorService executor) {
    this.registry = registry;
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds {@code metrics.host:metrics.port}, before the roles start so that a taken port stops the
   * node at once, and serves the request and JVM metrics; {@link #addRoles} adds the rest.
   *
   * @throws UncheckedIOException naming {@code metrics.port} when the address cannot be bound
   */
  static NodeMetrics start(ServerConfig config, GrpcServerMetrics requests) {
    CollectorRegistry registry = new CollectorRegistry();
    requests.register(registry);
    // DefaultExports minus MemoryAllocationExports, whose GC listeners could never be removed when a node stops.
    registry.register(new StandardExports());
    registry.register(new MemoryPoolsExports());
    registry.register(new BufferPoolsExports());
    registry.register(new GarbageCollectorExports());
    registry.register(new ThreadExports());
    registry.register(new ClassLoadingExports());
    registry.register(new VersionInfoExports());

    String host = config.metricsHost();
    int port = config.metricsPort();
    ExecutorService executor =
        Executors.newSingleThreadExecutor(new NamedThreadFactory("metrics-http-" + config.nodeId()));
    try {
      HTTPServer server = new HTTPServer.Builder().withInetSocketAddress(new InetSocketAddress(host, port))
          .withRegistry(registry).withExecutorService(executor).build();
      log.info("Node {} serves Prometheus metrics on http://{}:{}/metrics", config.nodeId(), host, server.getPort());
      return new NodeMetrics(registry, server, executor);
    } catch (IOException e) {
      executor.shutdownNow();
      throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + " (" + ServerConfig.METRICS_PORT
          + "=" + port + "): " + e.getMessage(), e);
    }
  }

  /**
   * Serves the metrics of the roles this node runs, once they exist.
   *
   * @param broker null on a controller-only node
   * @param controller null on a broker-only node
   */
  void addRoles(BrokerServer broker, QuorumController controller) {
    if (broker != null) {
      broker.stats().register(registry);
      registry.register(new ReplicaCollector(broker.replicaManager()));
      registry.register(new GroupCollector(broker.groupCoordinator(), broker.replicaManager()));
    }
    if (controller != null) {
      registry.register(new ControllerCollector(controller));
    }
  }

  /** The bound port (the chosen one when {@code metrics.port=0}). */
  int port() {
    return server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    server.close(); // stops the HTTP dispatcher at once
    executor.shutdown();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }
}
